//! Classify stage: the aho-corasick prefilter over raw lines, then the pack's
//! rules over decoded text, and attribution of a record to a cluster.

mod attribution;
pub mod pack;
mod prefilter;
pub mod words;

pub use attribution::{id_tokens, IdSource, Who};
pub use pack::{CatId, Cats, Kind, Marker, Pack, Strength, Target};
pub use words::{Hint, Reading};

use prefilter::{envelope, has_id_token, is_klog_error_header, Walker};

/// The compiled pack: one prefilter automaton plus rules.
pub struct Classifier {
    pub pack: Pack,
    /// Every keyword (rules', error words and attribution literals) as a
    /// bare DFA, walked by `is_candidate`'s own loop: one table lookup a
    /// byte, and every keyword that ends at a byte read off its state, so one
    /// pass gives the keywords' classes. `classify` searches the same DFA.
    walker: Walker,
    /// For each keyword, its classes (`RULE`, `ERROR`, `ATTRIBUTION`).
    class: Vec<u8>,
    /// For each keyword, the rules that listed it.
    rules_of_keyword: Vec<Vec<usize>>,
}

/// A rule's or the word layer's keyword: the line is worth decoding.
const RULE: u8 = 1;
const ERROR: u8 = 2;
const ATTRIBUTION: u8 = 4;

/// What a line says about rotation, after the pack's rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classification {
    /// Every failure category kept for the line, most specific first.
    pub categories: Cats,
    pub marker: Option<Marker>,
    /// The text holds an error word (for records with no level).
    pub error_words: bool,
    /// A runbook phrase (or the word layer) named a failure, not only an
    /// underlying error string.
    pub phrase: bool,
}

impl Classification {
    /// The category that names the line's cause.
    pub fn cause(&self) -> Option<CatId> {
        self.categories.first().copied()
    }
}

/// One rule's hit on a line.
#[derive(Clone, Copy, Debug)]
struct Hit {
    cat: CatId,
    rank: u8,
    strength: Strength,
    pos: usize,
}

impl Classifier {
    pub fn new(pack: Pack) -> Classifier {
        let keywords = pack.keywords();
        let rules_of_keyword = keywords
            .iter()
            .map(|k| {
                (0..pack.rules.len())
                    .filter(|&r| pack.rules[r].keywords.contains(k))
                    .collect()
            })
            .collect();
        let class = keywords
            .iter()
            .map(|k| {
                let rule = pack.rules.iter().any(|r| r.keywords.contains(k));
                let bit = |on: bool, class: u8| if on { class } else { 0 };
                let weak = pack.weak_keywords.contains(k);
                bit(
                    (rule || pack.vocabulary.keywords.contains(k)) && !weak,
                    RULE,
                ) | bit(weak, WEAK)
                    | bit(pack.error_keywords.contains(k), ERROR)
                    | bit(pack.attribution.keywords.contains(k), ATTRIBUTION)
            })
            .collect();
        Classifier {
            walker: Walker::new(&keywords),
            class,
            rules_of_keyword,
            pack,
        }
    }

    /// Could this raw line matter? A line that fails this is only counted.
    /// It must hold a rule's keyword, or be an error that names a cluster
    /// or correlation id (a possible `unclassified` rotation failure). One
    /// pass over the line, stopping as soon as that is settled.
    ///
    /// The envelope is not read: the values of `logger`, `caller` and
    /// `stacktrace` (zap JSON), klog's `file.go:NN]` header and its
    /// `logger="..."` pair. The rules never see them either (the record's
    /// classification text leaves them out), and a service whose package is
    /// `keyrotation` names it on every line, so reading them would make every
    /// line a candidate.
    pub fn is_candidate(&self, raw: &[u8]) -> bool {
        let skip = envelope(raw);
        let mut seen = 0u8;
        let mut at = 0;
        for &(from, to) in skip.iter().chain(std::iter::once(&(raw.len(), raw.len()))) {
            if from > at && self.walker.walk(&raw[at..from], &self.class, &mut seen) {
                return true;
            }
            at = at.max(to);
        }
        seen & ATTRIBUTION != 0 && is_klog_error_header(raw)
            || seen & (ERROR | WEAK) != 0 && has_id_token(raw)
            || seen & (WEAK | ATTRIBUTION) == WEAK | ATTRIBUTION
    }

