//! The stages after the scan: time order, the window, attempts, the verdict
//! and the coverage of what was not understood, assembled into the triage.

use super::*;

/// The stages after the scan: time order, the window, attempts, the
/// verdict and the coverage of what was not understood.
pub fn assemble(
    cfg: &Config,
    pack: &Pack,
    inputs: Vec<InputSummary>,
    acct: Accounting,
    events: Vec<Event>,
    orphans: Orphans,
) -> Triage {
    let (mut events, windowed) = in_window(cfg, &acct, events, orphans);
    let mut rebuilt = attempts::rebuild(&mut events, pack);
    let exact = windowed.folds_in_place && rebuilt.exact;
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let source = |e: &Event| source_of(&names, e);
    let app = cfg.app.as_deref().unwrap_or(crate::config::DEFAULT_APP);
    let verdict = decide(cfg, pack, &rebuilt, &events, &source);
    let not_understood = coverage::templates(&rebuilt.not_understood, &events, &source);
    let seen = (&inputs[..], &acct, &windowed);
    let warnings = warn(cfg, seen, &rebuilt, &events, &not_understood);
    let clusters_total = rebuilt.clusters.len();
    let window = (windowed.from, windowed.to);
    let alert = alert::lead(cfg, &mut rebuilt.clusters, pack, window);
    let next_step = next_step::of(&verdict, &events, &windowed.orphan_pods, &cfg.kube, app);
    let clusters = reported(cfg, &mut rebuilt.clusters);
    let cats = &pack.categories;
    let actions = clusters.iter().map(|c| facts::actions(c, &events, cats));
    let applicable = facts::applicable(actions, &rebuilt.unattributed, &events, cats);
    let timeline = timeline::build(&clusters, &rebuilt.unattributed, &events, cats);
    Triage {
        inputs,
        acct,
        window_from: windowed.from,
        window_to: windowed.to,
        outside_window: windowed.outside,
        categories: pack.categories.clone(),
        events,
        clusters,
        shown: facts::Shown {
            evidence: cfg.evidence,
            rotated_evidence: cfg.rotated_evidence,
        },
        applicable,
        clusters_total,
        unattributed: rebuilt.unattributed,
        not_understood,
        not_understood_lines: rebuilt.not_understood,
        budget: rebuilt.budget,
        warnings,
        verdict,
        focus: cfg.focus.clone(),
        evidence: cfg.evidence,
        now: cfg.now,
        pattern_origins: pack.origins.clone(),
        alert,
        next_step,
        exact,
        timeline,
    }
}

/// Delete the pod? Weighed over every cluster, whatever the focus.
fn decide(
    cfg: &Config,
    pack: &Pack,
    rebuilt: &attempts::Rebuilt,
    events: &[Event],
    source: &dyn Fn(&Event) -> String,
) -> verdict::Verdict {
    let cx = verdict::Context {
        events,
        pack,
        app: cfg.app.as_deref().unwrap_or(crate::config::DEFAULT_APP),
        source,
        evidence: cfg.evidence,
    };
    verdict::decide(&rebuilt.clusters, &rebuilt.unattributed, &cx)
}

/// The caveats on the triage.
fn warn(
    cfg: &Config,
    (inputs, acct, windowed): (&[InputSummary], &Accounting, &Windowed),
    rebuilt: &attempts::Rebuilt,
    events: &[Event],
    not_understood: &[Template],
) -> Vec<Warning> {
    coverage::warnings(&coverage::Facts {
        inputs,
        acct,
        clusters: &rebuilt.clusters,
        events,
        not_understood,
        focus: &cfg.focus,
        outside_window: windowed.outside,
        in_window: windowed.inside,
        now: cfg.now,
    })
}

/// The window and what it left out; with it, the events inside the window,
/// in time order, the orphans that name a known cluster adopted.
struct Windowed {
    from: Option<Ts>,
    to: Option<Ts>,
    /// Rotation records outside the window, and inside it.
    outside: usize,
    inside: usize,
    orphan_pods: Vec<next_step::OrphanPod>,
    /// Each fold comes just after its run's first occurrence in time
    /// order: nothing else falls among the occurrences it hides.
    folds_in_place: bool,
}

fn in_window(
    cfg: &Config,
    acct: &Accounting,
    mut events: Vec<Event>,
    mut orphans: Orphans,
) -> (Vec<Event>, Windowed) {
    let times = events
        .iter()
        .map(|e| e.order_ts)
        .chain(orphans.occurrences.iter().map(|o| o.order_ts()));
    let anchor = coverage::window_anchor(acct.last_ts, cfg.now, times);
    let (from, to) = cfg.window.resolve(anchor);
    let records = |events: &[Event]| events.iter().map(Event::count).sum::<usize>();
    let before = records(&events) + orphans.len();
    events.retain(|e| within(e.order_ts, from, to));
    orphans
        .occurrences
        .retain(|o| within(o.order_ts(), from, to));
    let inside = records(&events) + orphans.len();
    let orphan_pods = next_step::orphan_pods(&orphans);
    // Orphans whose text holds an id the input names elsewhere are events
    // like any other; the rest bear on no rotation.
    attempts::adopt(&mut events, &orphans);
    drop(orphans);
    // Several inputs (a pod restarted mid-incident) merge in time order, and
    // so do newest-first exports and pods whose records end out of turn.
    // The key is unique (`seq` counts an input's records; the position
    // breaks any tie left), so an unstable sort gives the stable order
    // without borrowing half the events again as scratch.
    let key = |e: &Event| (e.order_ts, e.pos.input, e.seq, e.pos);
    if !events.is_sorted_by_key(key) {
        events.sort_unstable_by_key(key);
    }
    // The scan's vector grew by doubling: up to half of it is room no
    // event takes, held through the analysis and the report otherwise.
    events.shrink_to_fit();
    let folds_in_place = (0..events.len()).all(|i| {
        events[i]
            .folded()
            .is_none_or(|f| i > 0 && events[i - 1].pos == f.after)
    });
    let windowed = Windowed {
        from,
        to,
        outside: before - inside,
        inside,
        orphan_pods,
        folds_in_place,
    };
    (events, windowed)
}

/// The clusters the reports show (`--cluster`, `--crn`).
fn reported(cfg: &Config, all: &mut Vec<Cluster>) -> Vec<Cluster> {
    // In place: a second vector of a million clusters is a third of the
    // memory they take.
    let mut clusters = std::mem::take(all);
    clusters.retain(|c| cfg.focus.is_empty() || cfg.focus.iter().any(|f| **f == *c.id));
    // Grown by doubling as clusters were met: the room left over would be
    // held until the report is written.
    clusters.shrink_to_fit();
    clusters
}
