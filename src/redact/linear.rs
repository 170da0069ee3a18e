//! The redactor's time check: whatever a line repeats, redacting it twice
//! as long does about twice the work. A pass that restarts per match (a
//! field scan resuming inside the value it just read, a rule searching the
//! rest of the line again per rejected match) does four times the work
//! instead. Work is counted (`work`), not timed, so the check is exact and
//! never flaky.

use super::{work, Redactor};
use std::sync::OnceLock;

/// Bytes examined per byte of line: each of the dozen passes reads the line
/// about once, a few read a value twice, and a line where every few bytes
/// are a secret grows up to five times as its secrets become placeholders,
/// which the later passes read.
pub const PER_BYTE: u64 = 160;

/// The line `unit` repeated `times` times.
fn line(unit: &str, times: usize) -> String {
    unit.repeat(times)
}

/// The work of redacting `unit` repeated to about `len` bytes and to twice
/// that: (length, work) for each.
pub fn measure(r: &Redactor, unit: &str, len: usize) -> [(usize, u64); 2] {
    let times = len.div_ceil(unit.len().max(1));
    [times, 2 * times].map(|t| {
        let text = line(unit, t);
        let w = work::work_of(|| {
            r.redact(&text);
        });
        (text.len(), w)
    })
}

/// Doubling the line at most doubles the work, give or take the edges of
/// the line (a few units), and no byte costs more than `PER_BYTE`.
pub fn assert_linear(unit: &str, [(n1, w1), (n2, w2)]: [(usize, u64); 2]) {
    let edges = 8 * PER_BYTE * unit.len() as u64 + 4096;
    assert!(
        w2 <= 2 * w1 + edges,
        "work grows faster than the line for {unit:?}: {w1} for {n1} bytes, {w2} for {n2}"
    );
    assert!(
        w2 <= PER_BYTE * n2 as u64 + edges,
        "{w2} work for {n2} bytes of {unit:?}"
    );
}

/// The fuzz check: `data` as the unit of a line of about 16 KiB.
pub fn check_linear(data: &[u8]) {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    let r = REDACTOR.get_or_init(|| Redactor::with_known(&[super::planted::KEY.to_string()]));
    let unit = String::from_utf8_lossy(data);
    if unit.is_empty() {
        return;
    }
    assert_linear(&unit, measure(r, &unit, 16 << 10));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One hostile 1 MiB line per prefix that used to restart a scan, then
    /// twice as long: the work doubles, it does not quadruple.
    #[test]
    fn a_megabyte_of_any_repeated_prefix_is_redacted_in_linear_work() {
        let r = Redactor::with_known(&[super::super::planted::KEY.to_string()]);
        for unit in [
            "token=",
            "apikey=",
            "password:",
            "password: ",
            "Bearer ",
            "\"x-api-key\":",
            "Authorization: ",
            "--token ",
            "Secret: --token ",
            "ETCD_PASS=",
            "%22apikey%22%3A",
            "token=<redacted",
            "-----BEGIN X-----",
            "bearer=bearer:",
            "-u a:",
            "eyJ",
            "https://a@",
            "Cookie: ",
            "\\\"token\\\":\\\"",
        ] {
            let m = measure(&r, unit, 1 << 20);
            println!(
                "{unit:?}: {} bytes {} work, {} bytes {} work ({:.2}x)",
                m[0].0,
                m[0].1,
                m[1].0,
                m[1].1,
                m[1].1 as f64 / m[0].1 as f64
            );
            assert_linear(unit, m);
        }
    }

    #[test]
    #[should_panic(expected = "work grows faster than the line")]
    fn the_check_fails_on_quadratic_work() {
        // What the old field scan did on `token=token=...`: each field read
        // the rest of the line.
        let quadratic = |n: usize| (n * n / 12) as u64;
        assert_linear(
            "token=",
            [(6000, quadratic(6000)), (12000, quadratic(12000))],
        );
    }
}
