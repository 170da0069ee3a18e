//! ANSI escape sequences (stern's colours, a coloured zap level) taken out of
//! a line. Only the escape sequences go: tabs and every other byte stay, so a
//! zap console line keeps its tab-separated fields.

/// The line without its escape sequences (ECMA-48: CSI, the string commands
/// OSC/DCS/SOS/PM/APC, and the two- and three-byte escapes).
pub fn strip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(at) = memchr::memchr(0x1b, &b[i..]) {
        out.extend_from_slice(&b[i..i + at]);
        i += at + escape_len(&b[i + at..]);
    }
    out.extend_from_slice(&b[i..]);
    out
}

/// The length of the escape sequence at `b[0]` (an ESC). A sequence cut
/// short by the end of the line or by a byte it cannot hold ends there.
fn escape_len(b: &[u8]) -> usize {
    match b.get(1) {
        None => 1,
        Some(b'[') => csi_len(b),
        Some(b']' | b'P' | b'X' | b'^' | b'_') => string_len(b),
        // nF: intermediates, then one final byte.
        Some(0x20..=0x2f) => {
            let n = 2 + b[2..]
                .iter()
                .take_while(|c| (0x20..=0x2f).contains(*c))
                .count();
            n + usize::from(b.get(n).is_some_and(|c| (0x30..=0x7e).contains(c)))
        }
        // Fp, Fe and Fs: ESC and one byte.
        Some(0x30..=0x7e) => 2,
        Some(_) => 1,
    }
}

/// `ESC [`, parameter bytes, intermediate bytes, one final byte.
fn csi_len(b: &[u8]) -> usize {
    let params = b[2..]
        .iter()
        .take_while(|c| (0x30..=0x3f).contains(*c))
        .count();
    let mut n = 2 + params;
    n += b[n..]
        .iter()
        .take_while(|c| (0x20..=0x2f).contains(*c))
        .count();
    n + usize::from(b.get(n).is_some_and(|c| (0x40..=0x7e).contains(c)))
}

/// A string command, ended by BEL or by ST (`ESC \`). Unterminated, only its
/// introducer goes: the text after it is kept rather than lost.
fn string_len(b: &[u8]) -> usize {
    let mut i = 2;
    while i < b.len() {
        match b[i] {
            0x07 => return i + 1,
            0x1b if b.get(i + 1) == Some(&b'\\') => return i + 2,
            _ => i += 1,
        }
    }
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &str) -> String {
        String::from_utf8(strip(b.as_bytes())).unwrap()
    }

    #[test]
    fn colours_go_and_tabs_stay() {
        assert_eq!(
            s("\x1b[94mpod\x1b[0m \x1b[34mctr\x1b[0m 2026-11-20T03:00:01.000Z\t\x1b[31mERROR\x1b[0m\tx.go:1\tmsg\t{}"),
            "pod ctr 2026-11-20T03:00:01.000Z\tERROR\tx.go:1\tmsg\t{}"
        );
        assert_eq!(s("\x1b[92;1m+\x1b[0m a › b"), "+ a › b");
        assert_eq!(s("a\tb\rc\x07d"), "a\tb\rc\x07d");
    }

    #[test]
    fn other_sequences_and_cut_ones() {
        assert_eq!(s("\x1b]0;title\x07text"), "text");
        assert_eq!(s("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link");
        assert_eq!(s("\x1b(Bplain\x1b=\x1b>"), "plain");
        assert_eq!(s("\x1b[?25lhidden\x1b[?25h"), "hidden");
        assert_eq!(s("end\x1b"), "end");
        assert_eq!(s("end\x1b[31"), "end");
        assert_eq!(s("\x1b]never closed"), "never closed");
        assert_eq!(s("\x1b[31\tkeeps the tab"), "\tkeeps the tab");
        assert_eq!(s("ünïcode \x1b[1mbold\x1b[m"), "ünïcode bold");
    }
}
