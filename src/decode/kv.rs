//! `key=value` pairs as klog's structured form and logrus/logfmt write them:
//! bare values end at a space, quoted values use Go's `%q` escaping.

use std::borrow::Cow;

pub type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Parses pairs until the first token that is not one. Returns the pairs and
/// whatever was left unparsed.
pub fn pairs(mut s: &str) -> (Vec<Pair<'_>>, &str) {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return (out, s);
        }
        match pair(s) {
            Some((k, v, rest)) => {
                out.push((Cow::Borrowed(k), v));
                s = rest;
            }
            None => return (out, s),
        }
    }
}

fn pair(s: &str) -> Option<(&str, Cow<'_, str>, &str)> {
    let eq = s.find('=')?;
    let key = &s[..eq];
    if key.is_empty() || !key.bytes().all(is_key_byte) {
        return None;
    }
    let (value, rest) = value(&s[eq + 1..])?;
    Some((key, value, rest))
}

pub(super) fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@' | b'/')
}

/// A quoted value (`"..."`) or a bare one up to the next space.
pub fn value(s: &str) -> Option<(Cow<'_, str>, &str)> {
    if s.starts_with('"') {
        let end = closing_quote(s)?;
        return Some((unquote(&s[..=end]), &s[end + 1..]));
    }
    let end = s.find(' ').unwrap_or(s.len());
    Some((Cow::Borrowed(&s[..end]), &s[end..]))
}

/// Index of the quote closing the string that opens at `s[0]`.
pub fn closing_quote(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Go's `%q` output is JSON's string syntax but for a few escapes (`\x..`,
/// `\a`); JSON decodes nearly every real value, and the raw text is the
/// honest fallback for the rest.
pub fn unquote(quoted: &str) -> Cow<'_, str> {
    let inner = &quoted[1..quoted.len() - 1];
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    match serde_json::from_str::<String>(quoted) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_and_quoted_values() {
        let (p, rest) =
            pairs(r#"level=error msg="failed to update: \"x\"" clusterID=c1 attempt=2"#);
        let got: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        assert_eq!(
            got,
            [
                ("level", "error"),
                ("msg", r#"failed to update: "x""#),
                ("clusterID", "c1"),
                ("attempt", "2")
            ]
        );
        assert_eq!(rest, "");
    }

    #[test]
    fn stops_at_the_first_non_pair() {
        let (p, rest) = pairs("a=1 then words b=2");
        assert_eq!(p.len(), 1);
        assert_eq!(rest, "then words b=2");
    }

    #[test]
    fn unterminated_quotes_are_not_pairs() {
        let (p, rest) = pairs(r#"msg="never closed"#);
        assert!(p.is_empty());
        assert_eq!(rest, r#"msg="never closed"#);
    }

    #[test]
    fn go_only_escapes_fall_back_to_raw_text() {
        assert_eq!(unquote(r#""bell\a""#), r"bell\a");
        assert_eq!(unquote(r#""tab\there""#), "tab\there");
    }
}
