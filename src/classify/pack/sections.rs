//! The pack's attribution and vocabulary sections, loaded and checked.

use super::compile::{compile, lowercase_keywords};
use super::file::{AttributionFile, VocabularyFile};
use super::*;

impl Pack {
    pub(super) fn add_attribution(
        &mut self,
        a: &AttributionFile,
        defines: &BTreeMap<String, String>,
        origin: &str,
    ) -> Result<()> {
        let kw = lowercase_keywords(&a.keywords, origin, "attribution.keywords")?;
        let spec = &mut self.attribution;
        spec.keywords.extend(kw);
        spec.cluster_fields
            .extend(a.cluster_fields.iter().map(|f| normalize_field(f)));
        spec.corr_fields
            .extend(a.corr_fields.iter().map(|f| normalize_field(f)));
        spec.corr_names
            .extend(a.corr_names.iter().map(|f| normalize_field(f)));
        spec.attempt_fields
            .extend(a.attempt_fields.iter().map(|f| normalize_field(f)));
        spec.budget_fields
            .extend(a.budget_fields.iter().map(|f| normalize_field(f)));
        if let Some(id) = &a.cluster_id {
            spec.cluster_id = Some(compile(id, defines, origin, "attribution.cluster_id")?);
        }
        if let Some(crn) = &a.crn {
            let re = compile(crn, defines, origin, "attribution.crn")?;
            if !re.capture_names().any(|n| n == Some("id")) {
                return Err(Error::pack(
                    origin,
                    "attribution.crn",
                    "needs a named group (?P<id>...)",
                ));
            }
            spec.crn = Some(re);
        }
        let lists = [
            (
                &a.cluster_text,
                &mut spec.cluster_text,
                "cluster_text",
                "id",
            ),
            (&a.corr_text, &mut spec.corr_text, "corr_text", "id"),
            (&a.attempt_text, &mut spec.attempt_text, "attempt_text", "n"),
            (&a.budget_text, &mut spec.budget_text, "budget_text", "max"),
        ];
        for (src, dst, name, group) in lists {
            for (i, p) in src.iter().enumerate() {
                let entry = format!("attribution.{name}[{i}]");
                let re = compile(p, defines, origin, &entry)?;
                if !re.capture_names().any(|n| n == Some(group)) {
                    return Err(Error::pack(
                        origin,
                        entry,
                        format!("needs a named group (?P<{group}>...)"),
                    ));
                }
                dst.push(re);
            }
        }
        Ok(())
    }

    pub(super) fn add_vocabulary(
        &mut self,
        v: &VocabularyFile,
        defines: &BTreeMap<String, String>,
        origin: &str,
    ) -> Result<()> {
        let spec = &mut self.vocabulary;
        spec.keywords.extend(lowercase_keywords(
            &v.keywords,
            origin,
            "vocabulary.keywords",
        )?);
        self.add_causes(v, origin)?;
        self.add_classes(v, origin)?;
        let spec = &mut self.vocabulary;
        spec.fields
            .extend(v.fields.iter().map(|f| normalize_field(f)));
        for (i, p) in v.announce.iter().enumerate() {
            let entry = format!("vocabulary.announce[{i}]");
            let re = compile(p, defines, origin, &entry)?;
            if !re.capture_names().any(|n| n == Some("n")) {
                return Err(Error::pack(origin, entry, "needs a named group (?P<n>...)"));
            }
            spec.announce.push(re);
        }
        self.add_samples(v, origin);
        Ok(())
    }

