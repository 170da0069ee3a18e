//! kp_gen: a reproducible generator of large armada-kp-events logs, for benchmarks.
//!
//! ```sh
//! cargo run --release --example kp_gen -- --format kubectl-zap --size 100MB -o big.log
//! cargo run --release --example kp_gen -- --format logdna --size 1GiB --gzip -o export.jsonl.gz
//! ```
//!
//! Output is a pure function of the arguments: the same arguments give the same bytes
//! (one `rand_pcg::Pcg64` seeded from `--seed`, no clock, no hash-order iteration).
//!
//! About 1% of records belong to service IAM API key rotations over a pool of `--clusters`
//! clusters, using the fixtures' vocabulary (fixtures/render.py); the rest is service noise
//! (probes, metrics scrapes, leader election, Key Protect polling, informer resyncs, and
//! ordinary errors that are not rotation failures). Log time starts at 2026-11-20T00:00:00Z and
//! advances about 2,000 records per second.

use clap::{Parser, ValueEnum};
use flate2::write::GzEncoder;
use flate2::Compression;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// 2026-11-20T00:00:00Z.
const START_EPOCH: u64 = 1_795_132_800;
const NS: u64 = 1_000_000_000;
/// Expected records per cluster per rotation round (see `Rotations::plan`), used only to size
/// the rotation share for `--cover-clusters`.
const RECORDS_PER_CLUSTER: f64 = 3.4;
/// LogDNA exports are written newest first, through chunks of this size on disk.
const REVERSE_CHUNK: usize = 64 << 20;

#[derive(Parser, Debug)]
#[command(
    name = "kp_gen",
    about = "Generate large, reproducible armada-kp-events logs for benchmarks"
)]
struct Args {
    /// Output shape.
    #[arg(long, value_enum)]
    format: Fmt,
    /// Uncompressed size to write: `100MB`, `1GiB`, `512KiB`, `1000000` (bytes). Decimal units
    /// (KB, MB, GB) are powers of 1000, binary ones (KiB, MiB, GiB) powers of 1024. Writing stops
    /// after the record that reaches the size, so the file ends on a whole line.
    #[arg(long, value_parser = parse_size)]
    size: u64,
    /// Size of the cluster pool that rotations are drawn from.
    #[arg(long, default_value_t = 2000)]
    clusters: usize,
    /// Seed of the Pcg64 generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Compress the output with gzip (fast level).
    #[arg(long)]
    gzip: bool,
    /// Share of records that belong to rotations, in percent.
    #[arg(long, default_value_t = 1.0)]
    rotation_percent: f64,
    /// Raise the rotation share if needed so that every cluster of the pool rotates at least
    /// once (for cluster-count scaling runs; 100,000 clusters do not fit in 1% of 100 MB).
    #[arg(long)]
    cover_clusters: bool,
    /// Also write each cluster's expected final status (tab-separated: cluster, status): its
    /// latest outcome (rotated; retrying after a failure in an attempt; exhausted) or unknown.
    #[arg(long, value_name = "PATH")]
    truth: Option<PathBuf>,
    /// Output file (written as PATH.tmp, then renamed).
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Fmt {
    /// kubectl --timestamps + zap JSON.
    KubectlZap,
    /// kubectl --timestamps + klog structured, with Go stacks as continuation lines.
    Klog,
    /// LogDNA v1 export JSON Lines (newest first, ~5% other apps).
    Logdna,
}

impl Fmt {
    fn name(self) -> &'static str {
        match self {
            Fmt::KubectlZap => "kubectl-zap",
            Fmt::Klog => "klog",
            Fmt::Logdna => "logdna",
        }
    }
}

fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("bad size {s:?}: expected a number and a unit, like 100MB"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "bad size unit {other:?} (use B, KB, MB, GB, KiB, MiB, GiB)"
            ))
        }
    };
    let bytes = (n * mult).round();
    if bytes < 1.0 {
        return Err(format!("size {s:?} is zero"));
    }
    Ok(bytes as u64)
}

// --- records ----------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lvl {
    Debug,
    Info,
    Warn,
    Error,
}

impl Lvl {
    fn zap(self) -> &'static str {
        match self {
            Lvl::Debug => "debug",
            Lvl::Info => "info",
            Lvl::Warn => "warn",
            Lvl::Error => "error",
        }
    }

    /// klog has no debug letter: V-levels print as I.
    fn klog(self) -> char {
        match self {
            Lvl::Debug | Lvl::Info => 'I',
            Lvl::Warn => 'W',
            Lvl::Error => 'E',
        }
    }
}

enum Val {
    S(String),
    St(&'static str),
    I(i64),
    /// A float with this many decimals.
    F(f64, usize),
}

/// One log record, before it is rendered in a format.
struct Entry {
    /// Index into `Gen::pods`: 0 is armada-kp-events, others are other apps (LogDNA only).
    pod: usize,
    t_ns: u64,
    level: Lvl,
    logger: &'static str,
    caller: &'static str,
    msg: String,
    fields: Vec<(&'static str, Val)>,
    error: Option<String>,
    /// Go stack frames: `errorVerbose`/`stacktrace` in JSON, continuation lines in klog.
    stack: Option<&'static [&'static str]>,
    rotation: bool,
}

impl Entry {
    fn new(
        level: Lvl,
        logger: &'static str,
        caller: &'static str,
        msg: impl Into<String>,
    ) -> Entry {
        Entry {
            pod: 0,
            t_ns: 0,
            level,
            logger,
            caller,
            msg: msg.into(),
            fields: Vec::new(),
            error: None,
            stack: None,
            rotation: false,
        }
    }

    fn f(mut self, k: &'static str, v: Val) -> Entry {
        self.fields.push((k, v));
        self
    }

    fn err(mut self, e: impl Into<String>) -> Entry {
        self.error = Some(e.into());
        self
    }
}

// The frames pkg/errors' %+v and zap's stacktrace print (the fixtures' STACK, plus variants).
const STACK_ROTATE: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).rotateCluster",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:142",
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).Run",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:77",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];
const STACK_KUBECLIENT: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).clientFor",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/kubeclient.go:37",
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).rotateCluster",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:121",
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).Run",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:77",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];
const STACK_STORE: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/store.(*Store).ClusterRecord",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/store/cluster.go:73",
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).rotateCluster",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:109",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];
const STACK_METRICS: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/metrics.(*Publisher).push",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/metrics/publish.go:97",
    "github.ibm.com/alchemy-containers/armada-kp-events/metrics.(*Publisher).Run",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/metrics/publish.go:61",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];
