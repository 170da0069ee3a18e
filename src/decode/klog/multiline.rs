//! klog structured values that span lines. klog writes a string holding
//! newlines as a block (`key=<`, each line after a tab, then ` >` and the
//! pairs that follow on the same line); other writers leave raw newlines
//! inside a quoted value. Either way the pairs after it must not be lost.

use crate::decode::kv;

pub struct Parsed {
    pub message: String,
    pub fields: Vec<(String, String)>,
    /// Where the record's structured text ends in the text parsed: at the
    /// newline before the first line it does not take, or at the end.
    pub end: usize,
}

/// `"message" key=value ...` over several lines joined by `\n`. None when
/// the text is not structured klog, or a value is never closed.
pub fn structured(text: &str) -> Option<Parsed> {
    let close = kv::closing_quote(text)?;
    let message = kv::unquote(&text[..=close]).into_owned();
    let mut fields = Vec::new();
    let mut pos = close + 1;
    loop {
        pos += text[pos..].len() - text[pos..].trim_start_matches(' ').len();
        let rest = &text[pos..];
        if rest.is_empty() || rest.starts_with('\n') {
            return Some(Parsed {
                message,
                fields,
                end: pos,
            });
        }
        let eq = rest.find('=')?;
        let key = &rest[..eq];
        if key.is_empty() || !key.bytes().all(kv::is_key_byte) {
            return None;
        }
        let (value, used) = value(&rest[eq + 1..])?;
        fields.push((key.to_string(), value));
        pos += eq + 1 + used;
    }
}

/// A value and the bytes it took: quoted (newlines and all), a `<` block,
/// or bare up to a space or the end of the line.
fn value(v: &str) -> Option<(String, usize)> {
    if v.starts_with('"') {
        let c = kv::closing_quote(v)?;
        return Some((kv::unquote(&v[..=c]).into_owned(), c + 1));
    }
    if let Some(lines) = v.strip_prefix("<\n") {
        let (value, used) = block(lines)?;
        return Some((value, 2 + used));
    }
    let end = v.find([' ', '\n']).unwrap_or(v.len());
    Some((v[..end].to_string(), end))
}

/// The lines of a `<` block, each after its tab, up to the line that starts
/// with ` >`. Returns the value and the bytes up to and including the ` >`.
fn block(s: &str) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut at = 0;
    loop {
        let line_end = s[at..].find('\n').map_or(s.len(), |i| at + i);
        let line = &s[at..line_end];
        if line.starts_with(" >") {
            return Some((value, at + 2));
        }
        if at > 0 {
            value.push('\n');
        }
        value.push_str(line.strip_prefix('\t')?);
        if line_end == s.len() {
            return None;
        }
        at = line_end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_quotes_and_bare_values() {
        let p = structured("\"m\" a=<\n\tone\n\ttwo\n > b=\"x\ny\" c=3\nnext").unwrap();
        assert_eq!(p.message, "m");
        let got: Vec<(&str, &str)> = p
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, [("a", "one\ntwo"), ("b", "x\ny"), ("c", "3")]);
        assert_eq!(
            &"\"m\" a=<\n\tone\n\ttwo\n > b=\"x\ny\" c=3\nnext"[p.end..],
            "\nnext"
        );
    }

    #[test]
    fn an_empty_block_and_broken_text() {
        let p = structured("\"m\" a=<\n > b=1").unwrap();
        assert_eq!(p.fields[0], ("a".to_string(), String::new()));
        assert!(structured("\"m\" a=<\n\tno end").is_none());
        assert!(structured("\"m\" a=<\nnot indented\n >").is_none());
        assert!(structured("\"m\" not pairs").is_none());
        assert!(structured("\"never closed").is_none());
    }
}
