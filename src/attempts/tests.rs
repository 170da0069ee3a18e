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
fn a_stated_budget_reached_is_an_inferred_exhaustion() {
    let p = pack();
    let mut b = B::new(&p);
    for n in 1..=3 {
        b.failed_attempt("c1", n, "wdek_secret")
            .with(|e| e.extra_mut().budget = Some(3));
    }
    // c2 is one attempt short of the same budget.
    for n in 1..=2 {
        b.failed_attempt("c2", n, "wdek_secret")
            .with(|e| e.extra_mut().budget = Some(3));
    }
    let r = b.run();
    assert_eq!(
        r.budget,
        Some(Budget::Stated {
            attempts: 3,
            lines: 5
        })
    );
    let c1 = r.clusters.iter().find(|c| &*c.id == "c1").unwrap();
    assert_eq!(c1.status, Status::Exhausted);
    let inf = c1.inferred.as_ref().expect("said to be inferred");
    assert_eq!((inf.budget, inf.failed_in_a_row), (3, 3));
    let c2 = r.clusters.iter().find(|c| &*c.id == "c2").unwrap();
    assert_eq!((c2.status, c2.inferred.is_none()), (Status::Retrying, true));
}

#[test]
fn a_budget_is_learned_from_a_cluster_that_exhausted() {
    let p = pack();
    let mut b = B::new(&p);
    for n in 1..=4 {
        b.failed_attempt("c1", n, "kube_client");
    }
    b.fail("c1", &["retries_exhausted"]);
    for n in 1..=4 {
        b.failed_attempt("c2", n, "kube_client");
    }
    // c3 is still running its fourth attempt: not exhausted yet.
    for n in 1..=3 {
        b.failed_attempt("c3", n, "kube_client");
    }
    b.start("c3", 4);
    let r = b.run();
    assert_eq!(
        r.budget,
        Some(Budget::Observed {
            attempts: 4,
            clusters: vec!["c1".to_string()],
            count: 1,
        })
    );
    let st = |id: &str| r.clusters.iter().find(|c| *c.id == *id).unwrap();
    assert_eq!(st("c1").status, Status::Exhausted);
    assert!(st("c1").inferred.is_none(), "a line said it");
    assert_eq!(st("c2").status, Status::Exhausted);
    assert!(st("c2").inferred.is_some());
    assert_eq!(st("c3").status, Status::Retrying);
}

#[test]
fn an_observed_budget_names_a_few_clusters_and_counts_them_all() {
    // Every inferred exhaustion carries the budget: naming every cluster
    // that showed it would grow with the square of the clusters.
    let p = pack();
    let mut b = B::new(&p);
    for k in 0..30 {
        let (shown, inferred) = (format!("s{k:02}"), format!("i{k:02}"));
        for n in 1..=3 {
            b.failed_attempt(&shown, n, "kube_client");
            b.failed_attempt(&inferred, n, "kube_client");
        }
        b.fail(&shown, &["retries_exhausted"]);
    }
    let r = b.run();
    let Some(Budget::Observed {
        attempts,
        clusters,
        count,
    }) = &r.budget
    else {
        panic!("{:?}", r.budget)
    };
    assert_eq!((*attempts, clusters.len(), *count), (3, budget::NAMED, 30));
    assert_eq!(clusters[0], "s00");
    let inferred: Vec<_> = r.clusters.iter().filter(|c| c.inferred.is_some()).collect();
    assert_eq!(inferred.len(), 30);
    assert!(inferred.iter().all(|c| c.status == Status::Exhausted));
    assert!(inferred
        .iter()
        .all(|c| c.inferred.as_ref().unwrap().from == *r.budget.as_ref().unwrap()));
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

#[test]
fn ids_known_from_fields_are_found_in_free_text() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("cl0g5m8kqlbaxhkf0sgu", 1);
    // An error naming no cluster, whose secret name holds the id.
    b.ev(None, None, None, &["wdek_secret"], None, true)
        .with(|e| e.extra_mut().ids = thin_vec::thin_vec!["cl0g5m8kqlbaxhkf0sgu".into()]);
    let r = b.run();
    assert!(r.unattributed.is_empty());
    assert_eq!(root(&p, &r.clusters[0]).as_deref(), Some("wdek_secret"));
}

#[test]
fn ids_known_from_fields_are_found_even_glued_into_words() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("cl0g5m8kqlbaxhkf0sgu", 1);
    b.ev(None, None, None, &["wdek_secret"], None, true)
        .with(|e| e.message = "patch secret kmswdekcl0g5m8kqlbaxhkf0sgu: forbidden".into());
    let r = b.run();
    assert!(r.unattributed.is_empty());
    assert_eq!(root(&p, &r.clusters[0]).as_deref(), Some("wdek_secret"));
}

#[test]
fn a_correlation_id_beside_an_id_made_certain_elsewhere() {
    // The id has no digit, so the text alone does not make it an id; a CRN
    // on a later line does. The correlation id seen beside it in the text
    // then carries an error line that names nothing else.
    let p = pack();
    let mut b = B::new(&p);
    let id = "blspgjredcjtpstfqqoo";
    b.ev(
        None,
        Some("ec8a5979"),
        Some(2),
        &[],
        Some(Marker::Started),
        false,
    )
    .with(|e| e.extra_mut().ids = thin_vec::thin_vec![id.into()]);
    b.ev(None, Some("ec8a5979"), Some(2), &[], None, true);
    b.ev(
        None,
        Some("ec8a5979"),
        Some(2),
        &["attempt_failed"],
        None,
        true,
    )
    .with(|e| e.extra_mut().ids = thin_vec::thin_vec![id.into()]);
    b.ev(Some(id), None, None, &["retries_exhausted"], None, true)
        .with(|e| e.who.source = Some(IdSource::Crn));
    let r = b.run();
    assert_eq!(r.clusters.len(), 1);
    assert_eq!(root(&p, &r.clusters[0]).as_deref(), Some("unclassified"));
}

#[test]
fn a_rotation_line_not_understood_after_the_last_outcome_makes_the_status_unknown() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("c1", 1).fail("c1", &["attempt_failed"]);
    // On the topic, naming the cluster, matching nothing.
    b.ev(Some("c1"), None, None, &[], None, false)
        .with(|e| e.topic = true);
    let r = b.run();
    let c = &r.clusters[0];
    assert_eq!((c.status, c.unknown_because), (Status::Unknown, Some(2)));
    assert_eq!(root(&p, c).as_deref(), Some("attempt_failed"));
    // An understood event after it settles the status again.
    let mut b = B::new(&p);
    b.start("c1", 1).fail("c1", &["attempt_failed"]);
    b.ev(Some("c1"), None, None, &[], None, false)
        .with(|e| e.topic = true);
    b.ok("c1");
    let c = &b.run().clusters[0];
    assert_eq!((c.status, c.unknown_because), (Status::Rotated, None));
}