const STACK_WATCH: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/watcher.(*Watcher).poll",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/watcher/watch.go:102",
    "github.ibm.com/alchemy-containers/armada-kp-events/watcher.(*Watcher).Run.func1",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/watcher/watch.go:55",
    "k8s.io/apimachinery/pkg/util/wait.BackoffUntil.func1",
    "\t/go/pkg/mod/k8s.io/apimachinery@v0.29.3/pkg/util/wait/backoff.go:226",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];

const KEY_CONFLICT: &str = "Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again";
const REGIONS: &[&str] = &["us-south", "us-east", "eu-de", "eu-gb", "jp-tok", "au-syd"];
const K8S_SUFFIX: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
const XID: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
const HEX: &[u8] = b"0123456789abcdef";

// --- rotations --------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Cause {
    Wdek,
    KubeClient,
    Etcd,
    Other,
}

enum Step {
    Start {
        attempt: u32,
        corr: String,
    },
    Failure {
        attempt: u32,
        corr: String,
        cause: Cause,
        error: String,
        with_cluster: bool,
    },
    AttemptFailed {
        attempt: u32,
        corr: String,
        error: Option<String>,
        stack: Option<&'static [&'static str]>,
        with_cluster: bool,
    },
    Success {
        corr: String,
    },
    GaveUp {
        attempts: u32,
        with_field: bool,
    },
}

struct Job {
    cluster: usize,
    steps: Vec<Step>,
    next: usize,
}

/// Rotation rounds over the cluster pool: each round (a new service key was detected) rotates
/// every cluster once, `concurrency` clusters at a time, their lines interleaved.
struct Rotations {
    clusters: Vec<String>,
    queue: Vec<usize>,
    active: Vec<Job>,
    concurrency: usize,
    rounds: u64,
    touched: Vec<bool>,
    touched_count: usize,
    /// The latest outcome per cluster, for `--truth`.
    outcome: Vec<&'static str>,
}

// --- the generator ----------------------------------------------------------------------------

struct Pod {
    app: &'static str,
    name: String,
    template_hash: String,
    container_id: String,
    node: String,
    node_ip: String,
}

struct Gen {
    rng: Pcg64,
    fmt: Fmt,
    t_ns: u64,
    kubelet_ns: u64,
    share: f64,
    account: String,
    logdna_account: String,
    pods: Vec<Pod>,
    kp_instances: Vec<String>,
    rot: Rotations,
    ts_cache: TsCache,
}

#[derive(Default)]
struct Stats {
    records: u64,
    lines: u64,
    bytes: u64,
    rotation_records: u64,
    rotation_lines: u64,
    other_app_lines: u64,
    continuation_lines: u64,
}

