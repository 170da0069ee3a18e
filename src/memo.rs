//! Results already worked out, for the texts that repeat: a service writes
//! the same few messages and the same failure line after line, so a pure
//! function of a message runs once per distinct text. Bounded: texts longer
//! than `LONGEST` are not kept (they seldom repeat), and past `ENTRIES`
//! texts it starts over.

use std::collections::HashMap;
use std::sync::Mutex;

const ENTRIES: usize = 4096;
const LONGEST: usize = 2048;

pub struct Memo<V> {
    done: Mutex<HashMap<Box<str>, V>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Memo<V> {
        Memo {
            done: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Memo<V> {
    /// What `make` gives for `text`, made once per distinct text.
    pub fn get(&self, text: &str, make: impl FnOnce() -> V) -> V {
        if text.len() > LONGEST {
            return make();
        }
        if let Some(hit) = self.done.lock().ok().and_then(|m| m.get(text).cloned()) {
            return hit;
        }
        let out = make();
        if let Ok(mut m) = self.done.lock() {
            if m.len() >= ENTRIES {
                m.clear();
            }
            m.insert(text.into(), out.clone());
        }
        out
    }

    /// Texts kept now.
    pub fn len(&self) -> usize {
        self.done.lock().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub const ENTRIES: usize = ENTRIES;
}

/// A copy starts empty: what it remembers is only ever a cache.
impl<V> Clone for Memo<V> {
    fn clone(&self) -> Memo<V> {
        Memo::default()
    }
}

impl<V> std::fmt::Debug for Memo<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}
