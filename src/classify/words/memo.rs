//! Readings already made: a message and its outcome fields read once per
//! distinct text, as a service writes the same few messages over and over.
//! Bounded: past `ENTRIES` texts it starts over.

use super::Reading;
use std::collections::HashMap;
use std::sync::Mutex;

/// Texts longer than this are read every time: long texts seldom repeat.
const LONGEST: usize = 1024;
const ENTRIES: usize = 4096;

#[derive(Default)]
pub(super) struct Memo {
    done: Mutex<HashMap<Box<str>, Reading>>,
}

/// A copy starts empty: what it remembers is only ever a cache.
impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl Memo {
    /// The reading of `message` and `extra`, made by `read` once per
    /// distinct text.
    pub(super) fn get(
        &self,
        message: &str,
        extra: &[&str],
        read: impl FnOnce() -> Reading,
    ) -> Reading {
        let len = message.len() + extra.iter().map(|e| e.len() + 1).sum::<usize>();
        if len > LONGEST {
            return read();
        }
        // The parts apart by a byte no text of a line holds.
        let mut key = String::with_capacity(len + 1);
        key.push_str(message);
        for e in extra {
            key.push('\0');
            key.push_str(e);
        }
        if let Some(hit) = self
            .done
            .lock()
            .ok()
            .and_then(|m| m.get(key.as_str()).copied())
        {
            return hit;
        }
        let out = read();
        if let Ok(mut m) = self.done.lock() {
            if m.len() >= ENTRIES {
                m.clear();
            }
            m.insert(key.into(), out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::classify::pack::Pack;

    /// A remembered reading is the reading: for the same message with other
    /// outcome fields, for repeats, and past the bound.
    #[test]
    fn remembered_readings_are_the_readings() {
        let pack = Pack::load(&[], false).unwrap();
        let v = &pack.vocabulary.words;
        let cases: [(&str, &[&str]); 5] = [
            ("Rotation of service iam-api-key", &["failed"]),
            ("Rotation of service iam-api-key", &["succeeded"]),
            ("Rotation of service iam-api-key", &[]),
            ("Rotation of service iam-api-key failed", &[]),
            ("could not rotate the key", &["gave up"]),
        ];
        for _ in 0..3 {
            for (msg, extra) in cases {
                let fresh = v.read_once(msg, extra);
                assert_eq!(v.read(msg, extra.iter().copied()), fresh, "{msg} {extra:?}");
            }
        }
        assert_ne!(
            v.read("Rotation of service iam-api-key", ["failed"]),
            v.read("Rotation of service iam-api-key", ["succeeded"])
        );
        for i in 0..(super::ENTRIES + 10) {
            let msg = format!("rotation {i} failed");
            assert_eq!(v.read(&msg, []), v.read_once(&msg, &[]));
        }
        assert!(v.memo.done.lock().unwrap().len() <= super::ENTRIES);
    }
}