fn rand_str(rng: &mut Pcg64, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

impl Gen {
    fn new(fmt: Fmt, seed: u64, clusters: usize, share: f64) -> Gen {
        let mut rng = Pcg64::seed_from_u64(seed);
        // Cluster ids: 20 characters of the xid alphabet (what IKS ids are), with a digit.
        let mut seen = HashSet::with_capacity(clusters);
        let mut ids = Vec::with_capacity(clusters);
        while ids.len() < clusters {
            let id = rand_str(&mut rng, XID, 20);
            if id.bytes().any(|b| b.is_ascii_digit()) && seen.insert(id.clone()) {
                ids.push(id);
            }
        }
        let account = rand_str(&mut rng, HEX, 32);
        let logdna_account = rand_str(&mut rng, HEX, 10);
        let mut pods = Vec::new();
        for (app, n) in [
            ("armada-kp-events", 1),
            ("armada-api", 3),
            ("armada-deploy", 2),
        ] {
            for _ in 0..n {
                let hash = rand_str(&mut rng, K8S_SUFFIX, 9);
                let suffix = rand_str(&mut rng, K8S_SUFFIX, 5);
                let node_hex = rand_str(&mut rng, HEX, 32);
                let ip = format!(
                    "10.{}.{}.{}",
                    rng.gen_range(64..128),
                    rng.gen_range(0..256),
                    rng.gen_range(2..255)
                );
                pods.push(Pod {
                    app,
                    name: format!("{app}-{hash}-{suffix}"),
                    template_hash: hash,
                    container_id: rand_str(&mut rng, HEX, 64),
                    node: format!("kube-dal12-cr{node_hex}-w{}\n", rng.gen_range(1..9)),
                    node_ip: ip,
                });
            }
        }
        let kp_instances = (0..3).map(|_| uuid(&mut rng)).collect();
        let concurrency = clusters.clamp(1, 32);
        Gen {
            rng,
            fmt,
            t_ns: START_EPOCH * NS,
            kubelet_ns: 0,
            share,
            account,
            logdna_account,
            pods,
            kp_instances,
            rot: Rotations {
                touched: vec![false; clusters],
                clusters: ids,
                queue: Vec::new(),
                active: Vec::new(),
                concurrency,
                rounds: 0,
                touched_count: 0,
                outcome: vec!["unknown"; clusters],
            },
            ts_cache: TsCache::default(),
        }
    }

    /// The next record: a rotation line, another app's line (LogDNA), or service noise.
    fn next_entry(&mut self) -> Entry {
        self.t_ns += self.rng.gen_range(0..1_000_000);
        let r: f64 = self.rng.gen();
        let mut e = if r < self.share && !self.rot.clusters.is_empty() {
            let mut e = self.rotation();
            e.rotation = true;
            e
        } else if self.fmt == Fmt::Logdna && r < self.share + 0.05 {
            self.other_app()
        } else {
            self.noise()
        };
        e.t_ns = self.t_ns;
        e
    }

    // --- rotation lines ---

    fn rotation(&mut self) -> Entry {
        if self.rot.active.is_empty() && self.rot.queue.is_empty() {
            self.rot.rounds += 1;
            self.rot.queue = (0..self.rot.clusters.len()).rev().collect();
            self.rot.queue.shuffle(&mut self.rng);
            let key = uuid(&mut self.rng);
            return Entry::new(
                Lvl::Info,
                "kp-events.watcher",
                "watcher/watch.go:63",
                "Detected new service IAM API key; rotating it on all managed clusters",
            )
            .f("keyID", Val::S(key))
            .f("clusters", Val::I(self.rot.clusters.len() as i64));
        }
        while self.rot.active.len() < self.rot.concurrency {
            let Some(c) = self.rot.queue.pop() else { break };
            let steps = self.plan(c);
            self.rot.active.push(Job {
                cluster: c,
                steps,
                next: 0,
            });
        }
        let j = self.rng.gen_range(0..self.rot.active.len());
        let job = &mut self.rot.active[j];
        let cluster = job.cluster;
        let step = std::mem::replace(
            &mut job.steps[job.next],
            Step::GaveUp {
                attempts: 0,
                with_field: false,
            },
        );
        job.next += 1;
        if job.next == job.steps.len() {
            self.rot.active.swap_remove(j);
        }
        self.render_step(cluster, step)
    }

    /// One cluster's rotation in this round: how it ends, and what fails on the way.
    fn plan(&mut self, c: usize) -> Vec<Step> {
        enum End {
            Success,
            GaveUp,
            Retrying { restart: bool },
        }
        let rng = &mut self.rng;
        let r: f64 = rng.gen();
        let (failures, end) = if r < 0.74 {
            (0, End::Success)
        } else if r < 0.88 {
            (rng.gen_range(1..=2), End::Success)
        } else if r < 0.95 {
            (3, End::GaveUp)
        } else {
            (
                rng.gen_range(1..=2),
                End::Retrying {
                    restart: rng.gen_bool(0.5),
                },
            )
        };
        // A cluster's failure tends to persist across its attempts.
        let cause = match rng.gen_range(0..100) {
            0..=44 => Cause::Wdek,
            45..=74 => Cause::KubeClient,
            75..=81 => Cause::Etcd,
            _ => Cause::Other,
        };
        let mut steps = Vec::new();
        for attempt in 1..=failures {
            let corr = uuid(&mut self.rng);
            steps.push(Step::Start {
                attempt,
                corr: corr.clone(),
            });
            let error = self.cause_error(cause, c);
            // Some failure lines carry only the CorrID the start line paired with the cluster.
            let with_cluster = !self.rng.gen_bool(0.2);
            let wrap = match cause {
                Cause::Wdek => "failed to update WDEK secret",
                Cause::KubeClient => "failed to create kubernetes client",
                Cause::Etcd => "failed to read cluster record",
                Cause::Other => "error completing request",
            };
            let attempt_error = if self.rng.gen_bool(0.15) {
                None
            } else if error.is_empty() {
                Some(format!(
                    "{wrap}: the cluster is busy with another KMS action"
                ))
            } else {
                Some(format!("{wrap}: {error}"))
            };
            let stack =
                (attempt_error.is_some() && self.rng.gen_bool(0.3)).then_some(match cause {
                    Cause::KubeClient => STACK_KUBECLIENT,
                    Cause::Etcd => STACK_STORE,
                    Cause::Wdek | Cause::Other => STACK_ROTATE,
                });
            steps.push(Step::Failure {
                attempt,
                corr: corr.clone(),
                cause,
                error,
                with_cluster,
            });
            steps.push(Step::AttemptFailed {
                attempt,
                corr,
                error: attempt_error,
                stack,
                with_cluster: with_cluster || self.rng.gen_bool(0.5),
            });
        }
        match end {
            End::Success => {
                let corr = uuid(&mut self.rng);
                steps.push(Step::Start {
                    attempt: failures + 1,
                    corr: corr.clone(),
                });
                steps.push(Step::Success { corr });
            }
            End::GaveUp => steps.push(Step::GaveUp {
                attempts: failures,
                with_field: self.rng.gen_bool(0.5),
            }),
            End::Retrying { restart } => {
                if restart {
                    steps.push(Step::Start {
                        attempt: failures + 1,
                        corr: uuid(&mut self.rng),
                    });
                }
            }
        }
        steps
    }

    fn cause_error(&mut self, cause: Cause, c: usize) -> String {
        let rng = &mut self.rng;
        match cause {
            Cause::Wdek => KEY_CONFLICT.to_string(),
            Cause::KubeClient => {
                let master = format!(
                    "c{}.{}.containers.cloud.ibm.com",
                    rng.gen_range(100..140),
                    REGIONS[c % REGIONS.len()]
                );
                let port = rng.gen_range(30000..32768);
                match rng.gen_range(0..4) {
                    0 => format!(
                        "Get \"https://{master}:{port}/version\": x509: certificate signed by unknown authority"
                    ),
                    1 => format!(
                        "Get \"https://{master}:{port}/version\": x509: certificate has expired or is not yet valid: current time 2026-11-20T{:02}:{:02}:{:02}Z is after 2026-11-19T23:59:59Z",
                        rng.gen_range(0..24),
                        rng.gen_range(0..60),
                        rng.gen_range(0..60)
                    ),
                    2 => format!(
                        "Get \"https://{master}:{port}/version\": dial tcp 10.{}.{}.{}:{port}: i/o timeout",
                        rng.gen_range(0..256),
                        rng.gen_range(0..256),
                        rng.gen_range(2..255)
                    ),
                    _ => format!(
                        "dial tcp 10.{}.{}.{}:{port}: connect: connection refused",
                        rng.gen_range(0..256),
                        rng.gen_range(0..256),
                        rng.gen_range(2..255)
                    ),
                }
            }
            Cause::Etcd => "etcdserver: request timed out".to_string(),
            // The KMS-busy message carries no error field.
            Cause::Other => String::new(),
        }
    }

    fn render_step(&mut self, c: usize, step: Step) -> Entry {
        if !std::mem::replace(&mut self.rot.touched[c], true) {
            self.rot.touched_count += 1;
        }
        // A failure inside an attempt already makes the cluster retrying.
        match step {
            Step::Success { .. } => self.rot.outcome[c] = "rotated",
            Step::Failure { .. } | Step::AttemptFailed { .. } => self.rot.outcome[c] = "retrying",
            Step::GaveUp { .. } => self.rot.outcome[c] = "exhausted",
            Step::Start { .. } => {}
        }
        let cluster = self.rot.clusters[c].clone();
        let ids = |e: Entry, cluster: Option<String>, corr: String, attempt: Option<u32>| {
            let mut e = e;
            if let Some(cl) = cluster {
                e = e.f("clusterID", Val::S(cl));
            }
            e = e.f("CorrID", Val::S(corr));
            if let Some(a) = attempt {
                e = e.f("attempt", Val::I(i64::from(a)));
            }
            e
        };
        match step {
            Step::Start { attempt, corr } => ids(
                Entry::new(
                    Lvl::Info,
                    "kp-events.rotation",
                    "rotation/rotate.go:98",
                    "Starting rotation of service iam-api-key",
                ),
                Some(cluster),
                corr,
                Some(attempt),
            ),
            Step::Failure {
                attempt,
                corr,
                cause,
                error,
                with_cluster,
            } => {
                let (msg, caller) = match cause {
                    Cause::Wdek => ("Failed to update WDEK Secret", "rotation/wdek.go:61"),
                    Cause::KubeClient => (
                        "failed to create kubernetes client",
                        "rotation/kubeclient.go:37",
                    ),
                    Cause::Etcd => ("failed to read cluster record", "store/cluster.go:73"),
                    Cause::Other => (
                        "error completing request, the cluster is busy with another KMS action",
                        "rotation/kms.go:88",
                    ),
                };
                let mut e = ids(
                    Entry::new(Lvl::Error, "kp-events.rotation", caller, msg),
                    with_cluster.then_some(cluster),
                    corr,
                    Some(attempt),
                );
                if !error.is_empty() {
                    e = e.err(error);
                }
                e
            }
            Step::AttemptFailed {
                attempt,
                corr,
                error,
                stack,
                with_cluster,
            } => {
                let msg = if self.rng.gen_bool(0.1) {
                    "rotation attempt failed"
                } else {
                    "Rotation attempt failed"
                };
                let mut e = ids(
                    Entry::new(
                        Lvl::Error,
                        "kp-events.rotation",
                        "rotation/rotate.go:142",
                        msg,
                    ),
                    with_cluster.then_some(cluster),
                    corr,
                    Some(attempt),
                );
                e.error = error;
                e.stack = stack;
                e
            }
            Step::Success { corr } => {
                let msg = if self.rng.gen_bool(0.1) {
                    "Rotated service api key successfully"
                } else {
                    "Successfully rotated service IAM API key"
                };
                let ms = self.rng.gen_range(200.0..4000.0);
                ids(
                    Entry::new(
                        Lvl::Info,
                        "kp-events.rotation",
                        "rotation/rotate.go:151",
                        msg,
                    ),
                    Some(cluster),
                    corr,
                    None,
                )
                .f("durationMs", Val::F(ms, 1))
            }
            Step::GaveUp {
                attempts,
                with_field,
            } => {
                let msg = format!(
                    "Failure to rotate the service iam-api-key for resource crn:v1:bluemix:public:containers-kubernetes:{}:a/{}:{}:: after {attempts} attempts; giving up",
                    REGIONS[c % REGIONS.len()],
                    self.account,
                    cluster
                );
                let e = Entry::new(
                    Lvl::Error,
                    "kp-events.rotation",
                    "rotation/rotate.go:118",
                    msg,
                );
                if with_field {
                    e.f("clusterID", Val::S(cluster))
                } else {
                    e
                }
            }
        }
    }

    // --- noise ---

    /// An address in the network `prefix` (one or two leading octets).
    fn ip(&mut self, prefix: &str) -> String {
        let mut s = prefix.to_string();
        for i in prefix.split('.').count()..4 {
            let o = if i == 3 {
                self.rng.gen_range(2..255)
            } else {
                self.rng.gen_range(0..256)
            };
            let _ = write!(s, ".{o}");
        }
        s
    }

    fn addr(&mut self, first: &str) -> String {
        let ip = self.ip(first);
        format!("{ip}:{}", self.rng.gen_range(32768..61000))
    }

    fn ms(&mut self, lo: f64, hi: f64) -> Val {
        // Log-uniform: most requests are quick, a few are slow.
        let x = (self.rng.gen_range(lo.ln()..hi.ln())).exp();
        Val::F(x, 3)
    }

    fn kp_instance(&mut self) -> String {
        self.kp_instances[self.rng.gen_range(0..self.kp_instances.len())].clone()
    }

    fn noise(&mut self) -> Entry {
        let pick = self.rng.gen_range(0..1000);
        match pick {
            0..=269 => {
                let path = ["/healthz", "/readyz", "/livez"][self.rng.gen_range(0..3)];
                let dur = self.ms(0.02, 3.0);
                let remote = self.addr("10");
                Entry::new(
                    Lvl::Info,
                    "kp-events.http",
                    "server/http.go:87",
                    "Handled request",
                )
                .f("method", Val::St("GET"))
                .f("path", Val::St(path))
                .f("status", Val::I(200))
                .f("durationMs", dur)
                .f("remoteAddr", Val::S(remote))
                .f("userAgent", Val::St("kube-probe/1.29"))
                .f("bytes", Val::I(self.rng.gen_range(2..17)))
            }
            270..=379 => {
                let dur = self.ms(0.8, 60.0);
                let remote = self.addr("172.30");
                let bytes = self.rng.gen_range(9_000..48_000);
                let mut e = Entry::new(
                    Lvl::Info,
                    "kp-events.http",
                    "server/http.go:87",
                    "Handled request",
                )
                .f("method", Val::St("GET"))
                .f("path", Val::St("/metrics"))
                .f("status", Val::I(200))
                .f("durationMs", dur)
                .f("remoteAddr", Val::S(remote))
                .f("userAgent", Val::St("Prometheus/2.48.1"))
                .f("bytes", Val::I(bytes));
                if self.rng.gen_bool(0.5) {
                    e = e.f("contentEncoding", Val::St("gzip"));
                }
                e
            }
            380..=419 => {
                let inst = self.kp_instance();
                let region = REGIONS[self.rng.gen_range(0..REGIONS.len())];
                Entry::new(
                    Lvl::Info,
                    "kp-events.watcher",
                    "watcher/watch.go:41",
                    "Watching for key events",
                )
                .f("instanceID", Val::S(inst))
                .f("region", Val::St(region))
                .f("subscriptions", Val::I(self.rng.gen_range(1..6)))
            }
            420..=519 => {
                let holder = self.pods[0].name.clone();
                let took = self.ms(1.0, 80.0);
                let observed = iso_ms(self.t_ns);
                Entry::new(
                    Lvl::Info,
                    "kp-events.leader",
                    "leader/elect.go:52",
                    "Renewed leader lease",
                )
                .f("lease", Val::St("armada/armada-kp-events-leader"))
                .f("holder", Val::S(holder))
                .f("leaseDuration", Val::St("15s"))
                .f("renewDeadline", Val::St("10s"))
                .f("observedTime", Val::S(observed))
                .f("tookMs", took)
            }
            520..=659 => {
                let inst = self.kp_instance();
                let dur = self.ms(15.0, 900.0);
                let events = if self.rng.gen_bool(0.9) {
                    0
                } else {
                    self.rng.gen_range(1..4)
                };
                let region = REGIONS[self.rng.gen_range(0..REGIONS.len())];
                Entry::new(
                    Lvl::Info,
                    "kp-events.watcher",
                    "watcher/watch.go:88",
                    "Polled Key Protect for key events",
                )
                .f("instanceID", Val::S(inst))
                .f(
                    "endpoint",
                    Val::S(format!("https://private.{region}.kms.cloud.ibm.com")),
                )
                .f("events", Val::I(events))
                .f("durationMs", dur)
                .f("nextPollIn", Val::St("30s"))
            }
            660..=699 => {
                let inst = self.kp_instance();
                let key = uuid(&mut self.rng);
                let initiator = uuid(&mut self.rng);
                let kind = [
                    "kms.keys.read",
                    "kms.keys.wrap",
                    "kms.keys.unwrap",
                    "kms.keys.list",
                ][self.rng.gen_range(0..4)];
                Entry::new(
                    Lvl::Info,
                    "kp-events.watcher",
                    "watcher/events.go:57",
                    "Received Key Protect event",
                )
                .f("eventType", Val::St(kind))
                .f("instanceID", Val::S(inst))
                .f("keyID", Val::S(key))
                .f("initiator", Val::S(format!("iam-ServiceId-{initiator}")))
                .f("outcome", Val::St("success"))
            }
            700..=769 => {
                let resource = [
                    "pods",
                    "nodes",
                    "namespaces",
                    "leases",
                    "configmaps",
                    "secrets",
                    "serviceaccounts",
                ][self.rng.gen_range(0..7)];
                let dur = self.ms(0.5, 400.0);
                let msg = if self.rng.gen_bool(0.8) {
                    "Informer resync"
                } else {
                    "Informer cache synced"
                };
                Entry::new(Lvl::Info, "kp-events.cache", "cache/informer.go:112", msg)
                    .f("resource", Val::St(resource))
                    .f("items", Val::I(self.rng.gen_range(1..5000)))
                    .f(
                        "resourceVersion",
                        Val::S(self.rng.gen_range(10_000_000u64..999_999_999).to_string()),
                    )
                    .f("durationMs", dur)
            }
            770..=819 => {
                let dur = self.ms(5.0, 400.0);
                Entry::new(
                    Lvl::Info,
                    "kp-events.metrics",
                    "metrics/publish.go:49",
                    "Published metrics",
                )
                .f("series", Val::I(self.rng.gen_range(10..45)))
                .f("bytes", Val::I(self.rng.gen_range(800..6000)))
                .f("durationMs", dur)
            }
            820..=849 => Entry::new(
                Lvl::Debug,
                "kp-events",
                "cmd/kp-events/stats.go:33",
                "Runtime stats",
            )
            .f("goroutines", Val::I(self.rng.gen_range(40..260)))
            .f(
                "heapAllocBytes",
                Val::I(self.rng.gen_range(8_000_000..90_000_000)),
            )
            .f("numGC", Val::I(self.rng.gen_range(1000..90000)))
            .f("gcPauseMs", Val::F(self.rng.gen_range(0.01..3.0), 3)),
            850..=889 => {
                let region = REGIONS[self.rng.gen_range(0..REGIONS.len())];
                let dur = self.ms(20.0, 2000.0);
                let n = self.rot.clusters.len() as i64;
                Entry::new(
                    Lvl::Info,
                    "kp-events.inventory",
                    "inventory/refresh.go:66",
                    "Refreshed managed cluster list",
                )
                .f("region", Val::St(region))
                .f("clusters", Val::I(n))
                .f("durationMs", dur)
            }
            890..=909 => {
                let dur = self.ms(1500.0, 9000.0);
                let inst = self.kp_instance();
                Entry::new(
                    Lvl::Warn,
                    "kp-events.watcher",
                    "watcher/watch.go:95",
                    "Slow Key Protect response",
                )
                .f("instanceID", Val::S(inst))
                .f("op", Val::St("ListEvents"))
                .f("durationMs", dur)
            }
            _ => self.noise_error(),
        }
    }

    /// Ordinary errors of the service that are not rotation failures.
    fn noise_error(&mut self) -> Entry {
        let region = REGIONS[self.rng.gen_range(0..REGIONS.len())];
        let mut e = match self.rng.gen_range(0..7) {
            0 => {
                let err = match self.rng.gen_range(0..3) {
                    0 => format!("Post \"https://metrics.{region}.monitoring.cloud.ibm.com/api/v1/push\": net/http: request canceled (Client.Timeout exceeded while awaiting headers)"),
                    1 => format!("Post \"https://metrics.{region}.monitoring.cloud.ibm.com/api/v1/push\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
                    _ => {
                        let a = self.addr("172.30");
                        let b = self.addr("172.21");
                        format!("write tcp {a}->{b}: write: broken pipe")
                    }
                };
                let mut e = Entry::new(
                    Lvl::Error,
                    "kp-events.metrics",
                    "metrics/publish.go:54",
                    "failed to publish metrics",
                )
                .err(err)
                .f("series", Val::I(self.rng.gen_range(10..45)));
                if self.rng.gen_bool(0.25) {
                    e.stack = Some(STACK_METRICS);
                }
                e
            }
            1 => {
                let inst = self.kp_instance();
                let err = match self.rng.gen_range(0..3) {
                    0 => format!("Get \"https://private.{region}.kms.cloud.ibm.com/api/v2/notifications?limit=200\": context deadline exceeded"),
                    1 => format!("Get \"https://private.{region}.kms.cloud.ibm.com/api/v2/notifications?limit=200\": net/http: TLS handshake timeout"),
                    _ => "context canceled".to_string(),
                };
                let mut e = Entry::new(
                    Lvl::Warn,
                    "kp-events.watcher",
                    "watcher/watch.go:99",
                    "Key Protect poll failed; will poll again",
                )
                .err(err)
                .f("instanceID", Val::S(inst));
                if self.rng.gen_bool(0.2) {
                    e.stack = Some(STACK_WATCH);
                }
                e
            }
            2 => {
                let a = self.addr("172.30");
                let b = self.addr("10");
                Entry::new(
                    Lvl::Error,
                    "kp-events.http",
                    "server/http.go:94",
                    "failed to write response",
                )
                .f("path", Val::St("/metrics"))
                .err(format!("write tcp {a}->{b}: write: broken pipe"))
            }
            3 => {
                let err = if self.rng.gen_bool(0.5) {
                    "Get \"https://172.21.0.1:443/apis/coordination.k8s.io/v1/namespaces/armada/leases/armada-kp-events-leader\": context deadline exceeded".to_string()
                } else {
                    "Get \"https://172.21.0.1:443/apis/coordination.k8s.io/v1/namespaces/armada/leases/armada-kp-events-leader\": http2: client connection lost".to_string()
                };
                Entry::new(
                    Lvl::Error,
                    "kp-events.leader",
                    "leader/elect.go:58",
                    "error retrieving resource lock armada/armada-kp-events-leader",
                )
                .err(err)
            }
            4 => Entry::new(
                Lvl::Warn,
                "kp-events.cache",
                "cache/informer.go:131",
                "watch stream closed",
            )
            .f(
                "resource",
                Val::St(["pods", "nodes", "leases"][self.rng.gen_range(0..3)]),
            )
            .err("context canceled"),
            5 => Entry::new(
                Lvl::Error,
                "kp-events.iam",
                "iam/token.go:72",
                "IAM token refresh failed",
            )
            .err("Post \"https://private.iam.cloud.ibm.com/identity/token\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
            .f("tookMs", self.ms(10_000.0, 10_500.0)),
            _ => {
                let remote = self.addr("172.30");
                Entry::new(
                    Lvl::Warn,
                    "kp-events.http",
                    "server/http.go:91",
                    "request canceled by client",
                )
                .f("path", Val::St("/metrics"))
                .f("remoteAddr", Val::S(remote))
                .err("context canceled")
            }
        };
        if e.level == Lvl::Error && self.rng.gen_bool(0.05) {
            e.msg.push_str(" (will not be retried)");
        }
        e
    }

    /// LogDNA exports mix in other apps of the account (armada-api, armada-deploy).
    fn other_app(&mut self) -> Entry {
        let cluster = if self.rot.clusters.is_empty() {
            rand_str(&mut self.rng, XID, 20)
        } else {
            self.rot.clusters[self.rng.gen_range(0..self.rot.clusters.len())].clone()
        };
        if self.rng.gen_bool(0.6) {
            let pod = self.rng.gen_range(1..4);
            let path = ["/v2/getCluster", "/v2/getWorkers", "/v2/getMasterStatus"]
                [self.rng.gen_range(0..3)];
            let status = if self.rng.gen_bool(0.95) { 200 } else { 404 };
            let dur = self.ms(2.0, 800.0);
            let mut e = Entry::new(
                Lvl::Info,
                "armada-api.http",
                "api/middleware.go:144",
                "Handled API request",
            )
            .f("method", Val::St("GET"))
            .f("path", Val::S(format!("{path}?cluster={cluster}")))
            .f("status", Val::I(status))
            .f("durationMs", dur);
            e.pod = pod;
            e
        } else {
            let pod = self.rng.gen_range(4..6);
            let mut e = match self.rng.gen_range(0..10) {
                0 => Entry::new(
                    Lvl::Error,
                    "armada-deploy.master",
                    "deploy/master.go:211",
                    "failed to deploy master component",
                )
                .f("clusterID", Val::S(cluster))
                .f("component", Val::St("kube-apiserver"))
                .err("context deadline exceeded"),
                1..=4 => Entry::new(
                    Lvl::Info,
                    "armada-deploy.master",
                    "deploy/master.go:180",
                    "Master deployed",
                )
                .f("clusterID", Val::S(cluster))
                .f("version", Val::St("1.29.10_1544")),
                _ => Entry::new(
                    Lvl::Info,
                    "armada-deploy.reconcile",
                    "deploy/reconcile.go:62",
                    "Reconciling cluster master",
                )
                .f("clusterID", Val::S(cluster))
                .f("generation", Val::I(self.rng.gen_range(1..400))),
            };
            e.pod = pod;
            e
        }
    }

    // --- rendering ---

    /// Renders `e` as physical lines (each ending in `\n`) into `out`; returns the line count.
    fn render(&mut self, e: &Entry, out: &mut String) -> u64 {
        match self.fmt {
            Fmt::KubectlZap => {
                let ts = self.kubelet(e.t_ns);
                self.ts_cache.push_kubelet(out, ts);
                out.push(' ');
                zap_json(out, e);
                out.push('\n');
                1
            }
            Fmt::Klog => {
                let ts = self.kubelet(e.t_ns);
                self.ts_cache.push_kubelet(out, ts);
                out.push(' ');
                self.ts_cache.push_klog(out, e);
                out.push('\n');
                let mut n = 1;
                for frame in e.stack.unwrap_or_default() {
                    self.kubelet_ns += self.rng.gen_range(1_000..5_000);
                    let ts = self.kubelet_ns;
                    self.ts_cache.push_kubelet(out, ts);
                    out.push(' ');
                    out.push_str(frame);
                    out.push('\n');
                    n += 1;
                }
                n
            }
            Fmt::Logdna => {
                let id = self
                    .rng
                    .gen_range(1_000_000_000_000_000_000u64..9_000_000_000_000_000_000);
                self.logdna(out, e, id);
                out.push('\n');
                1
            }
        }
    }

    /// The kubelet's time for a record: app time plus a 20-400 us write delay (at 2,000 lines
    /// a second the fixtures' 0.1-3 ms would bunch every stamp), never going back.
    fn kubelet(&mut self, t_ns: u64) -> u64 {
        let t = t_ns + self.rng.gen_range(20_000..400_000);
        self.kubelet_ns = t.max(self.kubelet_ns + 1_000);
        self.kubelet_ns
    }

    fn logdna(&self, out: &mut String, e: &Entry, id: u64) {
        const RESERVED: &[&str] = &[
            "source",
            "type",
            "tag",
            "auth",
            "bytes",
            "connect",
            "method",
            "namespace",
            "path",
            "pod",
            "request",
            "response",
            "service",
            "space",
            "status",
            "timestamp",
            "user",
        ];
        let pod = &self.pods[e.pod];
        let mut app_line = String::with_capacity(512);
        zap_json(&mut app_line, e);
        out.push_str("{\"_account\":");
        json_str(out, &self.logdna_account);
        out.push_str(",\"_cluster\":\"ld62\",\"_host\":");
        json_str(out, &pod.name);
        out.push_str(",\"_ingester\":\"agent\",\"_label\":{\"app\":");
        json_str(out, pod.app);
        out.push_str(",\"pod-template-hash\":");
        json_str(out, &pod.template_hash);
        out.push_str("},\"_logtype\":\"json\",\"_tag\":[\"us-south\",\"carrier105\"],\"_file\":");
        json_str(
            out,
            &format!(
                "/var/log/containers/{}_armada_{}-{}.log",
                pod.name, pod.app, pod.container_id
            ),
        );
        out.push_str(",\"_line\":");
        json_str(out, &app_line);
        out.push_str(",\"level\":");
        json_str(out, e.level.zap());
        let _ = write!(out, ",\"_ts\":{},\"_app\":", e.t_ns / 1_000_000);
        json_str(out, pod.app);
        out.push_str(",\"pod\":");
        json_str(out, &pod.name);
        out.push_str(",\"namespace\":\"armada\",\"container\":");
        json_str(out, pod.app);
        out.push_str(",\"containerid\":");
        json_str(out, &pod.container_id);
        out.push_str(",\"node\":");
        json_str(out, &pod.node);
        out.push_str(",\"_ip\":");
        json_str(out, &pod.node_ip);
        let _ = write!(out, ",\"_id\":\"{id}\"");
        // The app line's keys, merged at the top level; reserved names get a leading `_`,
        // and `level` is the line's level above.
        out.push_str(",\"ts\":");
        push_epoch(out, e.t_ns);
        out.push_str(",\"logger\":");
        json_str(out, e.logger);
        out.push_str(",\"caller\":");
        json_str(out, e.caller);
        out.push_str(",\"msg\":");
        json_str(out, &e.msg);
        for (k, v) in &e.fields {
            out.push(',');
            if RESERVED.contains(k) {
                json_str(out, &format!("_{k}"));
            } else {
                json_str(out, k);
            }
            out.push(':');
            json_val(out, v);
        }
        push_error_fields(out, e);
        out.push('}');
    }
}

fn uuid(rng: &mut Pcg64) -> String {
    let h = rand_str(rng, HEX, 32);
    let variant = b"89ab"[rng.gen_range(0..4)] as char;
    format!(
        "{}-{}-4{}-{variant}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

// --- JSON and klog text -----------------------------------------------------------------------

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_val(out: &mut String, v: &Val) {
    match v {
        Val::S(s) => json_str(out, s),
        Val::St(s) => json_str(out, s),
        Val::I(i) => {
            let _ = write!(out, "{i}");
        }
        Val::F(f, d) => {
            let _ = write!(out, "{f:.d$}");
        }
    }
}

/// zap's epoch-seconds float (microsecond precision, trailing zeros dropped).
fn push_epoch(out: &mut String, t_ns: u64) {
    let secs = t_ns / NS;
    let micros = (t_ns % NS) / 1_000;
    let mut frac = format!("{micros:06}");
    while frac.len() > 1 && frac.ends_with('0') {
        frac.pop();
    }
    let _ = write!(out, "{secs}.{frac}");
}

/// pkg/errors' `%+v` of `Wrap(cause, msg)`: the cause, the wrap message, then the stack.
fn error_verbose(error: &str, stack: &[&str]) -> String {
    let mut s = match error.split_once(": ") {
        Some((wrap, cause)) => format!("{cause}\n{wrap}"),
        None => error.to_string(),
    };
    for f in stack {
        s.push('\n');
        s.push_str(f);
    }
    s
}

fn push_error_fields(out: &mut String, e: &Entry) {
    if let Some(err) = &e.error {
        out.push_str(",\"error\":");
        json_str(out, err);
        if let Some(stack) = e.stack {
            out.push_str(",\"errorVerbose\":");
            json_str(out, &error_verbose(err, stack));
        }
    }
    if let Some(stack) = e.stack {
        out.push_str(",\"stacktrace\":");
        json_str(out, &stack.join("\n"));
    }
}

fn zap_json(out: &mut String, e: &Entry) {
    out.push_str("{\"level\":");
    json_str(out, e.level.zap());
    out.push_str(",\"ts\":");
    push_epoch(out, e.t_ns);
    out.push_str(",\"logger\":");
    json_str(out, e.logger);
    out.push_str(",\"caller\":");
    json_str(out, e.caller);
    out.push_str(",\"msg\":");
    json_str(out, &e.msg);
    for (k, v) in &e.fields {
        out.push(',');
        json_str(out, k);
        out.push(':');
        json_val(out, v);
    }
    push_error_fields(out, e);
    out.push('}');
}

fn iso_ms(t_ns: u64) -> String {
    let c = civil(t_ns / NS);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.0,
        c.1,
        c.2,
        c.3,
        c.4,
        c.5,
        (t_ns % NS) / 1_000_000
    )
}

/// (year, month, day, hour, minute, second) of epoch seconds, UTC.
fn civil(secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (secs / 86_400) as i64;
    let sod = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (sod / 3600) as u32,
        (sod / 60 % 60) as u32,
        (sod % 60) as u32,
    )
}

/// Formats the date part once per second of log time.
#[derive(Default)]
struct TsCache {
    sec: u64,
    /// `2026-11-20T00:00:00`
    rfc: String,
    /// `1120 00:00:00`
    klog: String,
}

impl TsCache {
    fn at(&mut self, sec: u64) {
        if sec != self.sec || self.rfc.is_empty() {
            let (y, mo, d, h, mi, s) = civil(sec);
            self.sec = sec;
            self.rfc = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
            self.klog = format!("{mo:02}{d:02} {h:02}:{mi:02}:{s:02}");
        }
    }

    /// The kubelet's nine-digit RFC 3339 time.
    fn push_kubelet(&mut self, out: &mut String, t_ns: u64) {
        self.at(t_ns / NS);
        out.push_str(&self.rfc);
        let _ = write!(out, ".{:09}Z", t_ns % NS);
    }

    /// `E1120 03:00:04.000000       1 rotate.go:142] "msg" err="..." key="value"`.
    fn push_klog(&mut self, out: &mut String, e: &Entry) {
        self.at(e.t_ns / NS);
        out.push(e.level.klog());
        out.push_str(&self.klog);
        let file_line = e.caller.rsplit('/').next().unwrap_or(e.caller);
        let _ = write!(out, ".{:06} {:>7} {file_line}] ", (e.t_ns % NS) / 1_000, 1);
        json_str(out, &e.msg);
        if let Some(err) = &e.error {
            out.push_str(" err=");
            json_str(out, err);
        }
        for (k, v) in &e.fields {
            out.push(' ');
            out.push_str(k);
            out.push('=');
            match v {
                // The rotation code passes its ids as strings: attempt="1".
                Val::I(i) if e.rotation => {
                    let _ = write!(out, "\"{i}\"");
                }
                v => json_val(out, v),
            }
        }
    }
}

// --- output -----------------------------------------------------------------------------------

enum Sink {
    Plain(BufWriter<File>),
    Gzip(GzEncoder<BufWriter<File>>),
}

impl Sink {
    fn open(path: &Path, gzip: bool) -> io::Result<Sink> {
        let w = BufWriter::with_capacity(1 << 20, File::create(path)?);
        Ok(if gzip {
            Sink::Gzip(GzEncoder::new(w, Compression::fast()))
        } else {
            Sink::Plain(w)
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Plain(w) => w,
            Sink::Gzip(w) => w,
        }
    }

    /// Flushes everything, the gzip trailer included, and syncs nothing (a benchmark input).
    fn finish(self) -> io::Result<()> {
        let mut w = match self {
            Sink::Plain(w) => w,
            Sink::Gzip(gz) => gz.finish()?,
        };
        w.flush()
    }
}

/// Writes records in order, or (LogDNA) newest first: records are gathered in chunks, each
/// chunk reversed to a temporary file, and the chunks joined last to first at the end.
enum Out {
    Forward(Sink),
    Reversed {
        base: PathBuf,
        buf: Vec<u8>,
        starts: Vec<usize>,
        chunks: Vec<PathBuf>,
    },
}

impl Out {
    fn write(&mut self, record: &[u8]) -> io::Result<()> {
        match self {
            Out::Forward(w) => w.writer().write_all(record),
            Out::Reversed {
                base,
                buf,
                starts,
                chunks,
            } => {
                starts.push(buf.len());
                buf.extend_from_slice(record);
                if buf.len() >= REVERSE_CHUNK {
                    let path = PathBuf::from(format!("{}.chunk{}", base.display(), chunks.len()));
                    let mut f = BufWriter::with_capacity(1 << 20, File::create(&path)?);
                    write_reversed(&mut f, buf, starts)?;
                    f.flush()?;
                    chunks.push(path);
                    buf.clear();
                    starts.clear();
                }
                Ok(())
            }
        }
    }

    fn finish(self, tmp: &Path, gzip: bool) -> io::Result<()> {
        match self {
            Out::Forward(sink) => sink.finish(),
            Out::Reversed {
                buf,
                starts,
                chunks,
                ..
            } => {
                let mut sink = Sink::open(tmp, gzip)?;
                write_reversed(sink.writer(), &buf, &starts)?;
                for chunk in chunks.iter().rev() {
                    io::copy(&mut File::open(chunk)?, sink.writer())?;
                    fs::remove_file(chunk)?;
                }
                sink.finish()
            }
        }
    }
}

fn write_reversed(w: &mut dyn Write, buf: &[u8], starts: &[usize]) -> io::Result<()> {
    let mut end = buf.len();
    for &s in starts.iter().rev() {
        w.write_all(&buf[s..end])?;
        end = s;
    }
    Ok(())
}

/// Writes records of `g` to `write` (in log order) until `size` bytes are written.
fn generate(
    g: &mut Gen,
    size: u64,
    write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<Stats> {
    let mut st = Stats::default();
    let mut rec = String::with_capacity(4096);
    while st.bytes < size {
        let e = g.next_entry();
        rec.clear();
        let lines = g.render(&e, &mut rec);
        write(rec.as_bytes())?;
        st.records += 1;
        st.lines += lines;
        st.bytes += rec.len() as u64;
        st.continuation_lines += lines - 1;
        if e.rotation {
            st.rotation_records += 1;
            st.rotation_lines += lines;
        }
        if e.pod != 0 {
            st.other_app_lines += lines;
        }
    }
    Ok(st)
}

/// In-memory generation with the default mix, for benches/micro.rs (which includes this file
/// as a module). LogDNA comes out oldest first here.
#[allow(dead_code)]
pub fn generate_vec(format: &str, size: u64, clusters: usize, seed: u64) -> Vec<u8> {
    let fmt = <Fmt as ValueEnum>::from_str(format, false).expect("a kp_gen format name");
    let mut g = Gen::new(fmt, seed, clusters, 0.01);
    let mut buf = Vec::with_capacity(size as usize + 4096);
    generate(&mut g, size, &mut |rec| {
        buf.extend_from_slice(rec);
        Ok(())
    })
    .expect("writing to memory cannot fail");
    buf
}

/// Average bytes per record of this format's non-rotation records, from a private sample.
fn calibrate(fmt: Fmt, seed: u64) -> f64 {
    let mut g = Gen::new(fmt, seed ^ 0x6b70_6765_6e00, 50, 0.0);
    let mut s = String::new();
    let n = 4000;
    for _ in 0..n {
        let e = g.next_entry();
        g.render(&e, &mut s);
    }
    s.len() as f64 / f64::from(n)
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("kp_gen: error: {e}");
        std::process::exit(2);
    }
}

fn run(args: &Args) -> io::Result<()> {
    if !(0.0..=100.0).contains(&args.rotation_percent) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "--rotation-percent must be within 0..=100",
        ));
    }
    let mut share = args.rotation_percent / 100.0;
    if args.cover_clusters && args.clusters > 0 {
        let est_records = args.size as f64 / calibrate(args.format, args.seed);
        let needed = args.clusters as f64 * RECORDS_PER_CLUSTER * 1.1 / est_records;
        if needed > share {
            share = needed.min(0.95);
        }
    }
    let tmp = PathBuf::from(format!("{}.tmp", args.output.display()));
    let mut out = if args.format == Fmt::Logdna {
        Out::Reversed {
            base: tmp.clone(),
            buf: Vec::with_capacity(REVERSE_CHUNK + (1 << 20)),
            starts: Vec::new(),
            chunks: Vec::new(),
        }
    } else {
        Out::Forward(Sink::open(&tmp, args.gzip)?)
    };
    let mut g = Gen::new(args.format, args.seed, args.clusters, share);
    let st = generate(&mut g, args.size, &mut |rec| out.write(rec))?;
    out.finish(&tmp, args.gzip)?;
    fs::rename(&tmp, &args.output)?;
    if let Some(path) = &args.truth {
        let mut w = BufWriter::new(File::create(path)?);
        // Clusters that never appeared are left out, as kp-triage cannot know them.
        for (c, id) in g.rot.clusters.iter().enumerate() {
            if g.rot.touched[c] {
                writeln!(w, "{id}\t{}", g.rot.outcome[c])?;
            }
        }
        w.flush()?;
    }
    let file_bytes = fs::metadata(&args.output)?.len();
    let span = (g.t_ns - START_EPOCH * NS) as f64 / NS as f64;
    eprintln!(
        "kp_gen: format={} seed={} lines={} bytes={} file_bytes={} gzip={} records={} rotation_lines={} rotation_records={} rotation_share={:.2}% clusters={} clusters_rotated={} rounds={} continuation_lines={} other_app_lines={} log_seconds={:.0} path={}",
        args.format.name(),
        args.seed,
        st.lines,
        st.bytes,
        file_bytes,
        args.gzip,
        st.records,
        st.rotation_lines,
        st.rotation_records,
        100.0 * st.rotation_records as f64 / st.records.max(1) as f64,
        args.clusters,
        g.rot.touched_count,
        g.rot.rounds,
        st.continuation_lines,
        st.other_app_lines,
        span,
        args.output.display(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes() {
        assert_eq!(super::parse_size("100MB"), Ok(100_000_000));
        assert_eq!(super::parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(super::parse_size("512KiB"), Ok(512 * 1024));
        assert_eq!(super::parse_size("1000"), Ok(1000));
        assert!(super::parse_size("1XB").is_err());
    }

    #[test]
    fn civil_time() {
        assert_eq!(super::civil(super::START_EPOCH), (2026, 11, 20, 0, 0, 0));
        assert_eq!(super::civil(1_795_143_604), (2026, 11, 20, 3, 0, 4));
        assert_eq!(
            super::iso_ms(super::START_EPOCH * super::NS + 5_000_000),
            "2026-11-20T00:00:00.005Z"
        );
    }
}
