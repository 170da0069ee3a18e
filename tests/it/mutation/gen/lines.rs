//! Writes an incident's log from the cluster plans, and records what each
//! cluster line means (`Sem`) as it goes.

use super::dialect::{Attempt, Dialect, Place, CRN_C, TEXT_ATTEMPT, TEXT_C, TEXT_LEAD};
use super::layout::{self, Line, Transport};
use super::model::{Cat, Kind, Level, Sem};
use super::noise;
use super::wording as w;
use super::{Fate, Plan};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_pcg::Pcg64;
use serde_json::{json, Value};

const CONTAINER: &str = "armada-kp-events";
const CALLER: &str = "rotation/rotate.go:142";

enum Src {
    Own(Line),
    Other(&'static str, &'static str, String),
}

struct Ctx<'a> {
    d: &'a Dialect,
    region: &'static str,
    account: String,
    out: Vec<(i64, bool, Src)>,
}

/// When a line is written: its attempt, time, correlation id and round.
#[derive(Clone, Copy)]
struct At<'a> {
    n: usize,
    ms: i64,
    corr: Option<&'a str>,
    round: u32,
}

fn at(n: usize, ms: i64, corr: Option<&str>, round: u32) -> At<'_> {
    At { n, ms, corr, round }
}

struct Cluster {
    id: String,
    crn: String,
    secret: String,
    host: String,
    port: u16,
    sems: Vec<Sem>,
}

fn xid(rng: &mut Pcg64, digits: bool) -> String {
    const ALL: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuv";
    loop {
        let set = if digits { ALL } else { LETTERS };
        let first = *b"bc".choose(rng).unwrap() as char;
        let s: String = std::iter::once(first)
            .chain((1..20).map(|_| *set.choose(rng).unwrap() as char))
            .collect();
        if !digits || s.bytes().any(|b| b.is_ascii_digit()) {
            return s;
        }
    }
}

fn cluster_id(rng: &mut Pcg64, anchored: bool) -> String {
    match rng.gen_range(0..100) {
        0..=11 if anchored => xid(rng, false),
        12..=26 => loop {
            let s = format!("{:032x}", rng.gen::<u128>());
            if s.bytes().any(|b| b.is_ascii_digit()) {
                break s;
            }
        },
        _ => xid(rng, true),
    }
}

/// Does this cluster name itself in a field or a CRN on some line it writes?
fn anchored(d: &Dialect, p: &Plan, prev_round: bool) -> bool {
    let good = |k: Kind| matches!(d.place(k), Place::Field | Place::Crn | Place::TextCrn);
    let rotated = matches!(p.fate, Fate::Rotated { .. }) || prev_round;
    let exhausted = matches!(p.fate, Fate::Exhausted) && d.has_summary;
    (d.has_start && good(Kind::Start))
        || (!p.causes.is_empty() && good(Kind::Failed))
        || (rotated && good(Kind::Succeeded))
        || (exhausted && good(Kind::Exhausted))
}

/// The operation that failed (may be empty) and the underlying error.
fn fill_err(rng: &mut Pcg64, c: &Cluster, cat: Cat) -> (String, String) {
    let (wraps, errs) = match cat {
        Cat::Etcd => (w::ETCD_WRAP, w::ETCD_ERR),
        Cat::KubeClient => (w::KUBE_WRAP, w::KUBE_ERR),
        Cat::Wdek => (w::WDEK_WRAP, w::WDEK_ERR),
        Cat::Unclassified => (w::OTHER_WRAP, w::OTHER_ERR),
    };
    let fill = |s: &str, rng: &mut Pcg64| {
        s.replace("{id}", &c.id)
            .replace("{secret}", &c.secret)
            .replace("{host}", &c.host)
            .replace("{port}", &c.port.to_string())
            .replace("{o}", &rng.gen_range(1..250).to_string())
            .replace("{p}", &rng.gen_range(1..250).to_string())
            .replace("{q}", &rng.gen_range(1..9).to_string())
    };
    let wrap = fill(wraps.choose(rng).unwrap(), rng);
    let err = fill(errs.choose(rng).unwrap(), rng);
    (wrap, err)
}

/// Go wraps outer first: `operation: error`.
fn joined((wrap, err): &(String, String)) -> String {
    if wrap.is_empty() {
        err.clone()
    } else {
        format!("{wrap}: {err}")
    }
}

/// Messages of error lines that carry no operation of their own
/// (controller-runtime logs "Reconciler error").
const BARE_CAUSE: &[&str] = &[
    "Reconciler error",
    "unexpected error",
    "request to cluster master returned an error",
];

