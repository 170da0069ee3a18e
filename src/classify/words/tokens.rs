//! Cutting a message into lowercase words and clauses.

/// Lowercase word tokens; punctuation that ends a clause starts a new one.
/// A bracketed aside is a clause of its own, and the clause it interrupts
/// goes on after it: in "credential (crn:...) regenerated" the verb acts on
/// the credential. `last` is the highest clause number used, in and out.
pub(super) fn tokenize(text: &str, toks: &mut Tokens, last: &mut u16) {
    let mut clause = *last;
    let mut outer: Option<u16> = None;
    let mut word = String::new();
    // `word` is reused: each word is copied out at its final length, so the
    // buffer grows once per message rather than once per word.
    let flush = |word: &mut String, toks: &mut Tokens, clause: u16| {
        if !word.is_empty() {
            toks.words.push(word.as_str().into());
            word.clear();
            toks.clause.push(clause);
        }
    };
    let mut chars = text.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        let before = std::mem::replace(&mut prev, c);
        // ASCII first: most text is, and its lowercase needs no table.
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if !c.is_ascii() && c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            continue;
        }
        if (c == '\'' || c == '\u{2019}') && !word.is_empty() {
            // "couldn't", "didn't": the apostrophe stays inside the word.
            if chars.peek().is_some_and(|n| n.is_alphabetic()) {
                word.push('\'');
                continue;
            }
        }
        flush(&mut word, toks, clause);
        let opens = matches!(c, '(' | '[');
        let closes = matches!(c, ')' | ']');
        // A colon ends a clause as Go's error wrapping writes it (": "), not
        // inside a token ("crn:v1:...", "03:00", "https://") nor as a CRN's
        // closing "::".
        let wraps = c == ':' && before != ':' && chars.peek().is_none_or(|n| n.is_whitespace());
        let ends_clause = matches!(c, ';' | ',' | '!' | '?')
            || wraps
            || (c == '.' && chars.peek().is_none_or(|n| n.is_whitespace()))
            || (c == '-' && chars.peek().is_some_and(|n| n.is_whitespace()));
        if opens && outer.is_none() {
            outer = Some(clause);
        }
        if closes && outer.is_some() {
            clause = outer.take().unwrap_or(clause);
        } else if ends_clause || opens || closes {
            *last = last.saturating_add(1);
            clause = *last;
        }
    }
    flush(&mut word, toks, clause);
}

/// Tokens of a message, with the clause each belongs to.
pub(super) struct Tokens {
    pub(super) words: Vec<String>,
    pub(super) clause: Vec<u16>,
    /// Per gap of an entry (keyed by the address of the word after it), the
    /// last search: where it started and the token it found, or none up to
    /// the clause's end. A later search from inside that span has the same
    /// answer, so a gap reads each token once per entry, not once per start
    /// (`connect connect connect ...` would otherwise be quadratic).
    pub(super) gaps: std::cell::RefCell<std::collections::HashMap<usize, (usize, Option<usize>)>>,
}
