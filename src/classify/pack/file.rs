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
    #[serde(default)]
    pub attempt_fields: Vec<String>,
    pub cluster_id: Option<String>,
    #[serde(default)]
    pub cluster_text: Vec<String>,
    #[serde(default)]
    pub corr_text: Vec<String>,
    #[serde(default)]
    pub attempt_text: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ErrorsFile {
    #[serde(default)]
    pub(super) keywords: Vec<String>,
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
