//! Service noise: the ordinary traffic of armada-kp-events around its rotations.

use super::records::{Entry, Lvl, Val, REGIONS};
use super::timestamps::iso_ms;
use super::{uuid, Gen};
use rand::Rng;
use std::fmt::Write as _;

impl Gen {
    /// An address in the network `prefix` (one or two leading octets).
    pub(crate) fn ip(&mut self, prefix: &str) -> String {
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

    pub(crate) fn addr(&mut self, first: &str) -> String {
        let ip = self.ip(first);
        format!("{ip}:{}", self.rng.gen_range(32768..61000))
    }

    pub(crate) fn ms(&mut self, lo: f64, hi: f64) -> Val {
        // Log-uniform: most requests are quick, a few are slow.
        let x = (self.rng.gen_range(lo.ln()..hi.ln())).exp();
        Val::F(x, 3)
    }

    pub(crate) fn kp_instance(&mut self) -> String {
        self.kp_instances[self.rng.gen_range(0..self.kp_instances.len())].clone()
    }

    pub(crate) fn noise(&mut self) -> Entry {
        let pick = self.rng.gen_range(0..1000);
        match pick {
            0..=269 => self.probe(),
            270..=379 => self.metrics_scrape(),
            380..=419 => self.watching(),
            420..=519 => self.lease_renewed(),
            520..=659 => self.kp_poll(),
            660..=699 => self.kp_event(),
            700..=769 => self.informer(),
            770..=819 => self.metrics_published(),
            820..=849 => self.runtime_stats(),
            850..=889 => self.inventory(),
            890..=909 => self.slow_kp(),
            _ => self.noise_error(),
        }
    }

    fn probe(&mut self) -> Entry {
        let path = ["/healthz", "/readyz", "/livez"][self.rng.gen_range(0..3)];
        let dur = self.ms(0.02, 3.0);
        let remote = self.addr("10");
        let bytes = self.rng.gen_range(2..17);
        http_request(path, dur, remote, "kube-probe/1.29", bytes)
    }

    fn metrics_scrape(&mut self) -> Entry {
        let dur = self.ms(0.8, 60.0);
        let remote = self.addr("172.30");
        let bytes = self.rng.gen_range(9_000..48_000);
        let mut e = http_request("/metrics", dur, remote, "Prometheus/2.48.1", bytes);
        if self.rng.gen_bool(0.5) {
            e = e.f("contentEncoding", Val::St("gzip"));
        }
        e
    }

    fn watching(&mut self) -> Entry {
        let inst = self.kp_instance();
        let region = REGIONS[self.rng.gen_range(0..REGIONS.len())];
        Entry::new(
            Lvl::Info,
            "kp-events.rotation.watcher",
            "keyrotation/watch.go:41",
            "Watching for key events",
        )
        .f("instanceID", Val::S(inst))
        .f("region", Val::St(region))
        .f("subscriptions", Val::I(self.rng.gen_range(1..6)))
    }

    fn lease_renewed(&mut self) -> Entry {
        let holder = self.pods[0].name.clone();
        let took = self.ms(1.0, 80.0);
        let observed = iso_ms(self.t_ns);
        Entry::new(
            Lvl::Info,
            "kp-events.rotation.leader",
            "keyrotation/elect.go:52",
            "Renewed leader lease",
        )
        .f("lease", Val::St("armada/armada-kp-events-leader"))
        .f("holder", Val::S(holder))
        .f("leaseDuration", Val::St("15s"))
        .f("renewDeadline", Val::St("10s"))
        .f("observedTime", Val::S(observed))
        .f("tookMs", took)
    }

    fn kp_poll(&mut self) -> Entry {
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
            "kp-events.rotation.watcher",
            "keyrotation/watch.go:88",
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

    fn kp_event(&mut self) -> Entry {
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
            "kp-events.rotation.watcher",
            "keyrotation/events.go:57",
            "Received Key Protect event",
        )
        .f("eventType", Val::St(kind))
        .f("instanceID", Val::S(inst))
        .f("keyID", Val::S(key))
        .f("initiator", Val::S(format!("iam-ServiceId-{initiator}")))
        .f("outcome", Val::St("success"))
    }

    fn informer(&mut self) -> Entry {
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
        Entry::new(
            Lvl::Info,
            "kp-events.rotation.cache",
            "keyrotation/informer.go:112",
            msg,
        )
        .f("resource", Val::St(resource))
        .f("items", Val::I(self.rng.gen_range(1..5000)))
        .f(
            "resourceVersion",
            Val::S(self.rng.gen_range(10_000_000u64..999_999_999).to_string()),
        )
        .f("durationMs", dur)
    }

    fn metrics_published(&mut self) -> Entry {
        let dur = self.ms(5.0, 400.0);
        Entry::new(
            Lvl::Info,
            "kp-events.rotation.metrics",
            "keyrotation/publish.go:49",
            "Published metrics",
        )
        .f("series", Val::I(self.rng.gen_range(10..45)))
        .f("bytes", Val::I(self.rng.gen_range(800..6000)))
        .f("durationMs", dur)
    }

    fn runtime_stats(&mut self) -> Entry {
        Entry::new(
            Lvl::Debug,
            "kp-events.rotation",
            "keyrotation/stats.go:33",
            "Runtime stats",
        )
        .f("goroutines", Val::I(self.rng.gen_range(40..260)))
        .f(
            "heapAllocBytes",
            Val::I(self.rng.gen_range(8_000_000..90_000_000)),
        )
        .f("numGC", Val::I(self.rng.gen_range(1000..90000)))
        .f("gcPauseMs", Val::F(self.rng.gen_range(0.01..3.0), 3))
    }

    fn inventory(&mut self) -> Entry {
        let region = REGIONS[self.rng.gen_range(0..REGIONS.len())];
        let dur = self.ms(20.0, 2000.0);
        let n = self.rot.clusters.len() as i64;
        Entry::new(
            Lvl::Info,
            "kp-events.rotation.inventory",
            "keyrotation/refresh.go:66",
            "Refreshed managed cluster list",
        )
        .f("region", Val::St(region))
        .f("clusters", Val::I(n))
        .f("durationMs", dur)
    }

    fn slow_kp(&mut self) -> Entry {
        let dur = self.ms(1500.0, 9000.0);
        let inst = self.kp_instance();
        Entry::new(
            Lvl::Warn,
            "kp-events.rotation.watcher",
            "keyrotation/watch.go:95",
            "Slow Key Protect response",
        )
        .f("instanceID", Val::S(inst))
        .f("op", Val::St("ListEvents"))
        .f("durationMs", dur)
    }
}

/// The HTTP server's access line, shared by kubelet probes and Prometheus scrapes.
fn http_request(
    path: &'static str,
    dur: Val,
    remote: String,
    agent: &'static str,
    bytes: i64,
) -> Entry {
    Entry::new(
        Lvl::Info,
        "kp-events.rotation.http",
        "keyrotation/http.go:87",
        "Handled request",
    )
    .f("method", Val::St("GET"))
    .f("path", Val::St(path))
    .f("status", Val::I(200))
    .f("durationMs", dur)
    .f("remoteAddr", Val::S(remote))
    .f("userAgent", Val::St(agent))
    .f("bytes", Val::I(bytes))
}
