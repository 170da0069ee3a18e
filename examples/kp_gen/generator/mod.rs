//! The generator's reusable core: a seed in, log records out. benches/micro.rs includes this
//! directory as its own module through `#[path]`, so nothing below may name `crate::`.

mod json;
mod noise;
mod noise_errors;
mod other_apps;
mod records;
mod render;
mod rotation_lines;
mod rotations;
mod timestamps;

use clap::ValueEnum;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use records::{Entry, HEX, K8S_SUFFIX, XID};
use rotations::Rotations;
use std::collections::HashSet;
use std::io;
use timestamps::TsCache;

/// 2026-11-20T00:00:00Z.
const START_EPOCH: u64 = 1_795_132_800;
const NS: u64 = 1_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Fmt {
    /// kubectl --timestamps + zap JSON.
    KubectlZap,
    /// kubectl --timestamps + klog structured, with Go stacks as continuation lines.
    Klog,
    /// LogDNA v1 export JSON Lines (newest first, ~5% other apps).
    Logdna,
    /// IBM Cloud Logs query results: one JSON result per line, the kubelet's CRI-JSON record
    /// as the `user_data` string, the zap line as its `log` (oldest first, ~5% other apps).
    CloudLogs,
}

impl Fmt {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Fmt::KubectlZap => "kubectl-zap",
            Fmt::Klog => "klog",
            Fmt::Logdna => "logdna",
            Fmt::CloudLogs => "cloud-logs",
        }
    }
}

struct Pod {
    app: &'static str,
    name: String,
    template_hash: String,
    container_id: String,
    node: String,
    node_ip: String,
}

pub(crate) struct Gen {
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
pub(crate) struct Stats {
    pub(crate) records: u64,
    pub(crate) lines: u64,
    pub(crate) bytes: u64,
    pub(crate) rotation_records: u64,
    pub(crate) rotation_lines: u64,
    pub(crate) other_app_lines: u64,
    pub(crate) continuation_lines: u64,
}

fn rand_str(rng: &mut Pcg64, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
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

/// Cluster ids: 20 characters of the xid alphabet (what IKS ids are), with a digit.
fn cluster_ids(rng: &mut Pcg64, clusters: usize) -> Vec<String> {
    let mut seen = HashSet::with_capacity(clusters);
    let mut ids = Vec::with_capacity(clusters);
    while ids.len() < clusters {
        let id = rand_str(rng, XID, 20);
        if id.bytes().any(|b| b.is_ascii_digit()) && seen.insert(id.clone()) {
            ids.push(id);
        }
    }
    ids
}

fn make_pods(rng: &mut Pcg64) -> Vec<Pod> {
    let mut pods = Vec::new();
    for (app, n) in [
        ("armada-kp-events", 1),
        ("armada-api", 3),
        ("armada-deploy", 2),
    ] {
        for _ in 0..n {
            let hash = rand_str(rng, K8S_SUFFIX, 9);
            let suffix = rand_str(rng, K8S_SUFFIX, 5);
            let node_hex = rand_str(rng, HEX, 32);
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
                container_id: rand_str(rng, HEX, 64),
                node: format!("kube-dal12-cr{node_hex}-w{}\n", rng.gen_range(1..9)),
                node_ip: ip,
            });
        }
    }
    pods
}

impl Gen {
    pub(crate) fn new(fmt: Fmt, seed: u64, clusters: usize, share: f64) -> Gen {
        let mut rng = Pcg64::seed_from_u64(seed);
        let ids = cluster_ids(&mut rng, clusters);
        let account = rand_str(&mut rng, HEX, 32);
        let logdna_account = rand_str(&mut rng, HEX, 10);
        let pods = make_pods(&mut rng);
        let kp_instances = (0..3).map(|_| uuid(&mut rng)).collect();
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
            rot: Rotations::new(ids),
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
        } else if matches!(self.fmt, Fmt::Logdna | Fmt::CloudLogs) && r < self.share + 0.05 {
            self.other_app()
        } else {
            self.noise()
        };
        e.t_ns = self.t_ns;
        e
    }

    /// Each cluster's expected final status, for `--truth`. Clusters that never appeared are
    /// left out, as kp-triage cannot know them.
    pub(crate) fn truth(&self) -> impl Iterator<Item = (&str, &str)> {
        let rot = &self.rot;
        (0..rot.clusters.len())
            .filter(|&c| rot.touched[c])
            .map(|c| (rot.clusters[c].as_str(), rot.outcome[c]))
    }

    pub(crate) fn clusters_rotated(&self) -> usize {
        self.rot.touched_count
    }

    pub(crate) fn rounds(&self) -> u64 {
        self.rot.rounds
    }

    /// Log time covered so far.
    pub(crate) fn log_seconds(&self) -> f64 {
        (self.t_ns - START_EPOCH * NS) as f64 / NS as f64
    }
}

/// Writes records of `g` to `write` (in log order) until `size` bytes are written.
pub(crate) fn generate(
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
pub(crate) fn calibrate(fmt: Fmt, seed: u64) -> f64 {
    let mut g = Gen::new(fmt, seed ^ 0x6b70_6765_6e00, 50, 0.0);
    let mut s = String::new();
    let n = 4000;
    for _ in 0..n {
        let e = g.next_entry();
        g.render(&e, &mut s);
    }
    s.len() as f64 / f64::from(n)
}
