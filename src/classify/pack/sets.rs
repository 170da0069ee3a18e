//! The attribution text patterns, each list also as one set.

use regex::bytes::{Regex, RegexSet, RegexSetBuilder};
use std::sync::OnceLock;

/// Each list of text patterns as one set: most texts match none of a list,
/// and a set says so in one pass where the list takes one per pattern.
#[derive(Debug, Default)]
pub struct TextSets {
    pub(crate) cluster: OnceLock<Option<RegexSet>>,
    pub(crate) corr: OnceLock<Option<RegexSet>>,
    pub(crate) attempt: OnceLock<Option<RegexSet>>,
    pub(crate) budget: OnceLock<Option<RegexSet>>,
}

impl TextSets {
    /// Whether any of `res` may match `text` (true when the set cannot say).
    pub(crate) fn any(&self, set: &OnceLock<Option<RegexSet>>, res: &[Regex], text: &str) -> bool {
        // With the options the pack compiles each pattern with.
        let set = set.get_or_init(|| {
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
