//! Terminal safety: one neutraliser for everything that reaches a terminal,
//! the table report and every stderr line alike.
//!
//! Log lines, file names and servers' error bodies are written by others. None
//! of them may move the cursor, set the title, write the clipboard (OSC 52),
//! reorder what the engineer reads (bidi overrides, U+061C) or hide text
//! (zero-width and tag characters). JSON output escapes instead.

use std::borrow::Cow;

/// Replaces every unsafe character: ESC shows as `␛`, a tab as a space,
/// anything else unsafe as U+FFFD.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' => ' ',
                '\u{1b}' => '␛',
                c if is_unsafe(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

/// JSON for a terminal (`patterns explain`): every unsafe character as a
/// `\uXXXX` escape (a surrogate pair above the BMP), so the text stays the
/// same JSON to a parser and nothing reaches the terminal raw. Serde escapes
/// C0 controls itself, but not DEL, C1, bidi or tag characters; outside
/// strings, JSON is ASCII, so only strings are touched.
pub fn json_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// C0 and C1 controls and DEL (ESC, BEL, CR, CSI U+009B, ...), bidi
/// controls, zero-width and invisible characters, line and paragraph
/// separators, interlinear annotations and Unicode tag characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            // Bidi: LRM, RLM, ALM, embeddings and overrides, isolates.
            '\u{200e}' | '\u{200f}' | '\u{061c}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            // Zero-width and invisible: ZWSP, ZWNJ, ZWJ, word joiner and
            // invisible operators, BOM / ZWNBSP, Mongolian vowel separator.
            | '\u{200b}'..='\u{200d}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
            | '\u{180e}'
            // Line and paragraph separators, interlinear annotations.
            | '\u{2028}' | '\u{2029}'
            | '\u{fff9}'..='\u{fffb}'
            // Tag characters.
            | '\u{e0000}'..='\u{e007f}')
}

/// One stderr line: secrets redacted (with every secret the run holds), then
/// neutralised. A newline inside the message is neutralised too, so no text
/// can forge a line of its own.
pub fn stderr_line(msg: &str) -> String {
    let redactor = crate::redact::Redactor::global();
    safe(&redactor.redact(msg)).into_owned()
}

/// A message for stderr that may span lines (a TOML error's excerpt and
/// caret): redacted whole, then neutralised line by line. The lines after
/// the first are indented, so a newline inside quoted text still cannot
/// forge a line of its own, and every other unsafe character goes as in
/// [`stderr_line`].
pub fn stderr_message(msg: &str) -> String {
    let redactor = crate::redact::Redactor::global();
    let text = redactor.redact(msg);
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.trim_end().lines().enumerate() {
        let line = safe(line);
        let line = line.trim_end();
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(CONTINUATION);
            }
        }
        out.push_str(line);
    }
    out
}

/// What the lines after a message's first start with.
pub const CONTINUATION: &str = "  ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_cannot_reach_the_terminal() {
        let hostile = "a\u{1b}]52;c;ZXZpbA==\u{7}b\u{1b}[2Jc\u{9b}31m\r\u{202e}d";
        let out = safe(hostile);
        assert!(!out.chars().any(is_unsafe), "{out:?}");
        assert!(out.contains('a') && out.contains('d'));
    }

    #[test]
    fn every_class_is_neutralised() {
        for c in [
            '\u{0}',
            '\u{7}',
            '\u{8}',
            '\n',
            '\r',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{9b}',
            '\u{9d}',
            '\u{200e}',
            '\u{200f}',
            '\u{061c}',
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{2060}',
            '\u{feff}',
            '\u{2028}',
            '\u{e0001}',
            '\u{e0041}',
            '\u{e007f}',
        ] {
            let s = format!("x{c}y");
            let out = safe(&s);
            assert!(!out.contains(c), "{c:?} -> {out:?}");
            assert!(out.starts_with('x') && out.ends_with('y'));
        }
        assert_eq!(safe("Ünïcödé – ok ✓"), "Ünïcödé – ok ✓");
    }

    #[test]
    fn json_for_a_terminal_escapes_what_serde_leaves_raw() {
        let value = "a\u{85}b\u{202e}c\u{e0041}d\u{7f}e\u{1b}f ✓";
        let text = serde_json::to_string(&value).unwrap();
        assert!(text.chars().any(is_unsafe), "serde leaves them: {text:?}");
        let out = json_safe(&text);
        assert!(!out.chars().any(is_unsafe), "{out:?}");
        assert!(
            out.contains("\\u0085") && out.contains("\\udb40\\udc41"),
            "{out}"
        );
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, value, "still the same JSON");
    }

    #[test]
    fn a_stderr_line_is_redacted_then_neutralised() {
        let line = stderr_line("bad\u{1b}]52;c;x\u{7} token=Zx9Qw8Er7Ty6\nkp-triage: forged");
        assert!(!line.contains('\u{1b}') && !line.contains('\n'), "{line:?}");
        assert!(!line.contains("Zx9Qw8Er7Ty6"), "{line}");
    }

    #[test]
    fn a_stderr_message_keeps_its_lines_indented() {
        let toml = "TOML parse error at line 1, column 10\n  |\n1 | output = \n  |          ^\nstring values must be quoted\n";
        assert_eq!(
            stderr_message(&format!("config file c.toml: {toml}")),
            "config file c.toml: TOML parse error at line 1, column 10\n    |\n  1 | output =\n    |          ^\n  string values must be quoted"
        );
        assert_eq!(stderr_message("one line"), "one line");
        assert_eq!(stderr_message("a\r\nb"), "a\n  b", "CRLF ends a line too");
    }

    #[test]
    fn a_stderr_message_still_neutralises_and_redacts_each_line() {
        let msg = "bad\n\u{1b}]52;c;x\u{7}\r\u{202e} token=Zx9Qw8Er7Ty6\nkp-triage: error: forged\u{85}x\u{2028}y";
        let out = stderr_message(msg);
        assert!(!out.chars().any(|c| c != '\n' && is_unsafe(c)), "{out:?}");
        assert!(!out.contains("Zx9Qw8Er7Ty6"), "{out}");
        assert!(out.contains("\u{fffd}"), "{out:?}");
        // Every line after the first is indented: none can pass for a line
        // of kp-triage's own.
        assert!(
            out.lines().skip(1).all(|l| l.starts_with(CONTINUATION)),
            "{out:?}"
        );
        assert_eq!(
            out.lines().count(),
            3,
            "NEL and U+2028 break no line: {out:?}"
        );
    }
}
