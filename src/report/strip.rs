//! The attempt strip, drawn from the triage's timeline: one character cell
//! per slice of time, one mark per attempt (the worst outcome when several
//! share a cell), pod restarts where nothing else is, and a sparkline of
//! failures. The terminal table and the Markdown fallback both draw it.

use crate::analyze::timeline::{Lane, Timeline};
use crate::attempts::Outcome;
use crate::time::Ts;

/// What a cell shows, in order of precedence: a failure hides a success
/// that happened in the same slice of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    Empty,
    Restart,
    Succeeded,
    Superseded,
    InProgress,
    Failed,
}

/// The characters a strip is drawn with.
pub struct Marks {
    pub failed: char,
    pub succeeded: char,
    pub in_progress: char,
    pub superseded: char,
    pub restart: char,
    pub empty: char,
    /// Sparkline levels, lowest first (the first is "none").
    pub levels: &'static [char],
}

pub const UNICODE: Marks = Marks {
    failed: '✗',
    succeeded: '✓',
    in_progress: '▸',
    superseded: '○',
    restart: '┃',
    empty: '·',
    levels: &['·', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
};

/// Plain characters, for a terminal without colour or Unicode and for
/// trackers that show text as it is.
pub const PLAIN: Marks = Marks {
    failed: 'x',
    succeeded: '+',
    in_progress: '>',
    superseded: '-',
    restart: '|',
    empty: '.',
    levels: &['.', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

impl Marks {
    pub fn of(&self, c: Cell) -> char {
        match c {
            Cell::Empty => self.empty,
            Cell::Restart => self.restart,
            Cell::Succeeded => self.succeeded,
            Cell::Superseded => self.superseded,
            Cell::InProgress => self.in_progress,
            Cell::Failed => self.failed,
        }
    }

    /// What the marks `used` mean, in words.
    pub fn legend(&self, used: &[Cell]) -> String {
        let words = [
            (Cell::Failed, "failed"),
            (Cell::Succeeded, "rotated"),
            (Cell::InProgress, "in progress"),
            (Cell::Superseded, "superseded"),
            (Cell::Restart, "new pod"),
        ];
        let parts: Vec<String> = words
            .iter()
            .filter(|(c, _)| used.contains(c))
            .map(|&(c, w)| format!("{} {w}", self.of(c)))
            .collect();
        parts.join(", ")
    }
}

/// The time axis cut into `cells` slices.
#[derive(Clone, Copy, Debug)]
pub struct Axis {
    pub from: Ts,
    pub to: Ts,
    pub cells: usize,
}

impl Axis {
    /// `None` when nothing on the timeline has a time.
    pub fn of(tl: &Timeline, cells: usize) -> Option<Axis> {
        Some(Axis {
            from: tl.from?,
            to: tl.to?,
            cells: cells.max(1),
        })
    }

    pub fn cell(&self, t: Ts) -> usize {
        let span = self.to.nanos_since(self.from).max(1);
        let at = t.nanos_since(self.from).clamp(0, span);
        (at * (self.cells as i128 - 1) / span) as usize
    }

    /// The axis's ends as labels: the time of day within one day.
    pub fn labels(&self) -> (String, String) {
        let (f, t) = (self.from.to_datetime(), self.to.to_datetime());
        let fmt = if f.date_naive() == t.date_naive() {
            "%H:%M:%S"
        } else {
            "%m-%d %H:%M"
        };
        (f.format(fmt).to_string(), t.format(fmt).to_string())
    }
}

/// A cluster's attempts, and the restarts, as cells.
pub fn lane(axis: &Axis, lane: &Lane, tl: &Timeline) -> Vec<Cell> {
    let mut cells = vec![Cell::Empty; axis.cells];
    for r in &tl.restarts {
        cells[axis.cell(r.at)] = Cell::Restart;
    }
    for a in &lane.attempts {
        let Some(at) = a.at() else { continue };
        let c = match a.outcome {
            Outcome::Failed => Cell::Failed,
            Outcome::Succeeded => Cell::Succeeded,
            Outcome::InProgress => Cell::InProgress,
            Outcome::Superseded => Cell::Superseded,
        };
        let i = axis.cell(at);
        cells[i] = cells[i].max(c);
    }
    cells
}

/// Failures in each cell, of one cause or (`None`) of all.
pub fn rate(axis: &Axis, tl: &Timeline, cause: Option<&str>) -> Vec<usize> {
    let mut n = vec![0; axis.cells];
    for m in &tl.per_minute {
        let k = match cause {
            Some(c) => m.failures.get(c).copied().unwrap_or(0),
            None => m.total(),
        };
        n[axis.cell(m.at)] += k;
    }
    n
}

/// Counts as a sparkline scaled to `peak`; any failure shows at least the
/// lowest bar.
pub fn sparkline(counts: &[usize], peak: usize, marks: &Marks) -> String {
    let top = marks.levels.len() - 1;
    counts
        .iter()
        .map(|&n| match n {
            0 => marks.levels[0],
            n => marks.levels[(n * top).div_ceil(peak.max(1)).clamp(1, top)],
        })
        .collect()
}

/// The cells as text, each mark in its outcome's colour when `color`.
pub fn draw(cells: &[Cell], marks: &Marks, color: bool) -> String {
    use anstyle::{AnsiColor, Style};
    let mut out = String::new();
    for &c in cells {
        let ch = marks.of(c);
        let colour = match c {
            Cell::Failed => Some(AnsiColor::Red),
            Cell::Succeeded => Some(AnsiColor::Green),
            Cell::InProgress => Some(AnsiColor::Yellow),
            Cell::Superseded => Some(AnsiColor::Cyan),
            Cell::Restart => Some(AnsiColor::Magenta),
            Cell::Empty => None,
        };
        match colour.filter(|_| color) {
            Some(k) => {
                let s = Style::new().fg_color(Some(k.into())).bold();
                out.push_str(&format!("{s}{ch}{s:#}"));
            }
            None => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_scales_to_its_peak_and_never_hides_a_failure() {
        assert_eq!(sparkline(&[0, 1, 5, 10], 10, &PLAIN), ".159");
        assert_eq!(sparkline(&[0, 1, 100], 100, &UNICODE), "·▁█");
    }

    #[test]
    fn a_failure_wins_its_cell() {
        assert!(Cell::Failed > Cell::Succeeded && Cell::Succeeded > Cell::Restart);
        let s = draw(&[Cell::Failed, Cell::Empty, Cell::Succeeded], &PLAIN, false);
        assert_eq!(s, "x.+");
        assert!(draw(&[Cell::Failed], &UNICODE, true).contains("\u{1b}["));
    }
}
