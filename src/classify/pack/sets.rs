//! The attribution text patterns, each list also as one set.

use regex::bytes::{Regex, RegexSet, RegexSetBuilder};
use std::sync::OnceLock;

/// Each list of text patterns as one set: most texts match none of a list,
/// and a set says so in one pass where the list takes one per pattern.
#[derive(Debug, Default)]
pub struct TextSets {
    pub(crate) cluster: LazySet,
    pub(crate) corr: LazySet,
    pub(crate) attempt: LazySet,
    pub(crate) budget: LazySet,
}

/// One list's set, built at first use, when the pack is whole.
#[derive(Debug, Default)]
pub(crate) struct LazySet(OnceLock<Option<RegexSet>>);

impl LazySet {
    /// Whether any of `res` may match `text` (true when the set cannot say).
    pub(crate) fn may_match(&self, res: &[Regex], text: &str) -> bool {
        // With the options the pack compiles each pattern with.
        let set = self.0.get_or_init(|| {
            RegexSetBuilder::new(res.iter().map(Regex::as_str))
                .case_insensitive(true)
                .unicode(false)
                .size_limit(64 << 20)
                .build()
                .ok()
        });
        match set {
            // A pack loaded after the set was built adds patterns it lacks.
            Some(set) if set.len() == res.len() => set.is_match(text.as_bytes()),
            _ => true,
        }
    }
}
