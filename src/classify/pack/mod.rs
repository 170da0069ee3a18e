//! The pattern pack: the runbook as validated data.
//!
//! A pack is TOML. The default is compiled in; user packs extend it or replace
//! it. Every rule carries sample lines that must match it, and loading fails
//! with the pack's origin, the entry and what is wrong.

mod compile;
mod entries;
mod file;
mod sections;
mod sets;

use super::words::{Class, Hint, Vocabulary};
use crate::error::{Error, Result};
pub(crate) use compile::check_joined;
pub use compile::normalize_field;
use compile::{kind_name, lowercase_keywords};
use file::PackFile;
use regex::bytes::Regex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

pub const DEFAULT_PACK: &str = include_str!("../../../patterns/default.toml");
/// `hold_clusters` of a cause category that sets none.
pub const DEFAULT_HOLD_CLUSTERS: usize = 5;
pub const DEFAULT_ORIGIN: &str = "<built-in patterns/default.toml>";

/// How a category takes part in rebuilding attempts and ranking causes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An underlying failure (etcd, kube client, WDEK secret, user-added).
    Cause,
    /// One attempt failed; the cause is elsewhere.
    AttemptFailed,
    /// Retries are exhausted: the summary failure.
    Exhausted,
    /// An error tied to a rotation that no rule names.
    Unclassified,
}

impl Kind {
    /// Higher is more specific; the root cause is the most specific failure.
    /// Root cause precedence in a failing streak: a runbook cause, then an
    /// unclassified error, then a bare attempt failure, then the summary.
    pub fn rank(self) -> u8 {
        match self {
            Kind::Cause => 3,
            Kind::Unclassified => 2,
            Kind::AttemptFailed => 1,
            Kind::Exhausted => 0,
        }
    }
}

/// Lifecycle events that are not failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Marker {
    /// A new key was detected: a new rotation round begins.
    Detected,
    Started,
    Succeeded,
}

/// A runbook phrase names the operation that failed; a detail is an underlying
/// error string. A phrase outranks a detail of another category on one line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    #[default]
    Phrase,
    Detail,
}

/// Index of a category in the pack.
pub type CatId = u16;

/// The categories of one line or attempt, most specific first. Inline up
/// to eight: every kept event holds one, and a heap vector would cost each
/// failure an allocation.
pub type Cats = smallvec::SmallVec<[CatId; 8]>;

#[derive(Clone, Debug, Serialize)]
pub struct Category {
    /// Shared: a million failing clusters name their root cause by it.
    pub id: Arc<str>,
    pub kind: Kind,
    pub title: String,
    pub action: String,
    pub hold_in_streak: bool,
    pub hold_unattributed: bool,
    pub hold_clusters: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Category(CatId),
    Marker(Marker),
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub target: Target,
    pub strength: Strength,
    pub keywords: Vec<String>,
    /// The rule's patterns, joined into one alternation.
    pub regex: Regex,
    pub unless: Option<Regex>,
    pub samples: Vec<String>,
    pub not_samples: Vec<String>,
}

impl Rule {
    /// Where the rule matches `text` (the start of its first matching regex),
    /// keywords included, so a sample check is the same test the engine runs.
    pub fn find(&self, text: &str) -> Option<usize> {
        let lower = text.to_ascii_lowercase();
        if !self.keywords.iter().any(|k| lower.contains(k.as_str())) {
            return None;
        }
        self.find_after_prefilter(text)
    }

    pub fn find_after_prefilter(&self, text: &str) -> Option<usize> {
        let text = text.as_bytes();
        if self.unless.as_ref().is_some_and(|r| r.is_match(text)) {
            return None;
        }
        self.regex.find(text).map(|m| m.start())
    }
}

/// Attribution settings: how a line names its cluster, correlation id and attempt.
#[derive(Debug, Default)]
pub struct AttributionSpec {
    pub cluster_fields: Vec<String>,
    pub corr_fields: Vec<String>,
    pub corr_names: Vec<String>,
    pub attempt_fields: Vec<String>,
    pub cluster_id: Option<Regex>,
    pub crn: Option<Regex>,
    pub cluster_text: Vec<Regex>,
    pub corr_text: Vec<Regex>,
    pub attempt_text: Vec<Regex>,
    /// Prefilter literals for lines that name a cluster or correlation id.
    pub keywords: Vec<String>,
    pub budget_fields: Vec<String>,
    pub budget_text: Vec<Regex>,
    pub text_sets: sets::TextSets,
}

/// The word layer's data (see `classify::words`).
#[derive(Debug, Default)]
pub struct VocabularySpec {
    pub words: Vocabulary,
    pub keywords: Vec<String>,
    /// Normalised names of fields read as words.
    pub fields: Vec<String>,
    pub announce: Vec<Regex>,
    /// The category of each `Class::Cause(n)`.
    pub causes: Vec<CatId>,
    /// Each sample and the event it must read as; checked once the pack is whole.
    samples: Vec<(Option<Hint>, String, String)>,
    /// Each cause sample, the category it must name, and its origin.
    cause_samples: Vec<(CatId, String, String)>,
}

