//! Lines that are not rotation activity: the service's own chatter, HTTP
//! access lines, unrelated errors that share words with failures, and other
//! pods' lines in a multi-pod stern run. None of them names a cluster.

use super::layout::Line;
use super::model::Level;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_pcg::Pcg64;
use serde_json::Value;

const INFO: &[&str] = &[
    "Watching Key Protect event stream",
    "processed 0 key events",
    "Key Protect event poll complete",
    "cache synced for informer *v1.Secret",
    // client-go leaderelection: "successfully acquired lease %v"
    "successfully acquired lease armada/armada-kp-events",
    "Successfully synced 'armada/armada-kp-events-config'",
    "retrying request to Key Protect instance list (retry 1/3)",
    "metrics server listening on :8080",
    "reloaded configuration from /etc/armada-kp-events/config.yaml",
    "next scheduled check for key changes in 5m0s",
];

const WARN: &[&str] = &[
    "metrics push failed: Post \"http://pushgateway.monitoring:9091/metrics/job/kp\": dial tcp 172.21.44.7:9091: connect: connection refused",
    "slow response from Key Protect: 2.8s, will retry later",
    "Failed to watch *v1.ConfigMap: the server has asked for the client to provide credentials",
];

const ERROR: &[&str] = &[
    "failed to refresh IAM token, will retry in 30s: Post \"https://iam.cloud.ibm.com/identity/token\": net/http: TLS handshake timeout",
    // client-go leaderelection: "failed to renew lease %v: %v"
    "failed to renew lease armada/armada-kp-events: timed out waiting for the condition",
    "Internal error occurred: failed calling webhook \"validate-secrets.armada.cloud.ibm.com\": Post \"https://armada-secrets-webhook.armada.svc:443/validate?timeout=10s\": x509: certificate signed by unknown authority",
    "error sending alert to pagerduty: unexpected status 429 Too Many Requests, retry budget exhausted for this minute",
];

const CALLERS: &[&str] = &[
    "events/watch.go:88",
    "server/http.go:51",
    "kp/client.go:203",
    "main.go:77",
];

/// One of the service's own non-rotation lines at `ms`.
pub fn own(rng: &mut Pcg64, ms: i64) -> Line {
    let roll = rng.gen_range(0..100);
    let (level, msg, fields) = if roll < 40 {
        access(rng)
    } else if roll < 75 {
        (Level::Info, INFO.choose(rng).unwrap().to_string(), vec![])
    } else if roll < 88 {
        (Level::Warn, WARN.choose(rng).unwrap().to_string(), vec![])
    } else {
        (Level::Error, ERROR.choose(rng).unwrap().to_string(), vec![])
    };
    Line {
        ms,
        level,
        msg,
        fields,
        err: None,
        caller: CALLERS.choose(rng).unwrap(),
    }
}

fn access(rng: &mut Pcg64) -> (Level, String, Vec<(String, Value)>) {
    let path = ["/healthz", "/metrics", "/readyz", "/v1/status"]
        .choose(rng)
        .unwrap();
    let status = if rng.gen_bool(0.9) { 200 } else { 503 };
    let rid = format!("{:032x}", rng.gen::<u128>());
    let fields = vec![
        ("method".into(), "GET".into()),
        ("path".into(), (*path).into()),
        ("status".into(), status.into()),
        (
            "duration".into(),
            format!("{}.{}ms", rng.gen_range(0..40), rng.gen_range(0..9)).into(),
        ),
        ("request_id".into(), rid.into()),
    ];
    (Level::Info, "request completed".into(), fields)
}

/// A WARN-level etcd reconnect from grpc-go, long before any failure: it
/// must not hold the verdict.
pub fn etcd_reconnect(ms: i64) -> Line {
    Line {
        ms,
        level: Level::Warn,
        msg: "grpc: addrConn.createTransport failed to connect to {10.12.4.7:2379 10.12.4.7:2379 <nil> 0 <nil>}. Err: connection error: desc = \"transport: Error while dialing dial tcp 10.12.4.7:2379: i/o timeout\". Reconnecting...".into(),
        fields: vec![],
        err: None,
        caller: "grpclog/component.go:71",
    }
}

/// Another pod's line, already in that pod's own format: (pod, container, text).
pub fn other_pod(
    rng: &mut Pcg64,
    klog_time: &str,
    iso: &str,
) -> (&'static str, &'static str, String) {
    match rng.gen_range(0..4) {
        0 => ("kube-apiserver-10.176.31.4", "kube-apiserver", format!(
            "E{klog_time}       1 status.go:71] apiserver received an error that is not an metav1.Status: rpc error: code = Unavailable desc = etcdserver: leader changed"
        )),
        1 => ("etcd-armada-0", "etcd", format!(
            "{{\"level\":\"warn\",\"ts\":\"{iso}\",\"caller\":\"etcdserver/util.go:166\",\"msg\":\"apply request took too long\",\"took\":\"1.2s\",\"expected-duration\":\"100ms\",\"error\":\"etcdserver: request timed out\"}}"
        )),
        2 => ("armada-api-6c9f7d8b4-qz7kp", "armada-api", format!(
            "{{\"level\":\"error\",\"ts\":\"{iso}\",\"msg\":\"request failed, will retry\",\"error\":\"context deadline exceeded\",\"path\":\"/v2/getClusters\"}}"
        )),
        _ => ("etcd-armada-1", "etcd", format!(
            "{{\"level\":\"error\",\"ts\":\"{iso}\",\"caller\":\"rafthttp/peer.go:320\",\"msg\":\"failed to send out heartbeat on time\",\"error\":\"etcdserver: no leader\"}}"
        )),
    }
}
