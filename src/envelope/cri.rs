//! CRI container log files, as the kubelet keeps them under /var/log/pods:
//! `TIMESTAMP STREAM TAG LINE`, where STREAM is `stdout` or `stderr` and TAG
//! is `F` (a full line, or the end of one) or `P` (a partial line that the
//! next line of the same stream continues). `text::unwrap_for` takes the
//! time off; this takes the stream and tag.

/// `stdout F ` / `stderr P `: whether the line is partial, and the rest.
pub fn tag(b: &[u8]) -> Option<(bool, &[u8])> {
    // Most lines after a kubelet time are not CRI's: one byte says so.
    if b.first() != Some(&b's') {
        return None;
    }
    let rest = b
        .strip_prefix(b"stdout ")
        .or_else(|| b.strip_prefix(b"stderr "))?;
    let (partial, rest) = match rest {
        [b'F', b' ', rest @ ..] => (false, rest),
        [b'P', b' ', rest @ ..] => (true, rest),
        [b'F'] => (false, &rest[1..]),
        [b'P'] => (true, &rest[1..]),
        // Newer kubelets may add tags after F/P, separated by `:`.
        [b'F' | b'P', b':', ..] => {
            let space = memchr::memchr(b' ', rest)?;
            (rest[0] == b'P', &rest[space + 1..])
        }
        _ => return None,
    };
    Some((partial, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_partial_lines() {
        assert_eq!(tag(b"stdout F hello"), Some((false, &b"hello"[..])));
        assert_eq!(tag(b"stderr P hel"), Some((true, &b"hel"[..])));
        assert_eq!(tag(b"stdout F"), Some((false, &b""[..])));
        assert_eq!(tag(b"stdout is closed"), None);
        assert_eq!(tag(b"hello"), None);
    }
}
