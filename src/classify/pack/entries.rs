//! One category or rule of a pack file into the pack: checked, compiled,
//! and added, or put in place of the entry of an earlier file with its id.

use super::compile::{check_id, check_samples, compile_any, lowercase_keywords};
use super::file::{CategoryFile, RuleFile};
use super::{Category, Kind, Pack, Rule, Target, DEFAULT_HOLD_CLUSTERS};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, HashSet};

impl Pack {
    pub(super) fn add_category(
        &mut self,
        c: CategoryFile,
        origin: &str,
        index: usize,
        ids: &mut HashSet<String>,
    ) -> Result<()> {
        let entry = format!("category #{} `{}`", index + 1, c.id);
        check_id(&c.id, origin, &entry)?;
        if !ids.insert(c.id.clone()) {
            return Err(Error::pack(origin, entry, "duplicate category id"));
        }
        for (name, value) in [("title", &c.title), ("action", &c.action)] {
            if value.trim().is_empty() {
                return Err(Error::pack(origin, &entry, format!("`{name}` is empty")));
            }
        }
        let category = Category {
            id: c.id.as_str().into(),
            kind: c.kind,
            title: c.title,
            action: c.action,
            hold_in_streak: c.hold_in_streak,
            hold_unattributed: c.hold_unattributed,
            // Every cause is systemic at some spread; five failing clusters
            // with one cause point past their masters.
            hold_clusters: c
                .hold_clusters
                .or((c.kind == Kind::Cause).then_some(DEFAULT_HOLD_CLUSTERS)),
        };
        match self.category_id(&c.id) {
            Some(at) => self.categories[usize::from(at)] = category,
            None => self.categories.push(category),
        }
        Ok(())
    }

    pub(super) fn add_rule(
        &mut self,
        r: RuleFile,
        defines: &BTreeMap<String, String>,
        origin: &str,
        ids: &mut HashSet<String>,
    ) -> Result<()> {
        let entry = format!("rule `{}`", r.id);
        check_id(&r.id, origin, &entry)?;
        if !ids.insert(r.id.clone()) {
            return Err(Error::pack(origin, entry, "duplicate rule id"));
        }
        let target = self.rule_target(&r, origin, &entry)?;
        if r.regex.is_empty() {
            return Err(Error::pack(
                origin,
                entry,
                "`regex` is empty: a rule needs at least one",
            ));
        }
        if r.samples.is_empty() {
            return Err(Error::pack(
                origin,
                entry,
                "`samples` is empty: a rule needs a line it must match",
            ));
        }
        let rule = Rule {
            target,
            strength: r.strength,
            keywords: lowercase_keywords(&r.keywords, origin, &entry)?,
            regex: compile_any(&r.regex, defines, origin, &entry, "regex")?
                .expect("`regex` was checked to be non-empty"),
            unless: compile_any(&r.unless, defines, origin, &entry, "unless")?,
            samples: r.samples,
            not_samples: r.not_samples,
            id: r.id,
        };
        if rule.keywords.is_empty() {
            return Err(Error::pack(
                origin,
                entry,
                "`keywords` is empty: the prefilter needs at least one",
            ));
        }
        check_samples(&rule, origin, &entry)?;
        match self.rules.iter().position(|x| x.id == rule.id) {
            Some(at) => self.rules[at] = rule,
            None => self.rules.push(rule),
        }
        Ok(())
    }

    fn rule_target(&self, r: &RuleFile, origin: &str, entry: &str) -> Result<Target> {
        match (&r.category, r.marker) {
            (Some(c), None) => self
                .category_id(c)
                .map(Target::Category)
                .ok_or_else(|| Error::pack(origin, entry, format!("unknown category `{c}`"))),
            (None, Some(m)) => Ok(Target::Marker(m)),
            _ => Err(Error::pack(
                origin,
                entry,
                "needs exactly one of `category` or `marker`",
            )),
        }
    }
}
