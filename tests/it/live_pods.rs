//! The hub the live tests run against: two replicas of armada-kp-events
//! (one restarted mid-rotation, with an istio sidecar) and a pod of another
//! app that the selector must not match. Times are relative to now, so that
//! `--since` filters as the kubelet does.

use crate::kube_server::{FakeContainer, FakePod};
use chrono::{DateTime, Utc};

pub const A: &str = "armada-kp-events-7d9f8c6b5-aaaaa";
pub const B: &str = "armada-kp-events-7d9f8c6b5-bbbbb";
pub const OTHER: &str = "armada-api-5c6d7e8f9-zzzzz";
pub const FAILING: &str = "c23h5icd0sr2mu96rcig";
pub const CRN: &str = "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::";

/// The pod that replaces a deleted one: it starts rotating `cluster` again
/// and the first attempt fails.
pub fn replacement(name: &'static str, cluster: &str) -> FakePod {
    let now = Utc::now();
    let line = |level: &str, msg: &str, n: u32| (now, zap(now, level, msg, cluster, n));
    let log = vec![
        line("info", "Starting rotation of service iam-api-key", 1),
        line("error", "Failed to update WDEK Secret", 1),
        line("error", "Rotation attempt failed", 1),
        line("info", "Starting rotation of service iam-api-key", 2),
    ];
    FakePod {
        name,
        namespace: "armada",
        labels: vec![("app", "armada-kp-events")],
        containers: vec![FakeContainer {
            name: "armada-kp-events",
            restarts: 0,
            log,
            previous: Vec::new(),
        }],
    }
}

/// A zap JSON line of the service at `ts`.
fn zap(ts: DateTime<Utc>, level: &str, msg: &str, cluster: &str, attempt: u32) -> String {
    serde_json::json!({"level": level, "ts": ts.timestamp() as f64,
        "logger": "kp-events.rotation", "msg": msg, "clusterID": cluster, "attempt": attempt})
    .to_string()
}

type Lines = Vec<(DateTime<Utc>, String)>;

/// Replica A rotates: attempts 1 and 2 fail before its container restarts
/// (the previous log), attempt 3 fails and retries are exhausted after it.
/// Replica B rotated another cluster earlier. All within the last 15 minutes.
pub fn pods() -> Vec<FakePod> {
    let now = Utc::now();
    let at = |secs_ago: i64| now - chrono::Duration::seconds(secs_ago);
    let attempt = |ago: i64, n: u32| -> Lines {
        vec![
            (
                at(ago),
                zap(
                    at(ago),
                    "info",
                    "Starting rotation of service iam-api-key",
                    FAILING,
                    n,
                ),
            ),
            (
                at(ago - 1),
                zap(
                    at(ago - 1),
                    "error",
                    "Failed to update WDEK Secret",
                    FAILING,
                    n,
                ),
            ),
            (
                at(ago - 1),
                zap(at(ago - 1), "error", "Rotation attempt failed", FAILING, n),
            ),
        ]
    };
    let previous: Lines = attempt(600, 1).into_iter().chain(attempt(540, 2)).collect();
    let mut current: Lines = attempt(300, 3);
    current.push((
        at(290),
        format!(
            r#"{{"level":"error","ts":{},"logger":"kp-events.rotation","msg":"Failure to rotate the service iam-api-key for resource {CRN} after 3 attempts; giving up"}}"#,
            at(290).timestamp()
        ),
    ));
    let b_log: Lines = vec![
        (
            at(1000),
            zap(
                at(1000),
                "info",
                "Starting rotation of service iam-api-key",
                "bm64u3ed02o93vv36hb0",
                1,
            ),
        ),
        (
            at(999),
            zap(
                at(999),
                "info",
                "Successfully rotated service IAM API key",
                "bm64u3ed02o93vv36hb0",
                1,
            ),
        ),
    ];
    let sidecar: Lines = vec![(
        at(400),
        "[2026-11-20 03:00:00.000][info] envoy: upstream ok".into(),
    )];
    let kp = |name, containers| FakePod {
        name,
        namespace: "armada",
        labels: vec![
            ("app", "armada-kp-events"),
            ("pod-template-hash", "7d9f8c6b5"),
        ],
        containers,
    };
    vec![
        kp(
            A,
            vec![
                FakeContainer {
                    name: "armada-kp-events",
                    restarts: 1,
                    log: current,
                    previous,
                },
                FakeContainer {
                    name: "istio-proxy",
                    restarts: 0,
                    log: sidecar,
                    previous: vec![],
                },
            ],
        ),
        kp(
            B,
            vec![FakeContainer {
                name: "armada-kp-events",
                restarts: 0,
                log: b_log,
                previous: vec![],
            }],
        ),
        FakePod {
            name: OTHER,
            namespace: "armada",
            labels: vec![("app", "armada-api")],
            containers: vec![FakeContainer {
                name: "armada-api",
                restarts: 3,
                log: vec![(
                    at(100),
                    zap(
                        at(100),
                        "error",
                        "Rotation attempt failed",
                        "zzzzzzzzzzzzzzzzzzzz",
                        9,
                    ),
                )],
                previous: vec![],
            }],
        },
    ]
}
