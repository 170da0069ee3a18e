//! Which way time runs through an input.

use crate::time::Ts;

/// Which way time runs through an input, by majority of steps: LogDNA
/// exports run newest first, and so does a log someone reversed. Ties between
/// records of the same time are broken in the input's own time order.
#[derive(Default)]
pub(super) struct Order {
    last: Option<Ts>,
    back: u64,
    forward: u64,
}

impl Order {
    pub(super) fn note(&mut self, ts: Ts) {
        match self.last {
            Some(p) if ts < p => self.back += 1,
            Some(p) if ts > p => self.forward += 1,
            _ => {}
        }
        self.last = Some(ts);
    }

    pub(super) fn newest_first(&self) -> bool {
        self.back > self.forward
    }
}
