//! Inputs that overlap: the same file given twice, kubectl's logs beside an
//! export of the same hour, a restarted follow reading again what it had.

use crate::event::Event;
use crate::orphans::Orphans;

/// Rotation records already read from an earlier input: the same file given
/// twice, or kubectl's logs beside an export of the same hour. Keyed on time
/// and text; the pod must agree when both inputs name one.
/// An input that had a record, and the record's pod.
type Seen = (u32, Option<std::sync::Arc<str>>);

#[derive(Default)]
pub(super) struct Overlap {
    seen: std::collections::HashMap<u64, Vec<Seen>>,
}

impl Overlap {
    /// Adds input `input`'s events to `out`, leaving out those an earlier
    /// input had. Returns how many were left out.
    pub(super) fn merge(
        &mut self,
        input: u32,
        events: Vec<Event>,
        keys: Vec<u64>,
        out: &mut Vec<Event>,
    ) -> u64 {
        let mut merged = 0;
        let mut mine = Vec::new();
        for (e, key) in events.into_iter().zip(keys) {
            let earlier = self.seen.get(&key).is_some_and(|v| {
                v.iter().any(|(i, pod)| {
                    *i != input && (pod.is_none() || e.pod.is_none() || *pod == e.pod)
                })
            });
            if earlier {
                merged += 1;
                continue;
            }
            mine.push((key, e.pod.clone()));
            out.push(e);
        }
        for (key, pod) in mine {
            self.seen.entry(key).or_default().push((input, pod));
        }
        merged
    }

    /// `merge` for an input's orphans.
    pub(super) fn merge_orphans(
        &mut self,
        input: u32,
        orphans: &Orphans,
        out: &mut Orphans,
    ) -> u64 {
        let mut merged = 0;
        let mut mine = Vec::new();
        let kept: crate::orphans::Occurrences = orphans
            .occurrences
            .iter()
            .filter(|o| {
                let pod = &orphans.record(o).pod;
                let earlier = self.seen.get(&o.key).is_some_and(|v| {
                    v.iter()
                        .any(|(i, p)| *i != input && (p.is_none() || pod.is_none() || p == pod))
                });
                if earlier {
                    merged += 1;
                } else {
                    mine.push((o.key, pod.clone()));
                }
                !earlier
            })
            .collect();
        out.append(orphans, kept.iter());
        for (key, pod) in mine {
            self.seen.entry(key).or_default().push((input, pod));
        }
        merged
    }
}
