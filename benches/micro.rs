//! Criterion micro-benchmarks of kp-triage's hot paths: per-line decoding, transport
//! unwrapping, the aho-corasick prefilter and the rules, and the whole scan stage over ~4 MB of
//! generated logs in memory.
//!
//! `cargo bench --bench micro` (see benches/README.md). Each bench is kept short: 10 samples,
//! about a second of measurement, so the run takes a few minutes on 2 cores.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kp_triage::classify::{Classifier, Pack};
use kp_triage::decode;
use kp_triage::redact::Redactor;
use kp_triage::scan::Scanner;
use std::time::Duration;

/// The generator itself (examples/kp_gen/), so the scan benches read the same mix of lines
/// as benches/run.sh.
#[allow(dead_code)]
#[path = "../examples/kp_gen/generator/mod.rs"]
mod kp_gen;

const SCAN_BYTES: u64 = 4_000_000;

/// One representative line per application format (the fixtures' shapes).
const FORMATS: &[(&str, &str)] = &[
    (
        "zap_json",
        r#"{"level":"error","ts":1795143604.0,"logger":"kp-events.rotation","caller":"rotation/wdek.go:61","msg":"Failed to update WDEK Secret","clusterID":"c23h5icd0sr2mu96rcig","CorrID":"7f3c9a12-a1","attempt":1,"error":"Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again"}"#,
    ),
    (
        "zap_console",
        "2026-11-20T03:00:04.000Z\tERROR\tkp-events.rotation\trotation/wdek.go:61\tFailed to update WDEK Secret\t{\"clusterID\": \"c23h5icd0sr2mu96rcig\", \"CorrID\": \"7f3c9a12-a1\", \"attempt\": 1, \"error\": \"Operation cannot be fulfilled on secrets \\\"kp-wdek\\\": the object has been modified; please apply your changes to the latest version and try again\"}",
    ),
    (
        "klog_plain",
        "E1120 03:00:04.000000       1 wdek.go:61] Failed to update WDEK Secret for cluster c23h5icd0sr2mu96rcig (CorrID=7f3c9a12-a1, attempt 1): Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again",
    ),
    (
        "klog_structured",
        r#"E1120 03:00:04.000000       1 wdek.go:61] "Failed to update WDEK Secret" err="Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again" clusterID="c23h5icd0sr2mu96rcig" CorrID="7f3c9a12-a1" attempt="1""#,
    ),
    (
        "logrus_text",
        r#"time="2026-11-20T03:00:04Z" level=error msg="Failed to update WDEK Secret" CorrID=7f3c9a12-a1 attempt=1 clusterID=c23h5icd0sr2mu96rcig error="Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again""#,
    ),
    (
        "logrus_json",
        r#"{"CorrID":"7f3c9a12-a1","attempt":1,"clusterID":"c23h5icd0sr2mu96rcig","error":"Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again","level":"error","msg":"Failed to update WDEK Secret","time":"2026-11-20T03:00:04Z"}"#,
    ),
    (
        "golog",
        "2026/11/20 03:00:04.000000 /go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/wdek.go:61: Failed to update WDEK Secret for cluster c23h5icd0sr2mu96rcig (CorrID=7f3c9a12-a1, attempt 1): Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again",
    ),
    (
        "plain",
        "Failed to update WDEK Secret for cluster c23h5icd0sr2mu96rcig (CorrID=7f3c9a12-a1, attempt 1): Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again",
    ),
];

const TRANSPORTS: &[(&str, &str)] = &[
    (
        "bare",
        r#"{"level":"info","ts":1795143603.0,"logger":"kp-events.http","caller":"server/http.go:87","msg":"Handled request","method":"GET","path":"/metrics","status":200}"#,
    ),
    (
        "kubectl_ts",
        r#"2026-11-20T03:00:03.000817451Z {"level":"info","ts":1795143603.0,"logger":"kp-events.http","caller":"server/http.go:87","msg":"Handled request","method":"GET","path":"/metrics","status":200}"#,
    ),
    (
        "kubectl_prefix_ts",
        r#"[pod/armada-kp-events-7d9f8c6b5-x2x9z/armada-kp-events] 2026-11-20T03:00:03.000817451Z {"level":"info","ts":1795143603.0,"logger":"kp-events.http","caller":"server/http.go:87","msg":"Handled request","method":"GET","path":"/metrics","status":200}"#,
    ),
    (
        "stern",
        r#"armada-kp-events-7d9f8c6b5-x2x9z armada-kp-events {"level":"info","ts":1795143603.0,"logger":"kp-events.http","caller":"server/http.go:87","msg":"Handled request","method":"GET","path":"/metrics","status":200}"#,
    ),
    (
        "stern_ns_short_ts",
        r#"armada armada-kp-events-7d9f8c6b5-x2x9z armada-kp-events 11-20 03:00:03 {"level":"info","ts":1795143603.0,"logger":"kp-events.http","caller":"server/http.go:87","msg":"Handled request","method":"GET","path":"/metrics","status":200}"#,
    ),
];

