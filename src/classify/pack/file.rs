//! The pack file's schema: what a user may write, and nothing else
//! (`deny_unknown_fields` everywhere).

use super::{Kind, Marker, Strength};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PackFile {
    pub(super) schema_version: u32,
    #[serde(default)]
    pub(super) defines: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) attribution: AttributionFile,
    #[serde(default)]
    pub(super) errors: ErrorsFile,
    #[serde(default)]
    pub(super) vocabulary: VocabularyFile,
    #[serde(default)]
    pub(super) category: Vec<CategoryFile>,
    #[serde(default)]
    pub(super) rule: Vec<RuleFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributionFile {
    #[serde(default)]
    pub cluster_fields: Vec<String>,
    #[serde(default)]
    pub corr_fields: Vec<String>,
    /// Correlation ids by their exact (normalised) name: abbreviations
    /// too short to look for inside other names ("rid" is in "grid").
    #[serde(default)]
    pub corr_names: Vec<String>,
    #[serde(default)]
    pub attempt_fields: Vec<String>,
    pub cluster_id: Option<String>,
    /// A CRN, with the cluster id in a named group `id`.
    pub crn: Option<String>,
    #[serde(default)]
    pub cluster_text: Vec<String>,
    #[serde(default)]
    pub corr_text: Vec<String>,
    #[serde(default)]
    pub attempt_text: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Fields that give the retry budget (the number of attempts).
    #[serde(default)]
    pub budget_fields: Vec<String>,
    /// Patterns with a named group `max`: the retry budget in free text.
    #[serde(default)]
    pub budget_text: Vec<String>,
}

/// The word layer: word classes, the fields read as words, and samples.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VocabularyFile {
    /// Prefilter literals: a line holding one is read by the word layer.
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    #[serde(default)]
    pub(super) topic: Vec<String>,
    #[serde(default)]
    pub(super) key: Vec<String>,
    #[serde(default)]
    pub(super) change: Vec<String>,
    #[serde(default)]
    pub(super) modifier: Vec<String>,
    /// Per cause category id: words that name that cause in a failure.
    #[serde(default)]
    pub(super) causes: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub(super) start: Vec<String>,
    #[serde(default)]
    pub(super) succeed: Vec<String>,
    #[serde(default)]
    pub(super) fail: Vec<String>,
    #[serde(default)]
    pub(super) exhaust: Vec<String>,
    #[serde(default)]
    pub(super) limit: Vec<String>,
    #[serde(default)]
    pub(super) detect: Vec<String>,
    #[serde(default)]
    pub(super) negate: Vec<String>,
    /// Fields whose values are read as words too (`status`, `result`, ...).
    #[serde(default)]
    pub(super) fields: Vec<String>,
    /// Patterns with a named group `n`: the clusters a new key is rolled to.
    #[serde(default)]
    pub(super) announce: Vec<String>,
    #[serde(default)]
    pub(super) samples: VocabularySamples,
}

/// Lines and the event the word layer must read in each (`none`: no event).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VocabularySamples {
    #[serde(default)]
    pub(super) detected: Vec<String>,
    #[serde(default)]
    pub(super) started: Vec<String>,
    #[serde(default)]
    pub(super) succeeded: Vec<String>,
    #[serde(default)]
    pub(super) failed: Vec<String>,
    #[serde(default)]
    pub(super) exhausted: Vec<String>,
    #[serde(default)]
    pub(super) none: Vec<String>,
    /// Per cause category id: failure lines the words must give that cause.
    #[serde(default)]
    pub(super) causes: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ErrorsFile {
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    /// Keywords too common to make a line worth decoding alone: only with a
    /// cluster or correlation literal, or an id-shaped token.
    #[serde(default)]
    pub(super) weak: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CategoryFile {
    pub(super) id: String,
    pub(super) kind: Kind,
    pub(super) title: String,
    pub(super) action: String,
    #[serde(default)]
    pub(super) hold_in_streak: bool,
    #[serde(default)]
    pub(super) hold_unattributed: bool,
    pub(super) hold_clusters: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleFile {
    pub(super) id: String,
    pub(super) category: Option<String>,
    pub(super) marker: Option<Marker>,
    #[serde(default)]
    pub(super) strength: Strength,
    pub(super) keywords: Vec<String>,
    pub(super) regex: Vec<String>,
    #[serde(default)]
    pub(super) unless: Vec<String>,
    pub(super) samples: Vec<String>,
    #[serde(default)]
    pub(super) not_samples: Vec<String>,
}
