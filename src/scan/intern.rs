//! One copy of each text the kept events repeat: a cluster id on every line
//! of its rotation, a pod on every line it wrote, and the same failure
//! message on a thousand clusters when the environment breaks under all of
//! them. A million failing clusters would otherwise hold a million copies.

use std::collections::HashSet;
use std::sync::Arc;

#[derive(Default)]
pub struct Interner {
    kept: HashSet<Arc<str>>,
    /// The size after the last purge: purging again only once it has
    /// doubled keeps the cost linear in the texts.
    purged_at: usize,
}

impl Interner {
    /// Makes `s` the kept copy of its text, keeping it if it is new.
    pub fn share(&mut self, s: &mut Arc<str>) {
        match self.kept.get(&**s) {
            Some(k) => *s = k.clone(),
            None => {
                self.kept.insert(s.clone());
            }
        }
    }

    /// Lets go of texts no event holds any more (`--follow` drops the
    /// messages of rotated clusters), once they may be many.
    pub fn purge(&mut self) {
        if self.kept.len() < 2 * self.purged_at.max(1024) {
            return;
        }
        self.kept.retain(|s| Arc::strong_count(s) > 1);
        self.kept.shrink_to_fit();
        self.purged_at = self.kept.len();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.kept.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_end_up_as_one_allocation() {
        let mut names = Interner::default();
        let mut a: Arc<str> = "failed to update WDEK secret".into();
        let mut b: Arc<str> = "failed to update WDEK secret".into();
        let mut c: Arc<str> = "etcdserver: request timed out".into();
        names.share(&mut a);
        names.share(&mut b);
        names.share(&mut c);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!((&*b, names.len()), ("failed to update WDEK secret", 2));
    }

    #[test]
    fn a_purge_drops_only_the_texts_nobody_holds() {
        let mut names = Interner::default();
        let mut held = Vec::new();
        for i in 0..3000 {
            let mut s: Arc<str> = format!("message {i}").into();
            names.share(&mut s);
            if i % 3 == 0 {
                held.push(s);
            }
        }
        names.purge();
        assert_eq!(names.len(), 1000);
        for s in &held {
            let mut again: Arc<str> = s.to_string().into();
            names.share(&mut again);
            assert!(Arc::ptr_eq(s, &again));
        }
        // Below the threshold nothing is scanned.
        drop(held);
        names.purge();
        assert_eq!(names.len(), 1000);
    }
}
