//! LogDNA exports mix in other apps of the account (armada-api, armada-deploy).

use super::records::{Entry, Lvl, Val, XID};
use super::{rand_str, Gen};
use rand::Rng;

impl Gen {
    pub(crate) fn other_app(&mut self) -> Entry {
        let cluster = if self.rot.clusters.is_empty() {
            rand_str(&mut self.rng, XID, 20)
        } else {
            self.rot.clusters[self.rng.gen_range(0..self.rot.clusters.len())].clone()
        };
        if self.rng.gen_bool(0.6) {
            self.api_request(cluster)
        } else {
            self.deploy_line(cluster)
        }
    }

    fn api_request(&mut self, cluster: String) -> Entry {
        let pod = self.rng.gen_range(1..4);
        let path =
            ["/v2/getCluster", "/v2/getWorkers", "/v2/getMasterStatus"][self.rng.gen_range(0..3)];
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
    }

    fn deploy_line(&mut self, cluster: String) -> Entry {
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