    /// What the words of a record say: its message, and the values of its
    /// outcome fields (`status`, `result`, ...) as clauses of their own.
    /// A boolean field is read as its name, negated when false
    /// (`rotated=false` is "not rotated", `gave_up=true` "gave up").
    pub fn read(&self, message: &str, fields: &[(&str, &str)]) -> Reading {
        let v = &self.pack.vocabulary;
        let outcome = fields
            .iter()
            .filter(|(k, val)| {
                val.len() <= 64 && {
                    let n = attribution::field_name(k);
                    v.fields.iter().any(|f| *f == *n)
                }
            })
            .map(|(_, val)| std::borrow::Cow::Borrowed(*val));
        let flags = fields.iter().filter_map(|(k, val)| flag_words(k, val));
        let extra: Vec<std::borrow::Cow<'_, str>> = outcome.chain(flags).collect();
        v.words.read(message, extra.iter().map(|t| t.as_ref()))
    }

    /// A cause the words name ("could not get a client for the cluster
    /// master"), when no rule named one.
    fn add_word_cause(&self, class: &mut Classification, reading: Reading) {
        let v = &self.pack.vocabulary;
        let Some(cat) = reading.cause.map(|n| v.causes[usize::from(n)]) else {
            return;
        };
        let has_cause = class
            .categories
            .iter()
            .any(|&c| self.pack.category(c).kind == Kind::Cause);
        if !has_cause {
            class.categories.insert(0, cat);
            class.marker = None;
            class.phrase = true;
        }
    }

    /// The number of clusters a new key is announced for, if the text says.
    pub fn announced(&self, text: &str) -> Option<u32> {
        self.pack.vocabulary.announce.iter().find_map(|re| {
            let c = re.captures(text.as_bytes())?;
            std::str::from_utf8(c.name("n")?.as_bytes())
                .ok()?
                .parse()
                .ok()
        })
    }

    /// Runs the rules whose keywords occur in `text`.
    pub fn classify(&self, text: &str) -> Classification {
        let mut tried = vec![false; self.pack.rules.len()];
        let mut hits = Vec::new();
        let mut out = Classification::default();
        for k in self.walker.keywords_in(text) {
            out.error_words |= self.class[k] & ERROR != 0;
            for &r in &self.rules_of_keyword[k] {
                if std::mem::replace(&mut tried[r], true) {
                    continue;
                }
                self.try_rule(r, text, &mut hits, &mut out);
            }
        }
        out.categories = resolve(&hits);
        out.phrase = hits
            .iter()
            .any(|h| h.strength == Strength::Phrase && out.categories.contains(&h.cat));
        if !out.categories.is_empty() {
            // A line that reports a failure is not also a start or a success.
            out.marker = None;
        }
        out
    }

    /// The rules' lifecycle event and the word layer's, made one. The rules
    /// are precise and win, except that failure words on the rotation topic
    /// unmake a start or a success a rule saw ("rotation did not complete").
    /// Returns the word layer's hint that is left for the attempts stage,
    /// which acts on it only inside a rotation or on the rotation topic.
    pub fn combine(
        &self,
        class: &mut Classification,
        mut reading: Reading,
        error: bool,
    ) -> Option<Hint> {
        // An error that states the limit ("dropping out after 6 attempts")
        // is the exhaustion it does not name.
        if reading.limit && error && !matches!(reading.hint, Some(Hint::Succeeded)) {
            reading.hint = Some(Hint::Exhausted);
        }
        let failing = matches!(reading.hint, Some(Hint::Failed | Hint::Exhausted));
        let on_topic = reading.topic || reading.key;
        if class.marker.is_some() && failing && on_topic {
            class.marker = None;
        }
        // Words outrank each other the same way across the two layers:
        // "Finished rotating the key" is a success, not a start.
        if class.marker == Some(Marker::Started) && reading.hint == Some(Hint::Succeeded) {
            class.marker = Some(Marker::Succeeded);
        }
        self.add_word_cause(class, reading);
        let kinds = class.categories.iter().map(|&c| self.pack.category(c).kind);
        let lifecycle = class.marker.is_some()
            || kinds
                .clone()
                .any(|k| matches!(k, Kind::AttemptFailed | Kind::Exhausted));
        if lifecycle {
            return None;
        }
        match reading.hint {
            // A cause line is a failure already; only exhaustion adds to it.
            Some(Hint::Exhausted) => Some(Hint::Exhausted),
            Some(h) if class.categories.is_empty() => Some(h),
            // A cause line on the rotation topic may also be the attempt's
            // end ("key rotation unsuccessful: dial tcp ..."); the attempts
            // stage decides, from whether the attempts are numbered.
            Some(Hint::Failed) if reading.topic => Some(Hint::Failed),
            _ => None,
        }
    }

