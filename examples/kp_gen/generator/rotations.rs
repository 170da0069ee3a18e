//! Rotation rounds: which clusters rotate, and how each rotation goes.

use super::records::{
    Entry, Lvl, Val, KEY_CONFLICT, REGIONS, STACK_KUBECLIENT, STACK_ROTATE, STACK_STORE,
};
use super::{uuid, Gen};
use rand::seq::SliceRandom;
use rand::Rng;

#[derive(Clone, Copy)]
pub(crate) enum Cause {
    Wdek,
    KubeClient,
    Etcd,
    Other,
}

pub(crate) enum Step {
    Start {
        attempt: u32,
        corr: String,
    },
    Failure {
        attempt: u32,
        corr: String,
        cause: Cause,
        error: String,
        with_cluster: bool,
    },
    AttemptFailed {
        attempt: u32,
        corr: String,
        error: Option<String>,
        stack: Option<&'static [&'static str]>,
        with_cluster: bool,
    },
    Success {
        corr: String,
    },
    GaveUp {
        attempts: u32,
        with_field: bool,
    },
}

pub(crate) struct Job {
    pub(crate) cluster: usize,
    pub(crate) steps: Vec<Step>,
    pub(crate) next: usize,
}

/// Rotation rounds over the cluster pool: each round (a new service key was detected) rotates
/// every cluster once, `concurrency` clusters at a time, their lines interleaved.
pub(crate) struct Rotations {
    pub(crate) clusters: Vec<String>,
    pub(crate) queue: Vec<usize>,
    pub(crate) active: Vec<Job>,
    pub(crate) concurrency: usize,
    pub(crate) rounds: u64,
    pub(crate) touched: Vec<bool>,
    pub(crate) touched_count: usize,
    /// The latest outcome per cluster, for `--truth`.
    pub(crate) outcome: Vec<&'static str>,
}

impl Rotations {
    pub(crate) fn new(clusters: Vec<String>) -> Rotations {
        let n = clusters.len();
        Rotations {
            touched: vec![false; n],
            clusters,
            queue: Vec::new(),
            active: Vec::new(),
            concurrency: n.clamp(1, 32),
            rounds: 0,
            touched_count: 0,
            outcome: vec!["unknown"; n],
        }
    }
}

/// How a cluster's rotation ends in a round.
enum End {
    Success,
    GaveUp,
    Retrying { restart: bool },
}

impl Gen {
    pub(crate) fn rotation(&mut self) -> Entry {
        if self.rot.active.is_empty() && self.rot.queue.is_empty() {
            self.rot.rounds += 1;
            self.rot.queue = (0..self.rot.clusters.len()).rev().collect();
            self.rot.queue.shuffle(&mut self.rng);
            let key = uuid(&mut self.rng);
            return Entry::new(
                Lvl::Info,
                "kp-events.watcher",
                "watcher/watch.go:63",
                "Detected new service IAM API key; rotating it on all managed clusters",
            )
            .f("keyID", Val::S(key))
            .f("clusters", Val::I(self.rot.clusters.len() as i64));
        }
        while self.rot.active.len() < self.rot.concurrency {
            let Some(c) = self.rot.queue.pop() else { break };
            let steps = self.plan(c);
            self.rot.active.push(Job {
                cluster: c,
                steps,
                next: 0,
            });
        }
        let j = self.rng.gen_range(0..self.rot.active.len());
        let job = &mut self.rot.active[j];
        let cluster = job.cluster;
        let step = std::mem::replace(
            &mut job.steps[job.next],
            Step::GaveUp {
                attempts: 0,
                with_field: false,
            },
        );
        job.next += 1;
        if job.next == job.steps.len() {
            self.rot.active.swap_remove(j);
        }
        self.render_step(cluster, step)
    }

    /// One cluster's rotation in this round: how it ends, and what fails on the way.
    fn plan(&mut self, c: usize) -> Vec<Step> {
        let (failures, end, cause) = self.plan_outline();
        let mut steps = Vec::new();
        for attempt in 1..=failures {
            self.plan_failed_attempt(c, cause, attempt, &mut steps);
        }
        self.plan_end(end, failures, &mut steps);
        steps
    }

