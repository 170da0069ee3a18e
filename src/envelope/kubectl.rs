//! kubectl's envelope: `--prefix` adds `[pod/NAME/CONTAINER] `,
//! `--timestamps` adds the kubelet's nine-digit RFC 3339 time and a space
//! (prefix first when both). The same time leads stern's and CRI's lines.

use super::text::Prefix;
use crate::decode;
use crate::time::{self, Ts};

/// `[pod/NAME/CONTAINER] `; the container may be empty.
pub(super) fn prefix(line: &[u8]) -> Option<Prefix<'_>> {
    let rest = line.strip_prefix(b"[pod/")?;
    let close = memchr::memchr(b']', rest)?;
    let inner = &rest[..close];
    let slash = memchr::memchr(b'/', inner)?;
    let after = &rest[close + 1..];
    Some(Prefix {
        pod: &inner[..slash],
        container: Some(&inner[slash + 1..]).filter(|c| !c.is_empty()),
        rest: after.strip_prefix(b" ").unwrap_or(after),
    })
}

/// The kubelet's timestamp and one space, as it leads a line.
pub fn timestamp_prefix(b: &[u8]) -> Option<(Ts, &[u8])> {
    timestamp(b)
}

/// The kubelet's timestamp (or stern's, which is the same) and one space.
/// An application's own ISO time followed by a run of spaces and a level is
/// a zap console line whose tabs became spaces, and stays in the body.
pub(super) fn timestamp(b: &[u8]) -> Option<(Ts, &[u8])> {
    if b.len() < 21 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let space = memchr::memchr(b' ', &b[..b.len().min(40)])?;
    let token = std::str::from_utf8(&b[..space]).ok()?;
    let ts = time::parse_iso(token)?;
    let rest = &b[space + 1..];
    if rest.first() == Some(&b' ') && decode::spaced_console_header(b) {
        return None;
    }
    Some((ts, rest))
}