impl Ctx<'_> {
    fn cluster_text(&self, c: &Cluster, place: Place) -> (String, String) {
        match place {
            Place::Text => (
                TEXT_C[self.d.text_c].replace("{id}", &c.id),
                TEXT_LEAD[self.d.text_lead].replace("{id}", &c.id),
            ),
            Place::TextCrn => (
                CRN_C[self.d.crn_c].replace("{crn}", &c.crn),
                format!("{}: ", c.crn),
            ),
            _ => (String::new(), String::new()),
        }
    }

    fn fields(
        &self,
        c: &Cluster,
        place: Place,
        n: usize,
        corr: Option<&str>,
        kind: Kind,
    ) -> Vec<(String, Value)> {
        let d = self.d;
        let mut f = Vec::new();
        match place {
            Place::Field if d.nested => {
                f.push(("cluster".into(), json!({"id": c.id, "region": self.region})))
            }
            Place::Field => f.push((d.cluster_key.into(), c.id.clone().into())),
            Place::Crn => f.push((d.crn_key.into(), c.crn.clone().into())),
            _ => {}
        }
        if kind != Kind::Exhausted {
            match d.attempt {
                Attempt::Field { key, max } => {
                    f.push((key.into(), n.into()));
                    if max {
                        f.push(("max_attempts".into(), d.budget.into()));
                    }
                }
                Attempt::FieldSlash { key } => {
                    f.push((key.into(), format!("{n}/{}", d.budget).into()))
                }
                _ => {}
            }
        }
        if let Some(id) = corr {
            f.push((d.corr_key.into(), id.into()));
        }
        f
    }

    /// A lifecycle line of cluster `c`, attempt `at.n`, at `at.ms`.
    fn lifecycle(&mut self, c: &mut Cluster, kind: Kind, at: At<'_>, err: Option<(Cat, String)>) {
        let At { n, ms, corr, round } = at;
        let d = self.d;
        let place = d.place(kind);
        let (trail, lead) = self.cluster_text(c, place);
        let a = match d.attempt {
            Attempt::Text(i) => TEXT_ATTEMPT[i].0,
            _ => "",
        };
        let mut msg = d
            .template(kind)
            .replace("{c}", &trail)
            .replace("{C}", &lead)
            .replace("{a}", a)
            .replace("{n}", &n.to_string())
            .replace("{m}", &d.budget.to_string());
        let level = match kind {
            Kind::Start | Kind::Succeeded => Level::Info,
            Kind::Failed => d.fail_level,
            _ => Level::Error,
        };
        let fields = self.fields(c, place, n, corr, kind);
        let cause = err.as_ref().map(|(cat, _)| *cat);
        let err = err.map(|(_, e)| e);
        let err = match err {
            Some(e) if !d.err_field => {
                msg.push_str(&format!(": {e}"));
                None
            }
            e => e,
        };
        c.sems.push(Sem {
            kind,
            cause,
            level,
            round,
        });
        let caller = if kind == Kind::Exhausted {
            "rotation/worker.go:77"
        } else {
            CALLER
        };
        self.out.push((
            ms,
            round == 0,
            Src::Own(Line {
                ms,
                level,
                msg,
                fields,
                err,
                caller,
            }),
        ));
    }

    /// An error line inside an attempt.
    fn cause(
        &mut self,
        c: &mut Cluster,
        cat: Cat,
        e: &(String, String),
        n: usize,
        ms: i64,
        corr: Option<&str>,
    ) {
        let d = self.d;
        let place = d.place(Kind::Cause);
        let (trail, _) = self.cluster_text(c, place);
        let op = if e.0.is_empty() {
            BARE_CAUSE[n % BARE_CAUSE.len()]
        } else {
            &e.0
        };
        let mut msg = format!("{op}{trail}");
        let fields = self.fields(c, place, n, corr, Kind::Cause);
        let err = if d.err_field {
            Some(e.1.clone())
        } else {
            msg.push_str(&format!(": {}", e.1));
            None
        };
        c.sems.push(Sem {
            kind: Kind::Cause,
            cause: Some(cat),
            level: Level::Error,
            round: 1,
        });
        let line = Line {
            ms,
            level: Level::Error,
            msg,
            fields,
            err,
            caller: "rotation/secret.go:64",
        };
        self.out.push((ms, false, Src::Own(line)));
    }
}

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
        Transport::Stern { .. } | Transport::KubectlPrefix { .. }
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
                    *ms,
                    &layout::render_app(d.app, l),
                )
            }
            Src::Other(pod, container, text) => {
                layout::wrap(&d.transport, pod, container, *ms, text)
            }
        };
        log.push_str(&line);
        log.push('\n');
    }
    let truth = clusters.into_iter().map(|c| (c.id, c.sems)).collect();
    (log, truth)
}