    /// The words of each cause category, and its sample lines.
    fn add_causes(&mut self, v: &VocabularyFile, origin: &str) -> Result<()> {
        for (cat, words) in &v.causes {
            let entry = format!("vocabulary.causes.{cat}");
            let id = self
                .category_id(cat)
                .filter(|&c| self.category(c).kind == Kind::Cause)
                .ok_or_else(|| {
                    Error::pack(origin, &entry, format!("`{cat}` is not a cause category"))
                })?;
            let n = match self.vocabulary.causes.iter().position(|&c| c == id) {
                Some(n) => n,
                None => {
                    self.vocabulary.causes.push(id);
                    self.vocabulary.causes.len() - 1
                }
            };
            for (i, w) in words.iter().enumerate() {
                self.vocabulary
                    .words
                    .add(Class::Cause(n as u16), w)
                    .map_err(|m| Error::pack(origin, format!("{entry}[{i}]"), m))?;
            }
        }
        for (cat, lines) in &v.samples.causes {
            let id = self.category_id(cat).ok_or_else(|| {
                Error::pack(
                    origin,
                    "vocabulary.samples.causes",
                    format!("unknown category `{cat}`"),
                )
            })?;
            for l in lines {
                self.vocabulary
                    .cause_samples
                    .push((id, l.clone(), origin.to_string()));
            }
        }
        Ok(())
    }

    /// The word classes: topic, key, change, outcome words and negation.
    fn add_classes(&mut self, v: &VocabularyFile, origin: &str) -> Result<()> {
        let spec = &mut self.vocabulary;
        let classes = [
            ("topic", Class::Topic, &v.topic),
            ("key", Class::Key, &v.key),
            ("change", Class::Change, &v.change),
            ("modifier", Class::Modifier, &v.modifier),
            ("start", Class::Start, &v.start),
            ("succeed", Class::Succeed, &v.succeed),
            ("fail", Class::Fail, &v.fail),
            ("exhaust", Class::Exhaust, &v.exhaust),
            ("limit", Class::Limit, &v.limit),
            ("detect", Class::Detect, &v.detect),
            ("negate", Class::Negate, &v.negate),
        ];
        for (name, class, words) in classes {
            for (i, w) in words.iter().enumerate() {
                spec.words
                    .add(class, w)
                    .map_err(|m| Error::pack(origin, format!("vocabulary.{name}[{i}]"), m))?;
            }
        }
        Ok(())
    }

    /// The sample lines each outcome must be read as.
    fn add_samples(&mut self, v: &VocabularyFile, origin: &str) {
        let spec = &mut self.vocabulary;
        let s = &v.samples;
        let expected = [
            (Some(Hint::Detected), &s.detected),
            (Some(Hint::Started), &s.started),
            (Some(Hint::Succeeded), &s.succeeded),
            (Some(Hint::Failed), &s.failed),
            (Some(Hint::Exhausted), &s.exhausted),
            (None, &s.none),
        ];
        for (hint, lines) in expected {
            for l in lines {
                spec.samples.push((hint, l.clone(), origin.to_string()));
            }
        }
    }

    /// Every vocabulary sample reads as its event, holds the rotation topic
    /// and one of the vocabulary's keywords: the same path the engine takes.
    pub(super) fn check_vocabulary_samples(&self) -> Result<()> {
        let v = &self.vocabulary;
        for (hint, line, origin) in &v.samples {
            let lower = line.to_ascii_lowercase();
            let reading = v.words.read(line, []);
            // The engine's own gate: a failure must be about rotation; the
            // other events may name only the key.
            let got = reading.hint.filter(|h| match h {
                Hint::Failed => reading.topic,
                _ => reading.topic || reading.key,
            });
            let keyword = v.keywords.iter().any(|k| lower.contains(k.as_str()));
            if got != *hint || (hint.is_some() && !keyword) {
                let want = hint.map_or("no event", Hint::name);
                let saw = got.map_or("no event", Hint::name);
                let msg = if got == *hint {
                    format!("sample {line:?} holds none of the vocabulary keywords")
                } else {
                    format!("sample {line:?} should read as {want}, reads as {saw}")
                };
                return Err(Error::pack(origin, "vocabulary.samples", msg));
            }
        }
        for (cat, line, origin) in &v.cause_samples {
            let got = v
                .words
                .read(line, [])
                .cause
                .map(|n| v.causes[usize::from(n)]);
            if got != Some(*cat) {
                let saw = got.map_or("no cause", |c| &*self.category(c).id);
                let msg = format!(
                    "sample {line:?} should name {}, names {saw}",
                    self.category(*cat).id
                );
                return Err(Error::pack(origin, "vocabulary.samples.causes", msg));
            }
        }
        Ok(())
    }
}
