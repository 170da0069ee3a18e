//! Redactions already made, for the texts that repeat: the same failure on
//! line after line (a hot retry loop, one error on every cluster) is
//! redacted once. Bounded: past `ENTRIES` texts it starts over.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Texts longer than this are redacted every time: long texts seldom repeat.
const LONGEST: usize = 2048;
const ENTRIES: usize = 4096;

#[derive(Default)]
pub(super) struct Memo {
    done: Mutex<HashMap<Box<str>, Arc<str>>>,
}

impl Memo {
    /// `text` redacted by `redact`, made once per distinct text.
    pub(super) fn get(&self, text: &str, redact: impl FnOnce(&str) -> Arc<str>) -> Arc<str> {
        if text.len() > LONGEST {
            return redact(text);
        }
        if let Some(hit) = self.done.lock().ok().and_then(|m| m.get(text).cloned()) {
            return hit;
        }
        let out = redact(text);
        if let Ok(mut m) = self.done.lock() {
            if m.len() >= ENTRIES {
                m.clear();
            }
            m.insert(text.into(), out.clone());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::redact::Redactor;

    /// Shared redactions are the redactions, for repeated and new texts,
    /// and each redactor keeps its own: one that knows a secret never
    /// hands out what one that did not know it made.
    #[test]
    fn shared_redactions_are_the_redactions_of_each_redactor() {
        let secret = "s3cr3t-Value-0123456789abcdef";
        let plain = Redactor::default();
        let knowing = Redactor::new(vec![secret.to_string()]);
        let text = format!("login failed with {secret} for user");
        for _ in 0..3 {
            assert_eq!(&*plain.redact_shared(&text), plain.redact(&text).as_ref());
            assert_eq!(
                &*knowing.redact_shared(&text),
                knowing.redact(&text).as_ref()
            );
        }
        assert!(!knowing.redact_shared(&text).contains(secret));
        for i in 0..(super::ENTRIES + 10) {
            let t = format!("apikey=AbCdEfGhIjKlMnOpQrStUvWxYz{i:06} failed");
            assert_eq!(&*plain.redact_shared(&t), plain.redact(&t).as_ref());
        }
        assert!(plain.memo.done.lock().unwrap().len() <= super::ENTRIES);
        let long = "token=abcdefghijklmnopqrstuvwxyz0123 ".repeat(100);
        assert_eq!(&*plain.redact_shared(&long), plain.redact(&long).as_ref());
    }
}
