//! One incident's way of writing: a service is consistent with itself, so
//! the layout, field names, wording and placements are chosen once per
//! incident and vary between incidents.

use super::layout::{App, Transport};
use super::model::{Kind, Level};
use super::wording as w;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_pcg::Pcg64;

/// Where a line names its cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Field,
    Crn,
    Text,
    TextCrn,
    /// Only a correlation id, seen with the cluster on other lines.
    Corr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    None,
    /// `attempt=2`, plus `max_attempts=5` when `max`.
    Field {
        key: &'static str,
        max: bool,
    },
    /// `"attempt":"2/5"`.
    FieldSlash {
        key: &'static str,
    },
    /// One of `TEXT_ATTEMPT`.
    Text(usize),
}

/// `{a}` forms, and whether each states the budget.
pub const TEXT_ATTEMPT: &[(&str, bool)] = &[
    (" (attempt {n}/{m})", true),
    (", attempt {n} of {m}", true),
    (" [retry {n}/{m}]", true),
    (" (try #{n})", false),
    (" attempt={n}", false),
];

/// `{c}` forms (trailing) and `{C}` forms (leading), per placement.
pub const TEXT_C: &[&str] = &[
    " for cluster {id}",
    " on cluster {id}",
    " (cluster {id})",
    " for {id}",
    " clusterID={id}",
];
pub const TEXT_LEAD: &[&str] = &["cluster {id}: ", "[{id}] ", "{id}: "];
pub const CRN_C: &[&str] = &[
    " for resource {crn}",
    " ({crn})",
    // percent-encoded in a URL's query string
    " (GET /api/v2/keys?crn={crn%})",
];

#[derive(Clone, Debug)]
pub struct Dialect {
    pub app: App,
    pub transport: Transport,
    pub pod: String,
    pub old_pod: String,
    pub other_pods: bool,
    pub cluster_key: &'static str,
    pub nested: bool,
    pub crn_key: &'static str,
    pub corr_key: &'static str,
    /// Per kind: Start, Cause, Failed, Succeeded, Exhausted.
    pub place: [Place; 5],
    pub text_c: usize,
    pub text_lead: usize,
    pub crn_c: usize,
    pub attempt: Attempt,
    pub words: [usize; 5],
    pub detected: usize,
    pub has_detected: bool,
    pub has_start: bool,
    pub has_summary: bool,
    pub cause_on_fail: bool,
    pub err_field: bool,
    pub fail_level: Level,
    pub budget: usize,
    pub backoff_ms: i64,
    /// Outcomes said by a boolean field under a neutral message.
    pub flags: bool,
}

pub fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Start => 0,
        Kind::Cause => 1,
        Kind::Failed => 2,
        Kind::Succeeded => 3,
        Kind::Exhausted => 4,
    }
}

impl Dialect {
    pub fn place(&self, kind: Kind) -> Place {
        self.place[slot(kind)]
    }

    /// The budget the log states, if it states one.
    pub fn stated_budget(&self) -> Option<usize> {
        match self.attempt {
            Attempt::FieldSlash { .. } | Attempt::Field { max: true, .. } => Some(self.budget),
            Attempt::Text(i) if TEXT_ATTEMPT[i].1 => Some(self.budget),
            _ => None,
        }
    }

    pub fn template(&self, kind: Kind) -> &'static str {
        let bank = match kind {
            Kind::Start => w::START,
            Kind::Failed => w::FAILED,
            Kind::Succeeded => w::SUCCEEDED,
            Kind::Exhausted => w::EXHAUSTED,
            Kind::Cause => return "",
        };
        bank[self.words[slot(kind)] % bank.len()]
    }
}

fn pod_name(rng: &mut Pcg64) -> String {
    const RS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let pick = |rng: &mut Pcg64, n: usize| -> String {
        (0..n).map(|_| *RS.choose(rng).unwrap() as char).collect()
    };
    match rng.gen_range(0..10) {
        0..=5 => format!("armada-kp-events-{}-{}", pick(rng, 9), pick(rng, 5)),
        6 | 7 => format!("armada-kp-events-{}", rng.gen_range(0..3)),
        8 => format!("armada-kp-events-canary-{}", pick(rng, 5)),
        _ => format!("armada-kp-events-{}-{}", pick(rng, 10), pick(rng, 5)),
    }
}

fn app(rng: &mut Pcg64) -> App {
    match rng.gen_range(0..9) {
        6 => App::Hclog,
        7 => App::LogrusTty,
        8 => App::Logfmt,
        0 => App::ZapJson {
            iso: rng.gen_bool(0.4),
        },
        1 => App::ZapConsole {
            spaces: rng.gen_bool(0.4),
        },
        2 => App::Klog,
        3 => App::KlogStructured,
        4 => App::LogrusText,
        _ => App::LogrusJson,
    }
}

