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
    fn a_stderr_line_is_redacted_then_neutralised() {
        let line = stderr_line("bad\u{1b}]52;c;x\u{7} token=Zx9Qw8Er7Ty6\nkp-triage: forged");
        assert!(!line.contains('\u{1b}') && !line.contains('\n'), "{line:?}");
        assert!(!line.contains("Zx9Qw8Er7Ty6"), "{line}");
    }
}