    /// How many attempts fail, how the rotation ends, and why its attempts fail.
    fn plan_outline(&mut self) -> (u32, End, Cause) {
        let rng = &mut self.rng;
        let r: f64 = rng.gen();
        let (failures, end) = if r < 0.74 {
            (0, End::Success)
        } else if r < 0.88 {
            (rng.gen_range(1..=2), End::Success)
        } else if r < 0.95 {
            (3, End::GaveUp)
        } else {
            (
                rng.gen_range(1..=2),
                End::Retrying {
                    restart: rng.gen_bool(0.5),
                },
            )
        };
        // A cluster's failure tends to persist across its attempts.
        let cause = match rng.gen_range(0..100) {
            0..=44 => Cause::Wdek,
            45..=74 => Cause::KubeClient,
            75..=81 => Cause::Etcd,
            _ => Cause::Other,
        };
        (failures, end, cause)
    }

    fn plan_failed_attempt(&mut self, c: usize, cause: Cause, attempt: u32, steps: &mut Vec<Step>) {
        let corr = uuid(&mut self.rng);
        steps.push(Step::Start {
            attempt,
            corr: corr.clone(),
        });
        let error = self.cause_error(cause, c);
        // Some failure lines carry only the CorrID the start line paired with the cluster.
        let with_cluster = !self.rng.gen_bool(0.2);
        let wrap = match cause {
            Cause::Wdek => "failed to update WDEK secret",
            Cause::KubeClient => "failed to create kubernetes client",
            Cause::Etcd => "failed to read cluster record",
            Cause::Other => "error completing request",
        };
        let attempt_error = if self.rng.gen_bool(0.15) {
            None
        } else if error.is_empty() {
            Some(format!(
                "{wrap}: the cluster is busy with another KMS action"
            ))
        } else {
            Some(format!("{wrap}: {error}"))
        };
        let stack = (attempt_error.is_some() && self.rng.gen_bool(0.3)).then_some(match cause {
            Cause::KubeClient => STACK_KUBECLIENT,
            Cause::Etcd => STACK_STORE,
            Cause::Wdek | Cause::Other => STACK_ROTATE,
        });
        steps.push(Step::Failure {
            attempt,
            corr: corr.clone(),
            cause,
            error,
            with_cluster,
        });
        steps.push(Step::AttemptFailed {
            attempt,
            corr,
            error: attempt_error,
            stack,
            with_cluster: with_cluster || self.rng.gen_bool(0.5),
        });
    }

    fn plan_end(&mut self, end: End, failures: u32, steps: &mut Vec<Step>) {
        match end {
            End::Success => {
                let corr = uuid(&mut self.rng);
                steps.push(Step::Start {
                    attempt: failures + 1,
                    corr: corr.clone(),
                });
                steps.push(Step::Success { corr });
            }
            End::GaveUp => steps.push(Step::GaveUp {
                attempts: failures,
                with_field: self.rng.gen_bool(0.5),
            }),
            End::Retrying { restart } => {
                if restart {
                    steps.push(Step::Start {
                        attempt: failures + 1,
                        corr: uuid(&mut self.rng),
                    });
                }
            }
        }
    }

    fn cause_error(&mut self, cause: Cause, c: usize) -> String {
        let rng = &mut self.rng;
        match cause {
            Cause::Wdek => KEY_CONFLICT.to_string(),
            Cause::KubeClient => {
                let master = format!(
                    "c{}.{}.containers.cloud.ibm.com",
                    rng.gen_range(100..140),
                    REGIONS[c % REGIONS.len()]
                );
                let port = rng.gen_range(30000..32768);
                match rng.gen_range(0..4) {
                    0 => format!(
                        "Get \"https://{master}:{port}/version\": x509: certificate signed by unknown authority"
                    ),
                    1 => format!(
                        "Get \"https://{master}:{port}/version\": x509: certificate has expired or is not yet valid: current time 2026-11-20T{:02}:{:02}:{:02}Z is after 2026-11-19T23:59:59Z",
                        rng.gen_range(0..24),
                        rng.gen_range(0..60),
                        rng.gen_range(0..60)
                    ),
                    2 => format!(
                        "Get \"https://{master}:{port}/version\": dial tcp 10.{}.{}.{}:{port}: i/o timeout",
                        rng.gen_range(0..256),
                        rng.gen_range(0..256),
                        rng.gen_range(2..255)
                    ),
                    _ => format!(
                        "dial tcp 10.{}.{}.{}:{port}: connect: connection refused",
                        rng.gen_range(0..256),
                        rng.gen_range(0..256),
                        rng.gen_range(2..255)
                    ),
                }
            }
            Cause::Etcd => "etcdserver: request timed out".to_string(),
            // The KMS-busy message carries no error field.
            Cause::Other => String::new(),
        }
    }
}
