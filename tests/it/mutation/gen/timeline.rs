//! Writes an incident's log from the cluster plans: the rounds, each
//! cluster's attempts in time, the noise around them, and the layout.

use super::dialect::{Dialect, Place};
use super::layout::{self, Line, Transport};
use super::lines::{anchored, at, cluster_id, fill_err, joined, Cluster, Ctx, Src, CONTAINER};
use super::model::{Cat, Kind, Level, Sem};
use super::noise;
use super::wording as w;
use super::{Fate, Plan};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_pcg::Pcg64;

fn corr_id(rng: &mut Pcg64) -> String {
    let x: u128 = rng.gen();
    let h = format!("{x:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// One cluster's round from `t`: its attempts, their errors and outcome.
fn round(ctx: &mut Ctx, rng: &mut Pcg64, c: &mut Cluster, p: &Plan, mut t: i64, corr_all: bool) {
    let d = ctx.d;
    let fails = p.causes.len();
    let attempt = |ctx: &mut Ctx, rng: &mut Pcg64, c: &mut Cluster, n: usize, t: &mut i64| {
        let corr = corr_all.then(|| corr_id(rng));
        if d.has_start {
            ctx.lifecycle(c, Kind::Start, at(n, *t, corr.as_deref(), 1), None);
        }
        *t += rng.gen_range(100..900);
        corr
    };
    for (i, causes) in p.causes.iter().enumerate() {
        let n = i + 1;
        let corr = attempt(ctx, rng, c, n, &mut t);
        let errs: Vec<(Cat, (String, String))> = causes
            .iter()
            .map(|&cat| (cat, fill_err(rng, c, cat)))
            .collect();
        let fold = d.cause_on_fail
            && errs
                .last()
                .is_some_and(|(cat, _)| *cat != Cat::Unclassified);
        let separate = if fold {
            &errs[..errs.len() - 1]
        } else {
            &errs[..]
        };
        for (cat, e) in separate {
            ctx.cause(c, *cat, e, n, t, corr.as_deref());
            t += rng.gen_range(50..400);
        }
        let carried = if fold {
            errs.last().map(|(cat, e)| (*cat, joined(e)))
        } else {
            None
        };
        ctx.lifecycle(c, Kind::Failed, at(n, t, corr.as_deref(), 1), carried);
        let last = n == fails;
        if last && matches!(p.fate, Fate::Exhausted) {
            if d.has_summary {
                t += rng.gen_range(10..500);
                // The summary may repeat the last runbook error.
                let err = errs
                    .last()
                    .filter(|(cat, _)| *cat != Cat::Unclassified && rng.gen_bool(0.5))
                    .map(|(cat, e)| (*cat, joined(e)));
                ctx.lifecycle(c, Kind::Exhausted, at(n, t, None, 1), err);
            }
            return;
        }
        t += d.backoff_ms + rng.gen_range(0..3000);
    }
    match p.fate {
        Fate::Rotated { .. } => {
            let corr = attempt(ctx, rng, c, fails + 1, &mut t);
            t += rng.gen_range(200..3000);
            ctx.lifecycle(
                c,
                Kind::Succeeded,
                at(fails + 1, t, corr.as_deref(), 1),
                None,
            );
        }
        Fate::Retrying {
            in_progress: true, ..
        } => {
            attempt(ctx, rng, c, fails + 1, &mut t);
        }
        _ => {}
    }
}

/// An earlier round in which the cluster rotated at the first attempt.
fn old_round(ctx: &mut Ctx, c: &mut Cluster, t: i64) {
    if ctx.d.has_start {
        ctx.lifecycle(c, Kind::Start, at(1, t, None, 0), None);
    }
    ctx.lifecycle(c, Kind::Succeeded, at(1, t + 800, None, 0), None);
}

fn detected(ctx: &mut Ctx, ms: i64, k: usize, old: bool) {
    let msg = w::DETECTED[ctx.d.detected].replace("{k}", &k.to_string());
    let line = Line {
        ms,
        level: Level::Info,
        msg,
        fields: vec![],
        err: None,
        caller: "events/keys.go:51",
    };
    ctx.out.push((ms, old, Src::Own(line)));
}

const REGIONS: &[&str] = &[
    "us-south", "us-east", "eu-de", "eu-gb", "jp-tok", "au-syd", "ca-tor",
];

/// The log text, and each cluster's lines in time order.
pub fn write(rng: &mut Pcg64, d: &Dialect, plans: &[Plan]) -> (String, Vec<(String, Vec<Sem>)>) {
    let region = *REGIONS.choose(rng).unwrap();
    let account = format!("{:032x}", rng.gen::<u128>());
    let mut ctx = Ctx {
        d,
        region,
        account,
        out: Vec::new(),
    };
    let start: i64 =
        1_767_600_000_000 + rng.gen_range(0..280) * 86_400_000 + rng.gen_range(0..80_000_000);
    let prev =
        (!plans.is_empty() && rng.gen_bool(0.15)).then(|| start - rng.gen_range(4..20) * 3_600_000);
    let corr_all = d.place(Kind::Cause) == Place::Corr || (d.app.has_fields() && rng.gen_bool(0.3));
    let mut clusters = Vec::new();
    let mut end = start;
    if d.has_detected && !plans.is_empty() {
        detected(
            &mut ctx,
            start - rng.gen_range(500..3000),
            plans.len(),
            false,
        );
    }
    if let (Some(p), true) = (prev, d.has_detected) {
        detected(&mut ctx, p - 1500, plans.len(), true);
    }
    for (i, p) in plans.iter().enumerate() {
        let id = cluster_id(rng, anchored(d, p, prev.is_some()));
        let crn = format!(
            "crn:v1:bluemix:public:containers-kubernetes:{region}:a/{}:{id}::",
            ctx.account
        );
        let secret = [
            "kp-wdek",
            "wdek-secret",
            "kms-wdek-{id}",
            "{id}-encryption-wdek",
        ]
        .choose(rng)
        .unwrap()
        .replace("{id}", &id);
        let host = format!(
            "c{}.private.{region}.containers.cloud.ibm.com",
            rng.gen_range(1..130)
        );
        let mut c = Cluster {
            id,
            crn,
            secret,
            host,
            port: rng.gen_range(30000..32767),
            sems: Vec::new(),
        };
        if let Some(p0) = prev {
            old_round(&mut ctx, &mut c, p0 + i as i64 * rng.gen_range(300..3000));
        }
        let t = start + i as i64 * rng.gen_range(200..4000);
        round(&mut ctx, rng, &mut c, p, t, corr_all);
        clusters.push(c);
    }
    for (ms, _, _) in &ctx.out {
        end = end.max(*ms);
    }
    let from = prev.unwrap_or(start) - 2 * 3_600_000;
    for _ in 0..rng.gen_range(15..60) {
        let ms = rng.gen_range(from..end + 30_000);
        ctx.out.push((
            ms,
            prev.is_some_and(|p| ms < p + 3_600_000),
            Src::Own(noise::own(rng, ms)),
        ));
    }
    if rng.gen_bool(0.4) {
        let ms = start - rng.gen_range(30..90) * 60_000;
        ctx.out
            .push((ms, false, Src::Own(noise::etcd_reconnect(ms))));
    }
    let multi_pod = matches!(
        d.transport,
        Transport::Stern { .. }
            | Transport::KubectlPrefix { .. }
            | Transport::Loki { .. }
            | Transport::CloudLogs { .. }
    ) && d.other_pods;
    if multi_pod {
        for _ in 0..rng.gen_range(5..20) {
            let ms = rng.gen_range(start - 600_000..end + 30_000);
            let t = chrono::DateTime::from_timestamp_millis(ms).unwrap();
            let klog = t.format("%m%d %H:%M:%S%.6f").to_string();
            let iso = t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
            let (pod, container, text) = noise::other_pod(rng, &klog, &iso);
            ctx.out.push((ms, false, Src::Other(pod, container, text)));
        }
    }
    ctx.out.sort_by_key(|(ms, _, _)| *ms);
    let restarted = rng.gen_bool(0.5);
    let mut log = String::new();
    for (ms, old, src) in &ctx.out {
        let line = match src {
            Src::Own(l) => {
                let pod = if *old && restarted {
                    &d.old_pod
                } else {
                    &d.pod
                };
                layout::wrap(
                    &d.transport,
                    pod,
                    CONTAINER,
                    (*ms, Some(l.level)),
                    &layout::render_app(d.app, l),
                )
            }
            Src::Other(pod, container, text) => {
                layout::wrap(&d.transport, pod, container, (*ms, None), text)
            }
        };
        log.push_str(&line);
        log.push('\n');
    }
    let truth = clusters.into_iter().map(|c| (c.id, c.sems)).collect();
    (log, truth)
}