    fn try_rule(&self, r: usize, text: &str, hits: &mut Vec<Hit>, out: &mut Classification) {
        let rule = &self.pack.rules[r];
        let Some(pos) = rule.find_after_prefilter(text) else {
            return;
        };
        match rule.target {
            Target::Marker(m) => out.marker = Some(out.marker.map_or(m, |prev| prev.max_with(m))),
            Target::Category(cat) => hits.push(Hit {
                cat,
                rank: self.pack.category(cat).kind.rank(),
                strength: rule.strength,
                pos,
            }),
        }
    }

    pub fn attribute(&self, fields: &[(&str, &str)], text: &str) -> Who {
        attribution::attribute(&self.pack.attribution, fields, text)
    }
}

/// A boolean field as words: its name, split at `_`, `-`, `.` and
/// camelCase humps, after "not" when the value is false. Long names are
/// data, not outcomes, and are left alone.
fn flag_words(name: &str, value: &str) -> Option<std::borrow::Cow<'static, str>> {
    let negated = match value.trim() {
        v if v.eq_ignore_ascii_case("true") => false,
        v if v.eq_ignore_ascii_case("false") => true,
        _ => return None,
    };
    if name.is_empty() || name.len() > 32 {
        return None;
    }
    let mut out = String::with_capacity(name.len() + 8);
    if negated {
        out.push_str("not ");
    }
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_ascii_lowercase();
        out.push(if matches!(c, '_' | '-' | '.') { ' ' } else { c });
    }
    Some(out.into())
}

impl Marker {
    /// A line that both starts and completes names the completion.
    fn max_with(self, other: Marker) -> Marker {
        if self == Marker::Succeeded || other == Marker::Succeeded {
            Marker::Succeeded
        } else {
            Marker::Started
        }
    }
}

/// Keeps every category a line carries, most specific first.
///
/// A runbook phrase names the operation that failed; a detail (an underlying
/// error string) of a *different* cause category on the same line explains it
/// and is dropped: `failed to update WDEK secret: etcdserver: leader changed`
/// is the cluster master's etcd, a WDEK failure, not carrier etcd. Among causes
/// the phrase wins over the detail, then the innermost (rightmost) wins,
/// because Go wraps errors outer-first.
fn resolve(hits: &[Hit]) -> Cats {
    let phrase_causes: Vec<CatId> = hits
        .iter()
        .filter(|h| h.rank == Kind::Cause.rank() && h.strength == Strength::Phrase)
        .map(|h| h.cat)
        .collect();
    let mut kept: Vec<Hit> = hits
        .iter()
        .filter(|h| {
            h.rank < Kind::Cause.rank()
                || phrase_causes.is_empty()
                || phrase_causes.contains(&h.cat)
        })
        .copied()
        .collect();
    kept.sort_by(|a, b| {
        (b.rank, b.strength == Strength::Phrase, b.pos).cmp(&(
            a.rank,
            a.strength == Strength::Phrase,
            a.pos,
        ))
    });
    let mut cats = Cats::new();
    for h in kept {
        if !cats.contains(&h.cat) {
            cats.push(h.cat);
        }
    }
    cats
}

/// A prefilter-only class: a rule's keyword that says only that something
/// will be tried again ("Key Protect poll failed; will retry"). The rule that
/// lists it (`attempt_failed.phrase`) needs `rotat` or `attempt` as well, so
/// alone it makes a line a candidate only with a cluster or correlation id
/// (the word layer's "retrying" counts only for a tied or on-topic line).
const WEAK: u8 = 8;
#[cfg(test)]
mod tests;
