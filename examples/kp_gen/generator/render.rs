//! Records as physical lines of each format.

use super::json::{json_str, push_app_keys, zap_json};
use super::records::Entry;
use super::{Fmt, Gen};
use rand::Rng;
use std::fmt::Write as _;

/// LogDNA's own top-level keys: an app field of the same name is renamed with a leading `_`.
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

impl Gen {
    /// Renders `e` as physical lines (each ending in `\n`) into `out`; returns the line count.
    pub(crate) fn render(&mut self, e: &Entry, out: &mut String) -> u64 {
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
            Fmt::CloudLogs => {
                let ts = self.kubelet(e.t_ns);
                let logid = super::uuid(&mut self.rng);
                self.cloud_logs(out, e, ts, &logid);
                out.push('\n');
                1
            }
        }
    }

    /// The kubelet's time for a record: app time plus a 20-400 us write delay (at 2,000 lines
    /// a second the fixtures' 0.1-3 ms would bunch every stamp), never going back.
    pub(crate) fn kubelet(&mut self, t_ns: u64) -> u64 {
        let t = t_ns + self.rng.gen_range(20_000..400_000);
        self.kubelet_ns = t.max(self.kubelet_ns + 1_000);
        self.kubelet_ns
    }

    /// One IBM Cloud Logs result line. `user_data` is the kubelet's record as the agent ships
    /// it (a JSON document in a string), so the zap line inside is escaped twice.
    fn cloud_logs(&mut self, out: &mut String, e: &Entry, kubelet_ns: u64, logid: &str) {
        let pod = &self.pods[e.pod];
        let mut app_line = String::with_capacity(512);
        zap_json(&mut app_line, e);
        app_line.push('\n');
        let mut user = String::with_capacity(app_line.len() + 512);
        user.push_str("{\"kubernetes\":{\"pod_name\":");
        json_str(&mut user, &pod.name);
        user.push_str(",\"namespace_name\":\"armada\",\"pod_id\":");
        json_str(&mut user, &pod.container_id[..36]);
        user.push_str(",\"host\":");
        json_str(&mut user, pod.node.trim_end());
        user.push_str(",\"container_name\":");
        json_str(&mut user, pod.app);
        user.push_str(",\"docker_id\":");
        json_str(&mut user, &pod.container_id);
        user.push_str(",\"container_hash\":\"us.icr.io/armada-master/");
        user.push_str(pod.app);
        user.push_str("@sha256:");
        user.push_str(&pod.container_id);
        user.push_str("\"},\"log\":");
        json_str(&mut user, &app_line);
        user.push_str(",\"stream\":\"stderr\",\"time\":\"");
        let mut stamp = String::with_capacity(40);
        self.ts_cache.push_kubelet(&mut stamp, kubelet_ns);
        user.push_str(&stamp);
        user.push_str("\"}");
        let severity = match e.level {
            super::records::Lvl::Debug => "1",
            super::records::Lvl::Info => "3",
            super::records::Lvl::Warn => "4",
            super::records::Lvl::Error => "5",
        };
        out.push_str("{\"metadata\":[{\"key\":\"timestamp\",\"value\":\"");
        self.ts_cache.push_cloud_logs(out, e.t_ns);
        out.push_str("\"},{\"key\":\"severity\",\"value\":\"");
        out.push_str(severity);
        out.push_str("\"},{\"key\":\"logid\",\"value\":\"");
        out.push_str(logid);
        out.push_str("\"},{\"key\":\"priorityclass\",\"value\":\"medium\"}],\"labels\":[{\"key\":\"applicationname\",\"value\":\"armada\"},{\"key\":\"subsystemname\",\"value\":");
        json_str(out, pod.app);
        out.push_str("}],\"user_data\":");
        json_str(out, &user);
        out.push('}');
    }

    fn logdna(&self, out: &mut String, e: &Entry, id: u64) {
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
        // `level` is already the line's level above.
        push_app_keys(out, e, RESERVED);
    }
}
