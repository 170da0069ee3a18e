//! A count of the bytes the redactor examines, so tests and the fuzzer can
//! hold it to linear time without a clock: every scan, regex search and
//! placeholder check adds the length of text it looked at. A pass that
//! restarted per match would show as work growing with the square of the
//! line.

use std::cell::Cell;

thread_local! {
    static WORK: Cell<u64> = const { Cell::new(0) };
}

/// Adds `bytes` to this thread's count.
pub(super) fn add(bytes: usize) {
    WORK.with(|w| w.set(w.get().saturating_add(bytes as u64)));
}

/// The bytes this thread's redactions have examined so far.
#[doc(hidden)]
pub fn work() -> u64 {
    WORK.with(Cell::get)
}

/// The work one call of `f` does on this thread.
#[doc(hidden)]
pub fn work_of(f: impl FnOnce()) -> u64 {
    let before = work();
    f();
    work() - before
}
