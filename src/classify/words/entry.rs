//! One vocabulary entry and the words it is made of, matched against a
//! message's tokens inside one clause.

use super::{Class, Tokens};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Word {
    Exact(String),
    Prefix(String),
    Number,
    /// `...`: any number of words, inside the clause.
    Gap,
}

impl Word {
    pub(super) fn parse(w: &str) -> Word {
        if w == "..." {
            Word::Gap
        } else if w == "#" {
            Word::Number
        } else if let Some(p) = w.strip_suffix('*') {
            Word::Prefix(p.to_string())
        } else {
            Word::Exact(w.to_string())
        }
    }

    pub(super) fn matches(&self, token: &str) -> bool {
        match self {
            Word::Exact(w) => token == w,
            Word::Prefix(p) => token.starts_with(p.as_str()),
            Word::Number => token.bytes().all(|b| b.is_ascii_digit()),
            Word::Gap => true,
        }
    }
}

/// One vocabulary entry: a class and its words, matched as consecutive tokens.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) class: Class,
    pub(super) words: Vec<Word>,
}

impl Entry {
    /// How many tokens the entry spans when it matches at `i`, inside the
    /// clause of `i`; a gap takes as few words as it can.
    pub(super) fn span_at(&self, toks: &Tokens, i: usize) -> Option<usize> {
        let clause = *toks.clause.get(i)?;
        let in_clause = |j: usize| j < toks.words.len() && toks.clause[j] == clause;
        let mut j = i;
        let mut k = 0;
        while k < self.words.len() {
            match &self.words[k] {
                Word::Gap => {
                    let next = &self.words[k + 1];
                    j = toks.gap_end(next, j, in_clause)?;
                    k += 1;
                }
                w => {
                    if !in_clause(j) || !w.matches(&toks.words[j]) {
                        return None;
                    }
                    j += 1;
                    k += 1;
                }
            }
        }
        Some(j - i)
    }
}

impl Tokens {
    /// The first token from `j` on, inside the clause, that `next` matches.
    fn gap_end(&self, next: &Word, j: usize, in_clause: impl Fn(usize) -> bool) -> Option<usize> {
        if !in_clause(j) {
            return None;
        }
        let key = next as *const Word as usize;
        let mut gaps = self.gaps.borrow_mut();
        if let Some(&(from, found)) = gaps.get(&key) {
            // Both spans lie in one clause, which is `j`'s.
            let within = match found {
                Some(f) => from <= j && j <= f,
                None => from <= j && self.clause[j] == self.clause[from],
            };
            if within {
                return found;
            }
        }
        let found = (j..)
            .take_while(|&j| in_clause(j))
            .find(|&j| next.matches(&self.words[j]));
        gaps.insert(key, (j, found));
        found
    }
}