/// A health-check line: what ~99% of a real log looks like.
const NOISE_LINE: &str = r#"2026-11-20T00:00:00.002824352Z {"level":"info","ts":1795132800.001501,"logger":"kp-events.http","caller":"server/http.go:87","msg":"Handled request","method":"GET","path":"/healthz","status":200,"durationMs":0.412,"remoteAddr":"10.70.223.152:34807","userAgent":"kube-probe/1.29","bytes":6}"#;
const ROTATION_LINE: &str = r#"2026-11-20T03:00:04.002387238Z {"level":"error","ts":1795143604.0,"logger":"kp-events.rotation","caller":"rotation/rotate.go:142","msg":"Rotation attempt failed","clusterID":"c23h5icd0sr2mu96rcig","CorrID":"7f3c9a12-a1","attempt":1,"error":"failed to update WDEK secret: Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again"}"#;
/// The text the scan classifies for that record: message, then field values, one per line.
const ROTATION_TEXT: &str = "Rotation attempt failed\nc23h5icd0sr2mu96rcig\n7f3c9a12-a1\n1\nfailed to update WDEK secret: Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again";

fn bench_decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    for (name, line) in FORMATS {
        g.throughput(Throughput::Bytes(line.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), line, |b, line| {
            b.iter(|| black_box(decode::decode(black_box(line))))
        });
    }
    g.finish();
}

fn bench_transport(c: &mut Criterion) {
    let mut g = c.benchmark_group("transport_unwrap");
    for (name, line) in TRANSPORTS {
        g.throughput(Throughput::Bytes(line.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), line, |b, line| {
            b.iter(|| {
                black_box(kp_triage::envelope::text::unwrap(black_box(
                    line.as_bytes(),
                )))
            })
        });
    }
    g.finish();
}

fn classifier() -> Classifier {
    Classifier::new(Pack::builtin().expect("the built-in pack loads"))
}

fn bench_classify(c: &mut Criterion) {
    let cl = classifier();
    assert!(
        !cl.is_candidate(NOISE_LINE.as_bytes()),
        "the noise line should be filtered out"
    );
    assert!(cl.is_candidate(ROTATION_LINE.as_bytes()));
    assert!(!cl.classify(ROTATION_TEXT).categories.is_empty());
    let mut g = c.benchmark_group("classify");
    for (name, line) in [
        ("prefilter_noise", NOISE_LINE),
        ("prefilter_rotation", ROTATION_LINE),
    ] {
        g.throughput(Throughput::Bytes(line.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| black_box(cl.is_candidate(black_box(line.as_bytes()))))
        });
    }
    g.throughput(Throughput::Bytes(ROTATION_TEXT.len() as u64));
    g.bench_function("rules_rotation_failure", |b| {
        b.iter(|| black_box(cl.classify(black_box(ROTATION_TEXT))))
    });
    g.finish();
}

fn bench_scan(c: &mut Criterion) {
    let cl = classifier();
    let redactor = Redactor::default();
    let mut g = c.benchmark_group("scan");
    for format in ["kubectl-zap", "klog"] {
        let data = kp_gen::generate_vec(format, SCAN_BYTES, 2000, 42);
        g.throughput(Throughput::Bytes(data.len() as u64));
        // threads = 1 scans inline on this thread; 2 adds the worker pre-pass.
        for threads in [1, 2] {
            let scanner = Scanner {
                app: Some("armada-kp-events"),
                threads,
                ..Scanner::new(&cl, &redactor)
            };
            let (scanned, error) = scanner.scan(0, "bench", false, &data[..]);
            assert!(error.is_none(), "scanning {format} failed: {error:?}");
            assert!(scanned.acct.lines > 10_000 && !scanned.events.is_empty());
            let id = BenchmarkId::new(format, format!("threads={threads}"));
            g.bench_with_input(id, &data, |b, data| {
                b.iter(|| black_box(scanner.scan(0, "bench", false, black_box(&data[..]))))
            });
        }
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1))
        .without_plots()
}

criterion_group! {
    name = micro;
    config = config();
    targets = bench_decode, bench_transport, bench_classify, bench_scan
}
criterion_main!(micro);