/// A loaded, validated pack: the default, plus or instead of user packs.
#[derive(Debug, Default)]
pub struct Pack {
    pub categories: Vec<Category>,
    pub rules: Vec<Rule>,
    pub attribution: AttributionSpec,
    pub error_keywords: Vec<String>,
    /// Keywords that make a line a candidate only beside a cluster or an id.
    pub weak_keywords: Vec<String>,
    pub vocabulary: VocabularySpec,
    pub origins: Vec<String>,
}

impl Pack {
    pub fn builtin() -> Result<Pack> {
        let mut pack = Pack::default();
        pack.add(DEFAULT_PACK, DEFAULT_ORIGIN)?;
        pack.finish()?;
        Ok(pack)
    }

    /// Loads the default (unless `replace`) and then each user pack in order.
    pub fn load(user: &[(String, String)], replace: bool) -> Result<Pack> {
        let mut pack = Pack::default();
        if !replace {
            pack.add(DEFAULT_PACK, DEFAULT_ORIGIN)?;
        }
        for (origin, text) in user {
            pack.add(text, origin)?;
        }
        pack.finish()?;
        Ok(pack)
    }

    pub fn category(&self, id: CatId) -> &Category {
        &self.categories[usize::from(id)]
    }

    pub fn category_id(&self, name: &str) -> Option<CatId> {
        self.categories
            .iter()
            .position(|c| &*c.id == name)
            .map(|i| i as CatId)
    }

    /// The single category of a built-in kind (validated by `finish`).
    pub fn of_kind(&self, kind: Kind) -> CatId {
        self.categories
            .iter()
            .position(|c| c.kind == kind)
            .unwrap_or(0) as CatId
    }

    fn add(&mut self, text: &str, origin: &str) -> Result<()> {
        let file: PackFile = toml::from_str(text).map_err(|e| Error::PackSyntax {
            origin: origin.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        if file.schema_version != 1 {
            let msg = format!(
                "schema_version {} is not supported (expected 1)",
                file.schema_version
            );
            return Err(Error::pack(origin, "schema_version", msg));
        }
        self.origins.push(origin.to_string());
        self.add_attribution(&file.attribution, &file.defines, origin)?;
        self.error_keywords.extend(lowercase_keywords(
            &file.errors.keywords,
            origin,
            "errors.keywords",
        )?);
        self.weak_keywords.extend(lowercase_keywords(
            &file.errors.weak,
            origin,
            "errors.weak",
        )?);
        // An id may appear once a file; a later file's id overrides the
        // earlier one's in place, so a copy of the default pack loads on top
        // of it and an edited copy changes what it edits.
        let mut ids = HashSet::new();
        for (i, c) in file.category.into_iter().enumerate() {
            self.add_category(c, origin, i, &mut ids)?;
        }
        self.add_vocabulary(&file.vocabulary, &file.defines, origin)?;
        let mut ids = HashSet::new();
        for r in file.rule {
            self.add_rule(r, &file.defines, origin, &mut ids)?;
        }
        Ok(())
    }

    /// Checks what only the whole pack can tell.
    fn finish(&mut self) -> Result<()> {
        let origin = self.origins.join(" + ");
        for kind in [Kind::AttemptFailed, Kind::Exhausted, Kind::Unclassified] {
            let n = self.categories.iter().filter(|c| c.kind == kind).count();
            if n != 1 {
                let msg = format!(
                    "needs exactly one category of kind `{}`, found {n}",
                    kind_name(kind)
                );
                return Err(Error::pack(&origin, "categories", msg));
            }
        }
        if self.attribution.cluster_id.is_none() {
            return Err(Error::pack(
                &origin,
                "attribution",
                "`cluster_id` is not set",
            ));
        }
        if self.categories.len() > usize::from(CatId::MAX) {
            return Err(Error::pack(&origin, "categories", "too many categories"));
        }
        self.check_vocabulary_samples()
    }

    /// Every distinct keyword of the rules.
    pub fn rule_keywords(&self) -> Vec<String> {
        distinct(self.rules.iter().flat_map(|r| r.keywords.iter()))
    }

    /// Every distinct prefilter keyword: rules', error words and attribution.
    pub fn keywords(&self) -> Vec<String> {
        distinct(
            self.rule_keywords()
                .iter()
                .chain(&self.vocabulary.keywords)
                .chain(&self.error_keywords)
                .chain(&self.attribution.keywords),
        )
    }
}

fn distinct<'a>(words: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut seen = HashSet::new();
    words.filter(|k| seen.insert(k.as_str())).cloned().collect()
}
