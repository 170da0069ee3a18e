//! Time through an input: which way it runs, and the year of times that
//! have none.

use crate::event::{Accounting, Event};
use crate::time::{PartialTs, Ts};

/// Which way time runs through an input, by majority of steps: LogDNA
/// exports run newest first, and so does a log someone reversed. Ties between
/// records of the same time are broken in the input's own time order.
/// Full times decide; an input with none (bare klog, stern's short times)
/// is judged by its year-less times.
#[derive(Clone, Default)]
pub(super) struct Order {
    full: Steps<Ts>,
    partial: Steps<PartialTs>,
}

#[derive(Clone)]
struct Steps<T> {
    last: Option<T>,
    back: u64,
    forward: u64,
}

impl<T> Default for Steps<T> {
    fn default() -> Self {
        Steps {
            last: None,
            back: 0,
            forward: 0,
        }
    }
}

impl<T: Ord + Copy> Steps<T> {
    fn note(&mut self, t: T) {
        match self.last {
            Some(p) if t < p => self.back += 1,
            Some(p) if t > p => self.forward += 1,
            _ => {}
        }
        self.last = Some(t);
    }

    fn any(&self) -> bool {
        self.back + self.forward > 0
    }

    fn newest_first(&self) -> bool {
        self.back > self.forward
    }
}

impl Order {
    pub(super) fn note(&mut self, ts: Ts) {
        self.full.note(ts);
    }

    /// A time with no year. Across New Year it steps back once, which the
    /// majority outweighs.
    pub(super) fn note_partial(&mut self, p: PartialTs) {
        self.partial.note(p);
    }

    pub(super) fn newest_first(&self) -> bool {
        if self.full.any() {
            self.full.newest_first()
        } else {
            self.partial.newest_first()
        }
    }
}

/// Years for the times that have none (klog, stern's short form). A record
/// takes its year from the full time nearest before it in the input; the
/// records before the first full time take it from that one, wherever it
/// comes, so until the input ends their year is only a guess from the clock.
#[derive(Clone, Default)]
pub(super) struct Years {
    /// The first full time seen in the input.
    hint: Option<Ts>,
    /// Events whose year was guessed: their index and year-less time.
    events: Vec<(usize, PartialTs)>,
    /// The earliest and latest guessed times, for the input's span.
    first: Option<(Ts, PartialTs)>,
    last: Option<(Ts, PartialTs)>,
}

impl Years {
    pub(super) fn see_full(&mut self, ts: Ts) {
        self.hint.get_or_insert(ts);
    }

    /// The first full time in the input, so far.
    pub(super) fn hint(&self) -> Option<Ts> {
        self.hint
    }

    /// Some year was guessed from the clock.
    pub(super) fn guessing(&self) -> bool {
        self.first.is_some()
    }

    /// A guess waits for a full time to correct it.
    pub(super) fn wants_year(&self) -> bool {
        self.hint.is_none() && self.guessing()
    }

    /// A record's time: into the input's span, or kept aside when its year
    /// (`guessed`, the year-less time) came from the clock.
    pub(super) fn see(
        &mut self,
        acct: &mut Accounting,
        ts: Option<Ts>,
        guessed: Option<PartialTs>,
    ) {
        match (ts, guessed) {
            (Some(t), Some(p)) => {
                if self.first.is_none_or(|(f, _)| t < f) {
                    self.first = Some((t, p));
                }
                if self.last.is_none_or(|(l, _)| t > l) {
                    self.last = Some((t, p));
                }
            }
            _ => acct.see_ts(ts),
        }
    }

    /// The event at `index` has a guessed year.
    pub(super) fn guessed_event(&mut self, index: usize, p: PartialTs) {
        self.events.push((index, p));
    }

    /// Some event's year was guessed.
    pub(super) fn guessed_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// Gives the guessed times the year of the input's first full time, if
    /// it has one, and adds them to the input's span.
    /// Each event whose year was guessed, given the year its input shows.
    pub(super) fn apply(&self, events: &mut [Event]) {
        for &(i, p) in &self.events {
            let e = &mut events[i];
            if let Some(guess) = e.ts {
                let ts = self.complete(guess, p);
                if e.order_ts == e.ts {
                    e.order_ts = Some(ts);
                }
                e.ts = Some(ts);
            }
        }
    }

    /// The input's span, with the guessed years settled.
    pub(super) fn see_span(&self, acct: &mut Accounting) {
        for (guess, p) in [self.first, self.last].into_iter().flatten() {
            acct.see_ts(Some(self.complete(guess, p)));
        }
    }

    fn complete(&self, guess: Ts, p: PartialTs) -> Ts {
        self.hint.and_then(|h| p.complete(Some(h))).unwrap_or(guess)
    }
}

/// What only the end of an input settles about the events already handed
/// on: the year of times that had none, and which way time ran. A sink that
/// keeps events applies it to them, counted in the order they came.
pub struct Settlement {
    years: Years,
    pub newest_first: bool,
}

impl Settlement {
    pub(super) fn new(years: Years, newest_first: bool) -> Settlement {
        Settlement {
            years,
            newest_first,
        }
    }

    /// Some event's year was guessed and waits for `apply`.
    pub fn guessed(&self) -> bool {
        self.years.guessed_events()
    }

    /// Settles `events`, the non-orphan events a sink received, in order.
    pub fn apply(&self, events: &mut [Event]) {
        self.years.apply(events);
        if self.newest_first {
            for e in events {
                e.seq = -e.seq;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(month: u32, day: u32, secs_of_day: u32) -> PartialTs {
        PartialTs {
            month,
            day,
            secs_of_day,
            nanos: 0,
        }
    }

    #[test]
    fn year_less_times_decide_only_when_no_full_time_does() {
        let mut o = Order::default();
        for s in [30, 20, 10, 0] {
            o.note_partial(at(11, 20, s));
        }
        assert!(o.newest_first());
        let t = |s: i64| Ts::from_nanos(s * 1_000_000_000);
        o.note(t(1));
        o.note(t(2));
        assert!(!o.newest_first(), "one forward step of full times wins");
    }

    #[test]
    fn new_year_is_one_step_back_among_many_forward() {
        let mut o = Order::default();
        for p in [
            at(12, 31, 86_000),
            at(12, 31, 86_300),
            at(1, 1, 10),
            at(1, 1, 20),
        ] {
            o.note_partial(p);
        }
        assert!(!o.newest_first());
    }

    #[test]
    fn guessed_years_are_settled_by_the_first_full_time() {
        let mut y = Years::default();
        let mut acct = Accounting::default();
        let guess = at(11, 20, 3600).complete(None).unwrap();
        y.see(&mut acct, Some(guess), Some(at(11, 20, 3600)));
        assert!(y.wants_year() && acct.first_ts.is_none());
        let hint = crate::time::parse_iso("2024-11-20T02:00:00Z").unwrap();
        y.see_full(hint);
        y.see_full(crate::time::parse_iso("2030-01-01T00:00:00Z").unwrap());
        assert!(!y.wants_year());
        y.see_span(&mut acct);
        assert_eq!(acct.first_ts.unwrap().rfc3339(), "2024-11-20T01:00:00Z");
    }
}
