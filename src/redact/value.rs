//! Where a field's pieces begin and end: quotes at any escaping level (also
//! percent-encoded), separators, and the end of an unquoted value. Every
//! scan here reports the bytes it looked at, and none looks past the value
//! it delimits.

use super::work;

pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Where the name ending at `at` starts: just past the last character that
/// cannot be in a name (which may be several bytes long).
pub fn name_start(text: &str, at: usize) -> usize {
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_name_char(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    work::add(at - start);
    start
}

/// The length of the name at the start of `s`.
pub fn name_len(s: &str) -> usize {
    let n = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    work::add(n);
    n
}

/// A quote at `at`: (backslashes escaping it, length), where a
/// percent-encoded quote (`%22`, a JSON body inside a URL or a form) is
/// level 0 too.
pub fn quote_at(b: &[u8], at: usize) -> Option<Quote> {
    if b.get(at..at + 3) == Some(b"%22") {
        return Some(Quote::Percent);
    }
    let slashes = b[at.min(b.len())..]
        .iter()
        .take_while(|&&c| c == b'\\')
        .count();
    work::add(slashes);
    match b.get(at + slashes) {
        Some(&q) if q == b'"' || q == b'\'' => Some(Quote::Char { slashes, q }),
        _ => None,
    }
}

#[derive(Clone, Copy)]
pub enum Quote {
    /// `"` or `'` after `slashes` backslashes.
    Char {
        slashes: usize,
        q: u8,
    },
    Percent,
}

impl Quote {
    /// How many bytes the quote itself takes.
    pub fn width(self) -> usize {
        match self {
            Quote::Char { slashes, .. } => slashes + 1,
            Quote::Percent => 3,
        }
    }

    /// The end of a value quoted by `self` that starts at `start`: the first
    /// such quote at the same escaping level (a JSON string's own escapes
    /// have more backslashes, or fewer). An unterminated quote (a cut line)
    /// runs to the end.
    pub fn value_end(self, b: &[u8], start: usize) -> usize {
        let end = match self {
            Quote::Percent => memchr::memmem::find(&b[start..], b"%22").map(|p| start + p),
            Quote::Char { slashes, q } => char_quote_end(b, start, slashes, q),
        };
        let end = end.unwrap_or(b.len());
        work::add(end - start);
        end
    }
}

fn char_quote_end(b: &[u8], start: usize, level: usize, q: u8) -> Option<usize> {
    // The backslashes right before each byte, within the value.
    let mut run = 0;
    for (i, &c) in b[start..].iter().enumerate() {
        if c == q && run == level {
            return Some(start + i - level);
        }
        run = if c == b'\\' { run + 1 } else { 0 };
    }
    None
}

/// A separator at `at`: `=`, `:`, or either percent-encoded. Its length.
pub fn separator_at(b: &[u8], at: usize) -> Option<(u8, usize)> {
    match b.get(at)? {
        c @ (b'=' | b':') => Some((*c, 1)),
        b'%' => match b.get(at + 1..at + 3)? {
            b"3A" | b"3a" => Some((b':', 3)),
            b"3D" | b"3d" => Some((b'=', 3)),
            _ => None,
        },
        _ => None,
    }
}

/// Go's renderings of a header map put a value in a list: `[]string{"v"}`
/// (`%#v`) or `[v]` (`%v`). The length of that opening at `at`.
pub fn list_opening(b: &[u8], at: usize) -> usize {
    let rest = &b[at.min(b.len())..];
    if rest.starts_with(b"[]string{") {
        9
    } else if rest.starts_with(b"[") && !rest.starts_with(b"[]") {
        1
    } else {
        0
    }
}

pub fn unquoted_end(b: &[u8], start: usize) -> usize {
    until(b, start, |c| {
        c.is_ascii_whitespace()
            || matches!(
                c,
                b',' | b';' | b'&' | b'}' | b']' | b')' | b'"' | b'\'' | b'\\'
            )
    })
}

pub fn line_end(b: &[u8], start: usize) -> usize {
    until(b, start, |c| matches!(c, b'\n' | b'\r' | b'"' | b'\\'))
}

fn until(b: &[u8], start: usize, stop: impl Fn(u8) -> bool) -> usize {
    let end = b[start..]
        .iter()
        .position(|&c| stop(c))
        .map_or(b.len(), |p| start + p);
    work::add(end - start);
    end
}

pub fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    let from = i;
    while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
        i += 1;
    }
    work::add(i - from);
    i
}

/// A long command-line flag (`--token`) rather than a value. Not `-x`: a
/// password may start with a dash.
pub fn is_flag(v: &[u8]) -> bool {
    matches!(v, [b'-', b'-', c, ..] if c.is_ascii_alphabetic())
}

/// `Authorization: Bearer ...`: the credential follows the scheme word, and
/// the header rules have already dealt with it.
pub fn is_scheme(v: &str) -> bool {
    ["basic", "bearer", "token", "digest", "negotiate"]
        .iter()
        .any(|s| v.eq_ignore_ascii_case(s))
}
