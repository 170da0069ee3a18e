//! The timeline as inline SVG: a row per failing cluster with a bar per
//! attempt, coloured by outcome; dashed lines for new pods; and failed
//! attempts per minute as bars stacked by cause. Sized by a view box so it
//! shrinks with the page instead of overflowing it.

use crate::analyze::timeline::{Lane, Timeline};
use crate::attempts::Outcome;
use crate::report::text::safe;
use crate::time::Ts;
use maud::{html, Markup};
use std::sync::Arc;

const WIDTH: f64 = 720.0;
const ROW: f64 = 20.0;
const TOP: f64 = 22.0;
/// Colours for causes, in order of frequency; past them, the last again.
pub const PALETTE: [&str; 6] = [
    "#c62828", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037",
];

/// Where times fall on the drawing's width.
struct Scale {
    from: Ts,
    span: f64,
    left: f64,
    width: f64,
}

impl Scale {
    fn x(&self, t: Ts) -> f64 {
        let at = t.nanos_since(self.from) as f64 / 1e9;
        self.left + self.width * (at / self.span).clamp(0.0, 1.0)
    }
}

fn hms(t: Ts) -> String {
    t.to_datetime().format("%H:%M:%S").to_string()
}

fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// The failing clusters' attempts; `None` when nothing has a time.
pub fn timeline(tl: &Timeline) -> Option<Markup> {
    let (from, to) = (tl.from?, tl.to?);
    let longest = tl.clusters.iter().map(|l| l.cluster_id.chars().count());
    let left = (longest.max().unwrap_or(8) as f64 * 6.6 + 12.0).min(260.0);
    let s = Scale {
        from,
        span: (to.nanos_since(from) as f64 / 1e9).max(1.0),
        left,
        width: WIDTH - left - 10.0,
    };
    let height = TOP + ROW * tl.clusters.len() as f64 + 6.0;
    let bottom = height - 4.0;
    Some(html! {
        svg id="timeline" xmlns="http://www.w3.org/2000/svg" viewBox={"0 0 " (WIDTH) " " (px(height))}
            role="img" aria-label="Rotation attempts over time" {
            text x=(px(left)) y="12" class="axis" { (hms(from)) }
            text x=(px(WIDTH - 10.0)) y="12" class="axis" text-anchor="end" { (hms(to)) " UTC" }
            @for (i, lane) in tl.clusters.iter().enumerate() {
                (row(&s, lane, TOP + ROW * i as f64))
            }
            @for r in &tl.restarts {
                line class="restart" x1=(px(s.x(r.at))) x2=(px(s.x(r.at))) y1=(px(TOP - 4.0)) y2=(px(bottom)) {
                    title { "new pod " (safe(&r.pod)) " at " (hms(r.at)) }
                }
            }
        }
    })
}

fn row(s: &Scale, lane: &Lane, y: f64) -> Markup {
    html! {
        g data-cluster=(safe(&lane.cluster_id)) {
            text class="lane" x=(px(s.left - 8.0)) y=(px(y + 13.0)) text-anchor="end" { (safe(&lane.cluster_id)) }
            line class="track" x1=(px(s.left)) x2=(px(s.left + s.width)) y1=(px(y + 9.0)) y2=(px(y + 9.0)) {}
            @for (i, a) in lane.attempts.iter().enumerate() {
                @if let Some(start) = a.at() {
                    @let x0 = s.x(start);
                    @let x1 = a.ended.map_or(x0, |e| s.x(e)).max(x0 + 5.0);
                    rect class=(outcome(a.outcome)) x=(px(x0)) y=(px(y + 3.0)) width=(px(x1 - x0)) height="12" rx="2" {
                        title {
                            "attempt " (a.number.unwrap_or(i as u32 + 1)) ": " (outcome(a.outcome))
                            @if let Some(c) = &a.cause { " (" (c) ")" }
                            ", " (hms(start))
                        }
                    }
                }
            }
        }
    }
}

pub fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Failed => "failed",
        Outcome::Succeeded => "rotated",
        Outcome::InProgress => "in-progress",
        Outcome::Superseded => "superseded",
    }
}

/// Failed attempts per minute as bars stacked by cause, in `causes` order.
pub fn per_minute(tl: &Timeline, causes: &[Arc<str>]) -> Option<Markup> {
    let first = tl.per_minute.first()?.at;
    let last = tl.per_minute.last()?.at;
    let minutes = (last.secs_since(first) / 60 + 1) as f64;
    let peak = tl.per_minute.iter().map(|m| m.total()).max()? as f64;
    let (left, h) = (40.0, 100.0);
    let w = ((WIDTH - left - 10.0) / minutes).max(1.0);
    let colour = |c: &str| {
        let i = causes.iter().position(|k| &**k == c).unwrap_or(0);
        PALETTE[i.min(PALETTE.len() - 1)]
    };
    Some(html! {
        svg id="per-minute" xmlns="http://www.w3.org/2000/svg" viewBox={"0 0 " (WIDTH) " " (h + 30.0)}
            role="img" aria-label="Failed attempts per minute by cause" {
            text x="0" y="14" class="axis" { (peak) }
            text x="0" y=(px(h + 10.0)) class="axis" { "0" }
            text x=(left) y=(px(h + 26.0)) class="axis" { (hms(first)) }
            text x=(px(WIDTH - 10.0)) y=(px(h + 26.0)) class="axis" text-anchor="end" { (hms(last)) " UTC" }
            @for m in &tl.per_minute {
                @let x = left + w * (m.at.secs_since(first) / 60) as f64;
                @let mut y = h + 10.0;
                @for (cause, n) in &m.failures {
                    @let bar = h * *n as f64 / peak;
                    @let top = { y -= bar; y };
                    rect x=(px(x)) y=(px(top)) width=(px((w - 1.0).max(1.0))) height=(px(bar)) fill=(colour(cause)) {
                        title { (hms(m.at)) ": " (n) " " (cause) }
                    }
                }
            }
        }
    })
}
