use super::*;
use crate::classify::IdSource;
use crate::decode::Level;
use crate::event::{Owner, SourcePos};
use crate::time::Ts;

fn pack() -> Pack {
    Pack::builtin().unwrap()
}

struct B<'p> {
    pack: &'p Pack,
    events: Vec<Event>,
}

impl<'p> B<'p> {
    fn new(pack: &'p Pack) -> Self {
        B {
            pack,
            events: Vec::new(),
        }
    }

    fn ev(
        &mut self,
        cluster: Option<&str>,
        corr: Option<&str>,
        attempt: Option<u32>,
        cats: &[&str],
        marker: Option<Marker>,
        error: bool,
    ) -> &mut Self {
        let n = self.events.len() as i64;
        let ts = Some(Ts::from_nanos(
            1_700_000_000_000_000_000 + n * 1_000_000_000,
        ));
        self.events.push(Event {
            ts,
            order_ts: ts,
            pos: SourcePos::new(0, n as u64 + 1, None),
            seq: n,
            who: Owner {
                cluster: cluster.map(Into::into),
                source: cluster.map(|_| IdSource::Field),
                attempt,
            },
            categories: cats
                .iter()
                .map(|c| self.pack.category_id(c).unwrap())
                .collect(),
            marker,
            hint: None,
            topic: false,
            key: false,
            phrase: true,
            error,
            level: if error { Level::Error } else { Level::Info },
            pod: None,
            extra: crate::event::Extra {
                corr: corr.map(Into::into),
                ..Default::default()
            }
            .boxed(),
            message: format!("event {n}").into(),
            templated: false,
        });
        self
    }

    fn start(&mut self, c: &str, n: u32) -> &mut Self {
        self.ev(Some(c), None, Some(n), &[], Some(Marker::Started), false)
    }

    fn fail(&mut self, c: &str, cats: &[&str]) -> &mut Self {
        self.ev(Some(c), None, None, cats, None, true)
    }

    fn ok(&mut self, c: &str) -> &mut Self {
        self.ev(Some(c), None, None, &[], Some(Marker::Succeeded), false)
    }

    fn run(&mut self) -> Rebuilt {
        rebuild(&mut self.events, self.pack)
    }
}

fn root(p: &Pack, c: &Cluster) -> Option<String> {
    c.root_cause.map(|r| p.category(r).id.to_string())
}

#[test]
fn retries_then_exhaustion() {
    let p = pack();
    let mut b = B::new(&p);
    for n in 1..=3 {
        b.start("c1", n)
            .fail("c1", &["wdek_secret"])
            .fail("c1", &["attempt_failed"]);
    }
    b.fail("c1", &["retries_exhausted"]);
    let r = b.run();
    let c = &r.clusters[0];
    assert_eq!(
        (c.status, c.attempts.len(), c.failed_attempts()),
        (Status::Exhausted, 3, 3)
    );
    assert_eq!(root(&p, c).as_deref(), Some("wdek_secret"));
    assert!(c.attempts[2].exhausted);
    let counts = c.failure_counts();
    assert_eq!(counts[&p.category_id("wdek_secret").unwrap()], 3);
    assert_eq!(counts[&p.category_id("retries_exhausted").unwrap()], 1);
}

#[test]
fn success_ends_the_streak() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("c2", 1)
        .fail("c2", &["kube_client", "attempt_failed"])
        .start("c2", 2)
        .ok("c2");
    let r = b.run();
    let c = &r.clusters[0];
    assert_eq!(
        (c.status, c.attempts.len(), c.failed_attempts()),
        (Status::Rotated, 2, 1)
    );
    assert_eq!(c.root_cause, None);
    assert!(c.streak().is_empty());
    assert_eq!(c.failure_events().len(), 1);
}

#[test]
fn a_failed_attempt_then_a_new_start_is_retrying() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("c4", 1)
        .fail("c4", &["attempt_failed"])
        .start("c4", 2);
    let c = &b.run().clusters[0];
    assert_eq!(c.status, Status::Retrying);
    assert_eq!(c.attempts[1].outcome, Outcome::InProgress);
    assert_eq!(root(&p, c).as_deref(), Some("attempt_failed"));
}

