//! One line of a cluster, as the dialect writes it, recording what it
//! means (`Sem`) as it goes.

use super::dialect::{slot, Attempt, Dialect, Place, CRN_C, TEXT_ATTEMPT, TEXT_C, TEXT_LEAD};
use super::layout::Line;
use super::model::{Cat, Kind, Level, Sem};
use super::wording as w;
use super::{Fate, Plan};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_pcg::Pcg64;
use serde_json::{json, Value};

pub(super) const CONTAINER: &str = "armada-kp-events";
const CALLER: &str = "rotation/rotate.go:142";

pub(super) enum Src {
    Own(Line),
    Other(&'static str, &'static str, String),
}

pub(super) struct Ctx<'a> {
    pub(super) d: &'a Dialect,
    pub(super) region: &'static str,
    pub(super) account: String,
    pub(super) out: Vec<(i64, bool, Src)>,
}

/// When a line is written: its attempt, time, correlation id and round.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) n: usize,
    pub(super) ms: i64,
    pub(super) corr: Option<&'a str>,
    pub(super) round: u32,
}

pub(super) fn at(n: usize, ms: i64, corr: Option<&str>, round: u32) -> At<'_> {
    At { n, ms, corr, round }
}

pub(super) struct Cluster {
    pub(super) id: String,
    pub(super) crn: String,
    pub(super) secret: String,
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) sems: Vec<Sem>,
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

pub(super) fn cluster_id(rng: &mut Pcg64, anchored: bool) -> String {
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
pub(super) fn anchored(d: &Dialect, p: &Plan, prev_round: bool) -> bool {
    let good = |k: Kind| matches!(d.place(k), Place::Field | Place::Crn | Place::TextCrn);
    let rotated = matches!(p.fate, Fate::Rotated { .. }) || prev_round;
    let exhausted = matches!(p.fate, Fate::Exhausted) && d.has_summary;
    (d.has_start && good(Kind::Start))
        || (!p.causes.is_empty() && good(Kind::Failed))
        || (rotated && good(Kind::Succeeded))
        || (exhausted && good(Kind::Exhausted))
}

/// The operation that failed (may be empty) and the underlying error.
pub(super) fn fill_err(rng: &mut Pcg64, c: &Cluster, cat: Cat) -> (String, String) {
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
pub(super) fn joined((wrap, err): &(String, String)) -> String {
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
                CRN_C[self.d.crn_c]
                    .replace("{crn}", &c.crn)
                    .replace("{crn%}", &c.crn.replace(':', "%3A").replace('/', "%2F")),
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
    pub(super) fn lifecycle(
        &mut self,
        c: &mut Cluster,
        kind: Kind,
        at: At<'_>,
        err: Option<(Cat, String)>,
    ) {
        let At { n, ms, corr, round } = at;
        let d = self.d;
        let place = d.place(kind);
        let (trail, lead) = self.cluster_text(c, place);
        let a = match d.attempt {
            Attempt::Text(i) => TEXT_ATTEMPT[i].0,
            _ => "",
        };
        let flag = self.flag(kind);
        let template = match flag {
            Some(_) => w::FLAG_MSG[d.words[0] % w::FLAG_MSG.len()],
            None => d.template(kind),
        };
        let a = if flag.is_some() && kind == Kind::Exhausted {
            ""
        } else {
            a
        };
        let mut msg = template
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
        let mut fields = self.fields(c, place, n, corr, kind);
        if let Some((key, value)) = flag {
            fields.push((key.into(), value.into()));
        }
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

    /// The boolean field that says the outcome, in a dialect that says it so.
    fn flag(&self, kind: Kind) -> Option<(&'static str, bool)> {
        let bank = match kind {
            _ if !self.d.flags => return None,
            Kind::Succeeded => w::FLAG_SUCCEEDED,
            Kind::Failed => w::FLAG_FAILED,
            Kind::Exhausted => w::FLAG_EXHAUSTED,
            _ => return None,
        };
        Some(bank[self.d.words[slot(kind)] % bank.len()])
    }

    /// An error line inside an attempt.
    pub(super) fn cause(
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