fn transport(rng: &mut Pcg64) -> Transport {
    match rng.gen_range(0..14) {
        10 | 11 => Transport::Loki {
            jsonl: rng.gen_bool(0.5),
        },
        12 | 13 => Transport::CloudLogs {
            live_tail: rng.gen_bool(0.5),
        },
        0..=2 => Transport::Bare,
        3..=5 => Transport::KubectlTs,
        6 => Transport::KubectlPrefix {
            ts: rng.gen_bool(0.5),
        },
        _ => Transport::Stern {
            color: rng.gen_bool(0.6),
            ts: rng.gen_bool(0.4),
        },
    }
}

fn place(rng: &mut Pcg64, app: App, kind: Kind) -> Place {
    let p = match rng.gen_range(0..100) {
        0..=39 => Place::Field,
        40..=49 => Place::Crn,
        50..=84 => Place::Text,
        _ => Place::TextCrn,
    };
    let p = if kind == Kind::Cause && app.has_fields() && rng.gen_bool(0.15) {
        Place::Corr
    } else {
        p
    };
    match (app.has_fields(), p) {
        (false, Place::Field) => Place::Text,
        (false, Place::Crn) => Place::TextCrn,
        (_, p) => p,
    }
}

pub fn choose(rng: &mut Pcg64) -> Dialect {
    let app = app(rng);
    let transport = transport(rng);
    let has_summary = rng.gen_bool(0.8);
    let attempt = loop {
        let a = match rng.gen_range(0..6) {
            0 => Attempt::None,
            1 => Attempt::Field {
                key: ["attempt", "retry", "try", "attemptNumber"]
                    .choose(rng)
                    .unwrap(),
                max: rng.gen_bool(0.4),
            },
            2 => Attempt::FieldSlash {
                key: ["attempt", "retry"].choose(rng).unwrap(),
            },
            _ => Attempt::Text(rng.gen_range(0..TEXT_ATTEMPT.len())),
        };
        let a = match (app.has_fields(), a) {
            (false, Attempt::Field { .. } | Attempt::FieldSlash { .. }) => {
                Attempt::Text(rng.gen_range(0..3))
            }
            (_, a) => a,
        };
        let states_budget = match a {
            Attempt::FieldSlash { .. } | Attempt::Field { max: true, .. } => true,
            Attempt::Text(i) => TEXT_ATTEMPT[i].1,
            _ => false,
        };
        // Without summary lines, exhaustion is known only from a stated budget.
        if has_summary || states_budget {
            break a;
        }
    };
    let kinds = [
        Kind::Start,
        Kind::Cause,
        Kind::Failed,
        Kind::Succeeded,
        Kind::Exhausted,
    ];
    let mut d = Dialect {
        app,
        transport,
        pod: pod_name(rng),
        old_pod: pod_name(rng),
        other_pods: rng.gen_bool(0.5),
        cluster_key: [
            "clusterID",
            "cluster_id",
            "ClusterId",
            "clusterId",
            "cluster",
            "ClusterID",
            "cluster-id",
        ]
        .choose(rng)
        .unwrap(),
        nested: app.json_fields() && rng.gen_bool(0.2),
        crn_key: ["crn", "CRN", "resource_crn", "resourceCRN"]
            .choose(rng)
            .unwrap(),
        corr_key: [
            "request_id",
            "requestID",
            "CorrID",
            "correlation_id",
            "trace_id",
            "X-Request-ID",
            "req_id",
            "rid",
            "opid",
            "reqID",
            "trace",
            "span_id",
        ]
        .choose(rng)
        .unwrap(),
        place: kinds.map(|k| place(rng, app, k)),
        text_c: rng.gen_range(0..TEXT_C.len()),
        text_lead: rng.gen_range(0..TEXT_LEAD.len()),
        crn_c: rng.gen_range(0..CRN_C.len()),
        attempt,
        words: [0; 5].map(|_| rng.gen_range(0..64)),
        detected: rng.gen_range(0..w::DETECTED.len()),
        has_detected: rng.gen_bool(0.6),
        has_start: rng.gen_bool(0.65),
        has_summary,
        cause_on_fail: rng.gen_bool(0.4),
        err_field: app != App::Klog && rng.gen_bool(0.7),
        fail_level: if rng.gen_bool(0.6) {
            Level::Error
        } else {
            Level::Warn
        },
        budget: rng.gen_range(3..=6),
        backoff_ms: rng.gen_range(5..60) * 1000,
        flags: app.has_fields() && rng.gen_bool(0.12),
    };
    // With no summary line, a last failure that promises a retry would
    // contradict the budget it exhausts.
    while !d.has_summary && d.template(Kind::Failed).contains("retry") {
        d.words[slot(Kind::Failed)] += 1;
    }
    d
}