#[test]
fn start_only_is_unknown() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("c9", 1);
    let c = &b.run().clusters[0];
    assert_eq!((c.status, c.root_cause), (Status::Unknown, None));
}

#[test]
fn correlation_ids_attribute_lines_in_either_direction() {
    let p = pack();
    let mut b = B::new(&p);
    // The corr-only error comes before the line that names the cluster.
    b.ev(None, Some("d0"), None, &["etcd"], None, true);
    b.ev(
        Some("c4"),
        Some("d0"),
        Some(1),
        &[],
        Some(Marker::Started),
        false,
    );
    b.ev(None, Some("d0"), Some(1), &[], None, true);
    b.ev(None, Some("d0"), Some(1), &["attempt_failed"], None, true);
    let r = b.run();
    assert!(r.unattributed.is_empty());
    let c = &r.clusters[0];
    assert_eq!(&*c.id, "c4");
    assert_eq!(c.status, Status::Retrying);
    let counts = c.failure_counts();
    assert!(counts.contains_key(&p.category_id("etcd").unwrap()));
    assert!(
        counts.contains_key(&p.category_id("unclassified").unwrap()),
        "{counts:?}"
    );
}

#[test]
fn errors_outside_a_rotation_are_not_failures() {
    let p = pack();
    let mut b = B::new(&p);
    b.ev(Some("c5"), None, None, &[], None, true);
    b.start("c6", 1).ok("c6");
    b.ev(Some("c6"), None, None, &[], None, true);
    let r = b.run();
    // c5 is listed, not dropped: unknown, its error line not understood.
    let c5 = r.clusters.iter().find(|c| &*c.id == "c5").unwrap();
    assert_eq!((c5.status, c5.not_understood.len()), (Status::Unknown, 1));
    assert!(c5.failure_events().is_empty());
    let c6 = r.clusters.iter().find(|c| &*c.id == "c6").unwrap();
    assert_eq!((c6.status, c6.not_understood.len()), (Status::Rotated, 1));
    assert_eq!(r.not_understood, [0, 3]);
}

#[test]
fn unattributed_failures_are_kept_apart() {
    let p = pack();
    let mut b = B::new(&p);
    b.ev(None, None, None, &["etcd"], None, true);
    let r = b.run();
    assert_eq!(r.unattributed, [0]);
    assert!(r.clusters.is_empty());
}

#[test]
fn the_latest_of_equally_specific_causes_wins() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("c1", 1).fail("c1", &["etcd", "attempt_failed"]);
    b.start("c1", 2)
        .fail("c1", &["kube_client", "attempt_failed"]);
    b.fail("c1", &["retries_exhausted"]);
    let c = &b.run().clusters[0];
    assert_eq!(root(&p, c).as_deref(), Some("kube_client"));
}

#[test]
fn a_failure_without_its_closing_line_still_fails_the_attempt() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("c1", 1).fail("c1", &["wdek_secret"]);
    let c = &b.run().clusters[0];
    assert_eq!((c.status, c.failed_attempts()), (Status::Retrying, 1));
}

#[test]
fn attempt_numbers_split_attempts_without_start_lines() {
    let p = pack();
    let mut b = B::new(&p);
    b.ev(Some("c1"), None, Some(1), &["wdek_secret"], None, true);
    b.ev(Some("c1"), None, Some(2), &["wdek_secret"], None, true);
    b.ev(Some("c1"), None, Some(2), &["attempt_failed"], None, true);
    let c = &b.run().clusters[0];
    assert_eq!((c.attempts.len(), c.failed_attempts()), (2, 2));
}

impl B<'_> {
    /// Changes the last event.
    fn with(&mut self, f: impl FnOnce(&mut Event)) -> &mut Self {
        f(self.events.last_mut().unwrap());
        self
    }

    /// A numbered failed attempt: start, cause, "attempt failed".
    fn failed_attempt(&mut self, c: &str, n: u32, cause: &str) -> &mut Self {
        self.start(c, n).fail(c, &[cause]).ev(
            Some(c),
            None,
            Some(n),
            &["attempt_failed"],
            None,
            true,
        )
    }
}

