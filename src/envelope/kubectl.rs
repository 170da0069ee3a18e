//! kubectl's envelope: `--prefix` adds `[pod/NAME/CONTAINER] `,
//! `--timestamps` adds the kubelet's nine-digit RFC 3339 time and a space
//! (prefix first when both). The same time leads stern's and CRI's lines.

use super::stamp::{self, Prefix};
use crate::time::Ts;

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
    stamp::timestamp(b)
}
