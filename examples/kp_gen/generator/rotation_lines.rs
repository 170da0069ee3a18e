//! The log lines of rotation steps.

use super::records::{Entry, Lvl, Val, REGIONS};
use super::rotations::{Cause, Step};
use super::Gen;
use rand::Rng;

const LOGGER: &str = "kp-events.rotation";

/// Adds the ids the rotation code logs with: the cluster (unless the line leaves it to the
/// CorrID), the CorrID, and the attempt.
fn with_ids(mut e: Entry, cluster: Option<String>, corr: String, attempt: Option<u32>) -> Entry {
    if let Some(cl) = cluster {
        e = e.f("clusterID", Val::S(cl));
    }
    e = e.f("CorrID", Val::S(corr));
    if let Some(a) = attempt {
        e = e.f("attempt", Val::I(i64::from(a)));
    }
    e
}

impl Gen {
    pub(crate) fn render_step(&mut self, c: usize, step: Step) -> Entry {
        if !std::mem::replace(&mut self.rot.touched[c], true) {
            self.rot.touched_count += 1;
        }
        // A failure inside an attempt already makes the cluster retrying.
        match step {
            Step::Success { .. } => self.rot.outcome[c] = "rotated",
            Step::Failure { .. } | Step::AttemptFailed { .. } => self.rot.outcome[c] = "retrying",
            Step::GaveUp { .. } => self.rot.outcome[c] = "exhausted",
            Step::Start { .. } => {}
        }
        let cluster = self.rot.clusters[c].clone();
        match step {
            Step::Start { attempt, corr } => with_ids(
                Entry::new(
                    Lvl::Info,
                    LOGGER,
                    "rotation/rotate.go:98",
                    "Starting rotation of service iam-api-key",
                ),
                Some(cluster),
                corr,
                Some(attempt),
            ),
            Step::Failure {
                attempt,
                corr,
                cause,
                error,
                with_cluster,
            } => {
                let cluster = with_cluster.then_some(cluster);
                failure_line(cause, error, cluster, corr, attempt)
            }
            Step::AttemptFailed {
                attempt,
                corr,
                error,
                stack,
                with_cluster,
            } => {
                let mut e =
                    self.attempt_failed_line(with_cluster.then_some(cluster), corr, attempt);
                e.error = error;
                e.stack = stack;
                e
            }
            Step::Success { corr } => self.success_line(cluster, corr),
            Step::GaveUp {
                attempts,
                with_field,
            } => self.gave_up_line(c, cluster, attempts, with_field),
        }
    }

    fn attempt_failed_line(
        &mut self,
        cluster: Option<String>,
        corr: String,
        attempt: u32,
    ) -> Entry {
        let msg = if self.rng.gen_bool(0.1) {
            "rotation attempt failed"
        } else {
            "Rotation attempt failed"
        };
        with_ids(
            Entry::new(Lvl::Error, LOGGER, "rotation/rotate.go:142", msg),
            cluster,
            corr,
            Some(attempt),
        )
    }

    fn success_line(&mut self, cluster: String, corr: String) -> Entry {
        let msg = if self.rng.gen_bool(0.1) {
            "Rotated service api key successfully"
        } else {
            "Successfully rotated service IAM API key"
        };
        let ms = self.rng.gen_range(200.0..4000.0);
        with_ids(
            Entry::new(Lvl::Info, LOGGER, "rotation/rotate.go:151", msg),
            Some(cluster),
            corr,
            None,
        )
        .f("durationMs", Val::F(ms, 1))
    }

    fn gave_up_line(&self, c: usize, cluster: String, attempts: u32, with_field: bool) -> Entry {
        let msg = format!(
            "Failure to rotate the service iam-api-key for resource crn:v1:bluemix:public:containers-kubernetes:{}:a/{}:{}:: after {attempts} attempts; giving up",
            REGIONS[c % REGIONS.len()],
            self.account,
            cluster
        );
        let e = Entry::new(Lvl::Error, LOGGER, "rotation/rotate.go:118", msg);
        if with_field {
            e.f("clusterID", Val::S(cluster))
        } else {
            e
        }
    }
}

fn failure_line(
    cause: Cause,
    error: String,
    cluster: Option<String>,
    corr: String,
    attempt: u32,
) -> Entry {
    let (msg, caller) = match cause {
        Cause::Wdek => ("Failed to update WDEK Secret", "rotation/wdek.go:61"),
        Cause::KubeClient => (
            "failed to create kubernetes client",
            "rotation/kubeclient.go:37",
        ),
        Cause::Etcd => ("failed to read cluster record", "store/cluster.go:73"),
        Cause::Other => (
            "error completing request, the cluster is busy with another KMS action",
            "rotation/kms.go:88",
        ),
    };
    let e = with_ids(
        Entry::new(Lvl::Error, LOGGER, caller, msg),
        cluster,
        corr,
        Some(attempt),
    );
    if error.is_empty() {
        e
    } else {
        e.err(error)
    }
}