#[test]
fn attempt_numbers_starting_over_begin_a_new_round() {
    let p = pack();
    let mut b = B::new(&p);
    b.failed_attempt("c1", 1, "etcd")
        .failed_attempt("c1", 2, "etcd");
    b.fail("c1", &["retries_exhausted"]);
    // The pod was deleted: attempt 1 again, and it succeeds.
    b.start("c1", 1).ok("c1");
    let r = b.run();
    let c = &r.clusters[0];
    assert_eq!((c.status, c.rounds), (Status::Rotated, 2));
    assert_eq!(c.history, [Status::Exhausted]);
    assert_eq!(c.root_cause, None);
    assert_eq!(c.current().len(), 1);
    assert_eq!(c.failed_attempts(), 2, "history keeps the earlier round");
}

#[test]
fn a_new_key_or_a_new_pod_begins_a_new_round() {
    let p = pack();
    let mut b = B::new(&p);
    b.failed_attempt("c1", 1, "wdek_secret");
    b.ev(None, None, None, &[], Some(Marker::Detected), false);
    b.start("c1", 1);
    let r = b.run();
    assert_eq!(
        (r.clusters[0].rounds, r.clusters[0].status),
        (2, Status::Unknown)
    );

    let mut b = B::new(&p);
    b.failed_attempt("c2", 1, "wdek_secret")
        .with(|e| e.pod = Some("armada-kp-events-a".into()));
    b.ok("c2")
        .with(|e| e.pod = Some("armada-kp-events-b".into()));
    let r = b.run();
    assert_eq!(
        (r.clusters[0].rounds, r.clusters[0].status),
        (2, Status::Rotated)
    );
}

#[test]
fn root_cause_precedence_with_or_without_a_start_line() {
    let p = pack();
    // Cause > unclassified > attempt_failed > summary, latest among equals.
    for with_start in [true, false] {
        let mut b = B::new(&p);
        if with_start {
            b.start("c1", 1);
        }
        // An error line before any failure line: unclassified once the
        // failure that follows shows it was the attempt's.
        b.ev(Some("c1"), None, None, &[], None, true);
        b.fail("c1", &["attempt_failed"]);
        let r = b.run();
        let c = &r.clusters[0];
        assert_eq!(
            root(&p, c).as_deref(),
            Some("unclassified"),
            "start: {with_start}"
        );
        assert_eq!(c.failed_attempts(), 1, "start: {with_start}");
    }
    let mut b = B::new(&p);
    b.fail("c1", &["attempt_failed"])
        .fail("c1", &["kube_client"]);
    b.fail("c1", &["retries_exhausted"]);
    assert_eq!(
        root(&p, &b.run().clusters[0]).as_deref(),
        Some("kube_client")
    );
}

#[test]
fn words_are_taken_on_the_topic_or_inside_a_rotation() {
    let p = pack();
    let mut b = B::new(&p);
    // "max retries reached" for c1, which is in a rotation: exhausted.
    b.failed_attempt("c1", 1, "etcd");
    b.ev(Some("c1"), None, None, &[], None, true)
        .with(|e| e.hint = Some(Hint::Exhausted));
    // The same words for c2, with no rotation at all: not understood.
    b.ev(Some("c2"), None, None, &[], None, false)
        .with(|e| e.hint = Some(Hint::Exhausted));
    // A success said on the topic, with no start line: rotated.
    b.ev(Some("c3"), None, None, &[], None, false).with(|e| {
        e.hint = Some(Hint::Succeeded);
        e.topic = true;
    });
    let r = b.run();
    let st = |id: &str| r.clusters.iter().find(|c| *c.id == *id).unwrap();
    assert_eq!(st("c1").status, Status::Exhausted);
    assert_eq!(
        (st("c2").status, st("c2").not_understood.len()),
        (Status::Unknown, 1)
    );
    assert_eq!(st("c3").status, Status::Rotated);
}

mod budgets;
mod ids;
