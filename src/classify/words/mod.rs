//! The second recognition layer: words, not phrases.
//!
//! The pack's rules know exact wordings. Behind them, this layer reads the
//! message as words normalised to a few classes (the rotation topic, start,
//! success, failure, exhaustion, a new key), in any order and tense, and
//! names the lifecycle event they describe. The word lists are pack data
//! (`[vocabulary]`); only the precedence between classes lives here.

mod entry;
mod tokens;

use entry::{Entry, Word};
use serde::Serialize;
use tokens::{tokenize, Tokens};

/// A word class of the vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Not a verb: marks the message as being about key rotation.
    Topic,
    /// The key itself ("service API key"): rotation when a `Change` verb
    /// acts on it ("updated the service API key").
    Key,
    Change,
    /// A noun that, right after a topic word, makes it a modifier of
    /// something else: "rotation state", "rotation lock".
    Modifier,
    /// A word naming a failure cause (the n-th cause of the pack).
    Cause(u16),
    Start,
    Succeed,
    Fail,
    Exhaust,
    /// "after N attempts": exhaustion, when the message also says it failed.
    Limit,
    Detect,
    Negate,
}

/// The lifecycle event a message's words describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hint {
    Detected,
    Started,
    Succeeded,
    Failed,
    Exhausted,
}

impl Hint {
    pub fn name(self) -> &'static str {
        match self {
            Hint::Detected => "detected",
            Hint::Started => "started",
            Hint::Succeeded => "succeeded",
            Hint::Failed => "failed",
            Hint::Exhausted => "exhausted",
        }
    }
}

/// What the words of one message say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    pub hint: Option<Hint>,
    /// The message speaks of rotation (or of changing the key).
    pub topic: bool,
    /// The message names the key.
    pub key: bool,
    /// The first cause its words name, when it reads as a failure.
    pub cause: Option<u16>,
    /// It states a limit ("after 6 attempts") without saying it failed.
    pub limit: bool,
}

impl Class {
    /// Nouns and the like: found anywhere, never consumed by verbs.
    fn is_presence(self) -> bool {
        matches!(
            self,
            Class::Topic | Class::Key | Class::Change | Class::Modifier | Class::Cause(_)
        )
    }
}

/// The compiled vocabulary.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    /// Longest first, so "could not" is read before "not".
    entries: Vec<Entry>,
    /// For each first byte of a token, the entries whose first word can match
    /// it, in the order of `entries`: a token is tried against these only.
    by_first: Vec<Vec<u32>>,
    /// The entries that start with a number (`#`), for an empty token.
    number_first: Vec<u32>,
    /// Readings made before, keyed by the message and its outcome fields.
    memo: crate::memo::Memo<Reading>,
}

/// A matched entry in the token stream.
struct Found {
    class: Class,
    negated: bool,
}

/// How far back a negator reaches: "was not successfully rotated".
const NEGATION_REACH: usize = 3;

impl Vocabulary {
    /// Adds entries; `words` is a space-separated sequence where `word*` is a
    /// prefix and `#` a number. Returns the entry back on an empty spec.
    pub fn add(&mut self, class: Class, spec: &str) -> Result<(), String> {
        let words: Vec<Word> = spec
            .split_whitespace()
            .map(|w| Word::parse(&w.to_lowercase()))
            .collect();
        let bare = |w: &Word| *w == Word::Prefix(String::new());
        let gap_at_edge = words.first() == Some(&Word::Gap) || words.last() == Some(&Word::Gap);
        if words.is_empty() || words.iter().any(bare) || gap_at_edge {
            return Err(format!(
                "{spec:?} is empty, a bare `*`, or starts or ends with `...`"
            ));
        }
        // A user's copy of the default pack adds its words again.
        if self
            .entries
            .iter()
            .any(|e| e.class == class && e.words == words)
        {
            return Ok(());
        }
        self.entries.push(Entry { class, words });
        self.entries
            .sort_by_key(|e| std::cmp::Reverse(e.words.len()));
        self.index();
        Ok(())
    }

