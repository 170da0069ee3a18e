//! Exhaustion inferred from a retry budget, stated or learned.

use super::*;

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
