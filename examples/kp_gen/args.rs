//! Command line.

use crate::generator::Fmt;
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "kp_gen",
    about = "Generate large, reproducible armada-kp-events logs for benchmarks"
)]
pub(crate) struct Args {
    /// Output shape.
    #[arg(long, value_enum)]
    pub(crate) format: Fmt,
    /// Uncompressed size to write: `100MB`, `1GiB`, `512KiB`, `1000000` (bytes). Decimal units
    /// (KB, MB, GB) are powers of 1000, binary ones (KiB, MiB, GiB) powers of 1024. Writing stops
    /// after the record that reaches the size, so the file ends on a whole line.
    #[arg(long, value_parser = parse_size)]
    pub(crate) size: u64,
    /// Size of the cluster pool that rotations are drawn from.
    #[arg(long, default_value_t = 2000)]
    pub(crate) clusters: usize,
    /// Seed of the Pcg64 generator.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Compress the output with gzip (fast level).
    #[arg(long)]
    pub(crate) gzip: bool,
    /// Share of records that belong to rotations, in percent.
    #[arg(long, default_value_t = 1.0)]
    pub(crate) rotation_percent: f64,
    /// Raise the rotation share if needed so that every cluster of the pool rotates at least
    /// once (for cluster-count scaling runs; 100,000 clusters do not fit in 1% of 100 MB).
    #[arg(long)]
    pub(crate) cover_clusters: bool,
    /// Also write each cluster's expected final status (tab-separated: cluster, status): its
    /// latest outcome (rotated; retrying after a failure in an attempt; exhausted) or unknown.
    #[arg(long, value_name = "PATH")]
    pub(crate) truth: Option<PathBuf>,
    /// Output file (written as PATH.tmp, then renamed).
    #[arg(short, long)]
    pub(crate) output: PathBuf,
}

pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
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
}