    /// Rebuilds `by_first` and `number_first` from `entries`.
    fn index(&mut self) {
        self.by_first = vec![Vec::new(); 256];
        self.number_first.clear();
        for (ix, e) in self.entries.iter().enumerate() {
            let ix = u32::try_from(ix).expect("fewer than 2^32 entries");
            match &e.words[0] {
                Word::Exact(w) | Word::Prefix(w) => {
                    self.by_first[usize::from(w.as_bytes()[0])].push(ix);
                }
                Word::Number => {
                    for d in b'0'..=b'9' {
                        self.by_first[usize::from(d)].push(ix);
                    }
                    self.number_first.push(ix);
                }
                Word::Gap => unreachable!("`add` refuses a gap at the edge"),
            }
        }
    }

    /// The entries that may match at a token, in their order: the others'
    /// first word cannot (an exact word or a prefix starts with the token's
    /// first byte; a number's token starts with a digit).
    fn starting(&self, token: &str) -> impl Iterator<Item = &Entry> {
        let list = match token.as_bytes().first() {
            Some(&b) => &self.by_first[usize::from(b)],
            None => &self.number_first,
        };
        list.iter().map(|&ix| &self.entries[ix as usize])
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every outcome word (start, success, failure, limits, causes,
    /// negation, change verbs), keeping the words that say what a message is
    /// about: the rotation topic, the key and the nouns that modify them.
    pub fn keep_subjects(&mut self) {
        self.entries
            .retain(|e| matches!(e.class, Class::Topic | Class::Key | Class::Modifier));
        self.index();
    }

    /// Reads a message and any extra short texts (outcome fields) as clauses.
    pub fn read<'t>(&self, message: &str, extra: impl IntoIterator<Item = &'t str>) -> Reading {
        if self.entries.is_empty() {
            return Reading::default();
        }
        let extra: Vec<&str> = extra.into_iter().collect();
        // The parts apart by a byte no text of a line holds.
        let mut key = message.to_string();
        for e in &extra {
            key.push('\0');
            key.push_str(e);
        }
        self.memo.get(&key, || self.read_once(message, &extra))
    }

    fn read_once(&self, message: &str, extra: &[&str]) -> Reading {
        let mut toks = Tokens {
            words: Vec::new(),
            clause: Vec::new(),
            gaps: Default::default(),
        };
        let mut clause = 0u16;
        tokenize(message, &mut toks, &mut clause);
        for &t in extra {
            clause = clause.saturating_add(1);
            tokenize(t, &mut toks, &mut clause);
        }
        let present = self.present(&toks);
        let has = |c: Class| present.iter().any(|&(k, _)| k == c);
        // A topic word is the topic unless a modifier noun follows it.
        // `present` is in token order.
        let modified = |at: usize| {
            let from = present.partition_point(|&(_, i)| i < at + 1);
            present[from..]
                .iter()
                .take_while(|&&(_, i)| i == at + 1)
                .any(|&(k, _)| k == Class::Modifier)
        };
        let topic = present
            .iter()
            .any(|&(k, at)| k == Class::Topic && !modified(at));
        let key = has(Class::Key);
        // The clauses about the key or the rotation, where a change verb's
        // tense says how far the change got.
        let about: Vec<u16> = present
            .iter()
            .filter(|&&(k, at)| k == Class::Key || (k == Class::Topic && !modified(at)))
            .map(|&(_, at)| toks.clause[at])
            .collect();
        let found = self.verbs(&toks, &about);
        let hint = decide(&found);
        let failing = matches!(hint, Some(Hint::Failed | Hint::Exhausted));
        let cause = present
            .iter()
            .filter_map(|&(k, at)| match k {
                Class::Cause(n) if failing => Some((at, n)),
                _ => None,
            })
            .min()
            .map(|(_, n)| n);
        Reading {
            hint,
            topic: topic || changes_key(&present, &toks),
            key,
            cause,
            limit: found.iter().any(|f| f.class == Class::Limit && !f.negated),
        }
    }

    /// Every presence-class entry and where it starts.
    fn present(&self, toks: &Tokens) -> Vec<(Class, usize)> {
        let mut out = Vec::new();
        for i in 0..toks.words.len() {
            for e in self
                .starting(&toks.words[i])
                .filter(|e| e.class.is_presence())
            {
                // Entries are tried in token order: a duplicate is at `i`.
                let seen = out
                    .iter()
                    .rev()
                    .take_while(|&&(_, at)| at == i)
                    .any(|&(k, _)| k == e.class);
                if !seen && e.span_at(toks, i).is_some() {
                    out.push((e.class, i));
                }
            }
        }
        out
    }

    /// Verb-class entries, longest first and not overlapping, with negation.
    /// A change verb in a clause of `about` counts as the verb its tense
    /// makes it (`tensed`).
    fn verbs(&self, toks: &Tokens, about: &[u16]) -> Vec<Found> {
        let mut found: Vec<Found> = Vec::new();
        let mut last_negator: Option<usize> = None;
        let mut i = 0;
        while i < toks.words.len() {
            let (class, len) = match self.entry_at(toks, i, |c| !c.is_presence()) {
                Some((e, len)) => (e.class, len),
                None => match self.tensed(toks, i, about) {
                    Some(found) => found,
                    None => {
                        i += 1;
                        continue;
                    }
                },
            };
            if class == Class::Negate {
                last_negator = Some(i);
            } else {
                let negated = last_negator
                    .is_some_and(|n| toks.clause[n] == toks.clause[i] && i - n <= NEGATION_REACH);
                found.push(Found { class, negated });
            }
            i += len;
        }
        found
    }

    /// A change verb acting on the key or the rotation, read by its tense:
    /// done ("renewed", "re-keyed", "has been replaced") is a success, under
    /// way ("refreshing") a start. Any other form ("failed to renew", "will
    /// update") says nothing by itself. The verbs are the pack's `change`
    /// stems, so a new verb costs one word, in every tense at once.
    /// Returns the class and the number of words the verb spans; its last
    /// word carries the tense ("re-keyed").
    fn tensed(&self, toks: &Tokens, i: usize, about: &[u16]) -> Option<(Class, usize)> {
        if !about.contains(toks.clause.get(i)?) {
            return None;
        }
        let (_, len) = self.entry_at(toks, i, |c| c == Class::Change)?;
        let class = match tense(&toks.words[i + len - 1]) {
            Tense::Done => Class::Succeed,
            Tense::UnderWay => Class::Start,
            Tense::Other => return None,
        };
        Some((class, len))
    }

    /// The first (longest) entry of a wanted class matching at `i`, with the
    /// number of tokens it spans.
    fn entry_at(
        &self,
        toks: &Tokens,
        i: usize,
        want: impl Fn(Class) -> bool,
    ) -> Option<(&Entry, usize)> {
        self.starting(toks.words.get(i)?)
            .filter(|e| want(e.class))
            .find_map(|e| e.span_at(toks, i).map(|n| (e, n)))
    }
}

enum Tense {
    Done,
    UnderWay,
    Other,
}

/// The tense of an English verb form, from its ending: regular past
/// participles end in "ed" (irregular ones are listed as `succeed` words).
fn tense(word: &str) -> Tense {
    if word.len() > 4 && word.ends_with("ed") {
        Tense::Done
    } else if word.len() > 5 && word.ends_with("ing") {
        Tense::UnderWay
    } else {
        Tense::Other
    }
}

/// A change verb acts on the key in the same clause ("updated the service
/// API key"), not in a wrapped error after it.
fn changes_key(present: &[(Class, usize)], toks: &Tokens) -> bool {
    let mut changed: Vec<u16> = present
        .iter()
        .filter(|&&(k, _)| k == Class::Change)
        .map(|&(_, i)| toks.clause[i])
        .collect();
    changed.sort_unstable();
    present
        .iter()
        .filter(|&&(k, _)| k == Class::Key)
        .any(|&(_, i)| changed.binary_search(&toks.clause[i]).is_ok())
}

/// Failure words outrank success words: a message that says both reports a
/// failure ("rotation did not complete"). A negated success is a failure; a
/// negated failure ("no errors") says nothing.
fn decide(found: &[Found]) -> Option<Hint> {
    let has = |c: Class| found.iter().any(|f| f.class == c && !f.negated);
    let failed = has(Class::Fail) || found.iter().any(|f| f.class == Class::Succeed && f.negated);
    if has(Class::Exhaust) || (failed && has(Class::Limit)) {
        Some(Hint::Exhausted)
    } else if failed {
        Some(Hint::Failed)
    } else if has(Class::Succeed) {
        Some(Hint::Succeeded)
    } else if has(Class::Detect) {
        Some(Hint::Detected)
    } else if has(Class::Start) {
        Some(Hint::Started)
    } else {
        None
    }
}

#[cfg(test)]
mod memo_tests;
#[cfg(test)]
mod tests;
