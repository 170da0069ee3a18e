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

mod args;
mod generator;
mod output;

use args::Args;
use clap::Parser;
use generator::{calibrate, generate, Fmt, Gen, Stats};
use output::Out;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Expected records per cluster per rotation round (see `Gen::plan`), used only to size
/// the rotation share for `--cover-clusters`.
const RECORDS_PER_CLUSTER: f64 = 3.4;

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("kp_gen: error: {e}");
        std::process::exit(2);
    }
}

fn run(args: &Args) -> io::Result<()> {
    let share = rotation_share(args)?;
    let tmp = PathBuf::from(format!("{}.tmp", args.output.display()));
    let mut out = Out::open(&tmp, args.format == Fmt::Logdna, args.gzip)?;
    let mut g = Gen::new(args.format, args.seed, args.clusters, share);
    let st = generate(&mut g, args.size, &mut |rec| out.write(rec))?;
    out.finish(&tmp, args.gzip)?;
    fs::rename(&tmp, &args.output)?;
    if let Some(path) = &args.truth {
        write_truth(&g, path)?;
    }
    report(args, &st, &g)
}

fn rotation_share(args: &Args) -> io::Result<f64> {
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
    Ok(share)
}

fn write_truth(g: &Gen, path: &Path) -> io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    for (id, outcome) in g.truth() {
        writeln!(w, "{id}\t{outcome}")?;
    }
    w.flush()
}

fn report(args: &Args, st: &Stats, g: &Gen) -> io::Result<()> {
    let file_bytes = fs::metadata(&args.output)?.len();
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
        g.clusters_rotated(),
        g.rounds(),
        st.continuation_lines,
        st.other_app_lines,
        g.log_seconds(),
        args.output.display(),
    );
    Ok(())
}
