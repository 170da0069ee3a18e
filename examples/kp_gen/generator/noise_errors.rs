//! Ordinary errors of the service that are not rotation failures, so the triage has to tell
//! them apart.

use super::records::{Entry, Lvl, Val, REGIONS, STACK_METRICS, STACK_WATCH};
use super::Gen;
use rand::Rng;

impl Gen {
    pub(crate) fn noise_error(&mut self) -> Entry {
        // The region is drawn for every kind so that the random stream stays as it was.
        let region = REGIONS[self.rng.gen_range(0..REGIONS.len())];
        let mut e = match self.rng.gen_range(0..7) {
            0 => self.metrics_push_failed(region),
            1 => self.kp_poll_failed(region),
            2 => self.response_write_failed(),
            3 => self.lease_error(),
            4 => self.watch_closed(),
            5 => self.iam_token_failed(),
            _ => self.client_canceled(),
        };
        if e.level == Lvl::Error && self.rng.gen_bool(0.05) {
            e.msg.push_str(" (will not be retried)");
        }
        e
    }

    fn metrics_push_failed(&mut self, region: &str) -> Entry {
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
            "kp-events.rotation.metrics",
            "keyrotation/publish.go:54",
            "failed to publish metrics",
        )
        .err(err)
        .f("series", Val::I(self.rng.gen_range(10..45)));
        if self.rng.gen_bool(0.25) {
            e.stack = Some(STACK_METRICS);
        }
        e
    }

    fn kp_poll_failed(&mut self, region: &str) -> Entry {
        let inst = self.kp_instance();
        let err = match self.rng.gen_range(0..3) {
                    0 => format!("Get \"https://private.{region}.kms.cloud.ibm.com/api/v2/notifications?limit=200\": context deadline exceeded"),
                    1 => format!("Get \"https://private.{region}.kms.cloud.ibm.com/api/v2/notifications?limit=200\": net/http: TLS handshake timeout"),
                    _ => "context canceled".to_string(),
                };
        let mut e = Entry::new(
            Lvl::Warn,
            "kp-events.rotation.watcher",
            "keyrotation/watch.go:99",
            "Key Protect poll failed; will retry",
        )
        .err(err)
        .f("instanceID", Val::S(inst));
        if self.rng.gen_bool(0.2) {
            e.stack = Some(STACK_WATCH);
        }
        e
    }

    fn response_write_failed(&mut self) -> Entry {
        let a = self.addr("172.30");
        let b = self.addr("10");
        Entry::new(
            Lvl::Error,
            "kp-events.rotation.http",
            "keyrotation/http.go:94",
            "failed to write response",
        )
        .f("path", Val::St("/metrics"))
        .err(format!("write tcp {a}->{b}: write: broken pipe"))
    }

    fn lease_error(&mut self) -> Entry {
        let err = if self.rng.gen_bool(0.5) {
            "Get \"https://172.21.0.1:443/apis/coordination.k8s.io/v1/namespaces/armada/leases/armada-kp-events-leader\": context deadline exceeded".to_string()
        } else {
            "Get \"https://172.21.0.1:443/apis/coordination.k8s.io/v1/namespaces/armada/leases/armada-kp-events-leader\": http2: client connection lost".to_string()
        };
        Entry::new(
            Lvl::Error,
            "kp-events.rotation.leader",
            "keyrotation/elect.go:58",
            "error retrieving resource lock armada/armada-kp-events-leader",
        )
        .err(err)
    }

    fn watch_closed(&mut self) -> Entry {
        Entry::new(
            Lvl::Warn,
            "kp-events.rotation.cache",
            "keyrotation/informer.go:131",
            "watch stream closed",
        )
        .f(
            "resource",
            Val::St(["pods", "nodes", "leases"][self.rng.gen_range(0..3)]),
        )
        .err("context canceled")
    }

    fn iam_token_failed(&mut self) -> Entry {
        Entry::new(
                Lvl::Error,
                "kp-events.rotation.iam",
                "keyrotation/token.go:72",
                "IAM token refresh failed",
            )
            .err("Post \"https://private.iam.cloud.ibm.com/identity/token\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
            .f("tookMs", self.ms(10_000.0, 10_500.0))
    }

    fn client_canceled(&mut self) -> Entry {
        let remote = self.addr("172.30");
        Entry::new(
            Lvl::Warn,
            "kp-events.rotation.http",
            "keyrotation/http.go:91",
            "request canceled by client",
        )
        .f("path", Val::St("/metrics"))
        .f("remoteAddr", Val::S(remote))
        .err("context canceled")
    }
}
