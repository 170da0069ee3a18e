use super::*;

use std::sync::LazyLock;

static CLASSIFIER: LazyLock<Classifier> =
    LazyLock::new(|| Classifier::new(Pack::builtin().expect("the default pack loads")));

fn classifier() -> &'static Classifier {
    &CLASSIFIER
}

fn ids(c: &Classifier, line: &str) -> Vec<String> {
    c.classify(line)
        .categories
        .iter()
        .map(|&id| c.pack.category(id).id.to_string())
        .collect()
}

#[test]
fn every_sample_classifies_to_its_rule_target() {
    let c = classifier();
    for rule in &c.pack.rules {
        for sample in &rule.samples {
            assert!(
                c.is_candidate(sample.as_bytes()),
                "prefilter drops {} sample {sample:?}",
                rule.id
            );
            let got = c.classify(sample);
            match rule.target {
                Target::Category(cat) => assert!(
                    got.categories.contains(&cat),
                    "rule {} sample {sample:?} gave {:?}",
                    rule.id,
                    ids(c, sample)
                ),
                Target::Marker(m) => {
                    assert_eq!(got.marker, Some(m), "rule {} sample {sample:?}", rule.id)
                }
            }
        }
    }
}

#[test]
fn runbook_phrases_in_their_natural_variants() {
    let c = classifier();
    let cases = [
        ("ETCD failure while reading cluster record", "etcd"),
        ("etcd failure", "etcd"),
        ("Failed to create a Kube Client", "kube_client"),
        ("failed to create kubernetes client", "kube_client"),
        ("FAILED TO BUILD CLIENTSET", "kube_client"),
        ("kube client creation failed", "kube_client"),
        ("Failed to update WDEK Secret", "wdek_secret"),
        ("WDEK secret update failed", "wdek_secret"),
        ("Rotation attempt failed", "attempt_failed"),
        ("rotation attempt failed", "attempt_failed"),
        (
            "Failure to rotate the service iam-api-key",
            "retries_exhausted",
        ),
        ("failed to rotate service IAM API key", "retries_exhausted"),
        ("failed to rotate the service apikey", "retries_exhausted"),
        ("IAM API key rotation failed", "retries_exhausted"),
    ];
    for (line, want) in cases {
        assert_eq!(
            ids(c, line).first().map(String::as_str),
            Some(want),
            "{line}"
        );
    }
}

#[test]
fn wrapped_errors_keep_every_category_and_name_the_most_specific() {
    let c = classifier();
    assert_eq!(
        ids(c, "rotation attempt failed: failed to update WDEK secret: Operation cannot be fulfilled on secrets \"kp-wdek\""),
        ["wdek_secret", "attempt_failed"]
    );
    assert_eq!(
        ids(c, "Rotation attempt failed: etcdserver: request timed out"),
        ["etcd", "attempt_failed"]
    );
    // The innermost runbook phrase is the cause.
    assert_eq!(
        ids(c, "failed to update WDEK secret: failed to create kube client: x509: certificate signed by unknown authority"),
        ["kube_client", "wdek_secret"]
    );
}

#[test]
fn a_phrase_explains_details_of_other_categories() {
    let c = classifier();
    // The apiserver's etcd is the cluster master's, not carrier etcd.
    assert_eq!(
        ids(
            c,
            "failed to update WDEK secret: Internal error occurred: etcdserver: leader changed"
        ),
        ["wdek_secret"]
    );
}

#[test]
fn underlying_errors_alone_name_their_category() {
    let c = classifier();
    assert_eq!(ids(c, "etcdserver: no leader"), ["etcd"]);
    assert_eq!(
        ids(c, "dial tcp 10.1.2.3:2379: connect: connection refused"),
        ["etcd"]
    );
    assert_eq!(
        ids(c, "dial tcp 10.0.0.1:443: connect: connection refused"),
        ["kube_client"]
    );
    assert_eq!(
        ids(c, "x509: certificate signed by unknown authority"),
        ["kube_client"]
    );
    assert_eq!(ids(c, "secrets \"kp-wdek\" not found"), ["wdek_secret"]);
}

#[test]
fn markers_yield_to_failures_on_the_same_line() {
    let c = classifier();
    let got = c.classify("Starting rotation of service iam-api-key");
    assert_eq!(
        (got.marker, got.categories.len()),
        (Some(Marker::Started), 0)
    );
    let got = c.classify("Successfully rotated service IAM API key");
    assert_eq!(got.marker, Some(Marker::Succeeded));
    let got =
        c.classify("rotation attempt 2 started, previous attempt failed: etcdserver: no leader");
    assert_eq!(got.marker, None);
}

#[test]
fn ordinary_errors_are_not_categories() {
    let c = classifier();
    for line in [
        "java.net.ConnectException: Connection refused",
        "context deadline exceeded",
        "Internal error occurred: failed calling webhook",
        "failed to publish metrics: write: broken pipe",
        "client connection lost",
        "session timeout, closing",
    ] {
        assert_eq!(ids(c, line), Vec::<String>::new(), "{line}");
    }
}

#[test]
fn error_words_are_noticed() {
    let c = classifier();
    assert!(
        c.classify("error completing request, the cluster is busy with another KMS action")
            .error_words
    );
    assert!(!c.classify("Handled request").error_words);
}

#[test]
fn klog_error_headers_naming_a_cluster_pass_the_prefilter() {
    let c = classifier();
    assert!(c.is_candidate(b"E1120 03:00:01.000000       1 x.go:1] busy cluster=c1"));
    assert!(c.is_candidate(
        b"2026-11-20T03:00:01.000123456Z E1120 03:00:01.000000       1 x.go:1] busy CorrID=a1"
    ));
    assert!(!c.is_candidate(b"I1120 03:00:01.000000       1 x.go:1] all good cluster=c1"));
    assert!(
        !c.is_candidate(b"E1120 03:00:01.000000       1 x.go:1] busy"),
        "an error naming nothing cannot be tied to a rotation"
    );
}

#[test]
fn error_lines_need_a_cluster_or_correlation_literal() {
    let c = classifier();
    assert!(!c.is_candidate(br#"{"level":"error","msg":"failed to publish metrics"}"#));
    assert!(c.is_candidate(br#"{"level":"error","msg":"busy","CorrID":"d1"}"#));
    assert!(
        c.is_candidate(br#"{"level":"info","msg":"Rotation attempt failed"}"#),
        "a rule keyword alone suffices"
    );
}

mod attribution {
    use super::*;

    fn who(fields: &[(&str, &str)], text: &str) -> Who {
        classifier().attribute(fields, text)
    }

    #[test]
    fn from_fields_in_any_spelling() {
        for name in [
            "clusterID",
            "cluster_id",
            "clusterId",
            "cluster",
            "ClusterID",
        ] {
            let w = who(&[(name, "c23h5icd0sr2mu96rcig")], "");
            assert_eq!(w.cluster.as_deref(), Some("c23h5icd0sr2mu96rcig"), "{name}");
        }
        let w = who(&[("CorrID", "7f3c-A1"), ("attempt", "3")], "");
        assert_eq!((w.corr.as_deref(), w.attempt), (Some("7f3c-A1"), Some(3)));
        let w = who(&[("request_id", "r-1")], "");
        assert_eq!(w.corr.as_deref(), Some("r-1"));
    }

    #[test]
    fn from_a_crn_in_a_field_or_the_text() {
        let crn = "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::";
        assert_eq!(
            who(&[("crn", crn)], "").cluster.as_deref(),
            Some("c23h5icd0sr2mu96rcig")
        );
        let text = format!("rotation failed for resource {crn} in the last 15 mins");
        assert_eq!(
            who(&[], &text).cluster.as_deref(),
            Some("c23h5icd0sr2mu96rcig")
        );
    }

    #[test]
    fn from_the_text() {
        let w = who(&[], "Failed to update WDEK Secret for cluster bm64u3ed02o93vv36hb0 (CorrID=7f3c9a12-b1, attempt 2): x");
        assert_eq!(w.cluster.as_deref(), Some("bm64u3ed02o93vv36hb0"));
        assert_eq!(w.corr.as_deref(), Some("7f3c9a12-b1"));
        assert_eq!(w.attempt, Some(2));
        let w = who(&[], "cluster 5f2b8e0c9a7d4e61b3c2a1f0e9d8c7b6 rotated");
        assert_eq!(
            w.cluster.as_deref(),
            Some("5f2b8e0c9a7d4e61b3c2a1f0e9d8c7b6")
        );
    }

    #[test]
    fn words_and_names_are_not_cluster_ids() {
        assert_eq!(
            who(&[("cluster", "prod-dal10-carrier105")], "").cluster,
            None
        );
        assert_eq!(who(&[], "for cluster internationalization").cluster, None);
        assert_eq!(
            who(&[], "the cluster is busy with another KMS action").cluster,
            None
        );
    }

    #[test]
    fn any_field_whose_name_says_cluster_and_nested_objects() {
        for name in ["target_cluster", "Cluster-Id", "cluster.id", "KUBE_CLUSTER"] {
            let w = who(&[(name, "bm64u3ed02o93vv36hb0")], "");
            assert_eq!(w.cluster.as_deref(), Some("bm64u3ed02o93vv36hb0"), "{name}");
            assert_eq!(w.source, Some(IdSource::Field));
        }
        let nested = r#"{"id":"bm64u3ed02o93vv36hb0","region":"us-south"}"#;
        let w = who(&[("cluster", nested)], "");
        assert_eq!(w.cluster.as_deref(), Some("bm64u3ed02o93vv36hb0"));
    }

    #[test]
    fn a_field_needs_no_digit_but_free_text_does() {
        // A real xid with no digit at all.
        let w = who(&[("clusterID", "bakdqdeurkqkllmblqbo")], "");
        assert_eq!(w.cluster.as_deref(), Some("bakdqdeurkqkllmblqbo"));
        assert_eq!(who(&[], "rotating bakdqdeurkqkllmblqbo now").cluster, None);
        let w = who(&[], "rotating bakdqd0urkqkllmblqbo now");
        assert_eq!(w.cluster.as_deref(), Some("bakdqd0urkqkllmblqbo"));
        assert_eq!(w.source, Some(IdSource::Text));
    }

    #[test]
    fn a_crn_in_any_field() {
        let crn = "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:bakdqdeurkqkllmblqbo::";
        let w = who(&[("resource_name", crn)], "");
        assert_eq!(w.cluster.as_deref(), Some("bakdqdeurkqkllmblqbo"));
        assert_eq!(w.source, Some(IdSource::Crn));
    }

    #[test]
    fn correlation_ids_in_any_field_that_says_so() {
        for name in ["X-Request-ID", "correlation_id", "traceId", "reqid"] {
            assert_eq!(
                who(&[(name, "abc-1")], "").corr.as_deref(),
                Some("abc-1"),
                "{name}"
            );
        }
    }

    #[test]
    fn attempt_fields_as_fractions_give_the_budget() {
        let w = who(&[("attempt", "2/5")], "");
        assert_eq!((w.attempt, w.budget), (Some(2), Some(5)));
        let w = who(&[("retry", "3 of 4")], "");
        assert_eq!((w.attempt, w.budget), (Some(3), Some(4)));
        let w = who(&[("maxRetries", "6")], "");
        assert_eq!(w.budget, Some(6));
        for text in [
            "attempt 3/5 failed",
            "failed after 5 attempts",
            "max retries (5) reached",
            "[3/5]",
        ] {
            assert_eq!(who(&[], text).budget, Some(5), "{text}");
        }
    }

    #[test]
    fn id_tokens_for_known_ids_in_free_text() {
        assert_eq!(
            id_tokens("secret kms-wdek-bm64u3ed02o93vv36hb0 not found; path /x/5f2b8e0c9a7d4e61b3c2a1f0e9d8c7b6/y"),
            vec!["bm64u3ed02o93vv36hb0".into(), "5f2b8e0c9a7d4e61b3c2a1f0e9d8c7b6".into()] as Vec<Box<str>>
        );
    }
}

/// The prefilter's walk of a long part as two halves sees exactly the
/// keywords one walk from the start sees: each keyword of the pack, alone
/// marked, is found in a line exactly when the line holds it, wherever it
/// sits against the cut (a byte no keyword holds, or a keyword's length of
/// overlap when the middle has none).
#[test]
fn two_walks_see_every_keyword_one_walk_sees() {
    let keywords = classifier().pack.keywords();
    let walker = Walker::new(&keywords);
    let mut rng = fastrand::Rng::with_seed(14);
    // Filler with break bytes (JSON) and without (prose), so both cuts run.
    let fillers: [&[u8]; 2] = [
        br#"{"a":"b","n":12,"x":"y z"}"#,
        b"lorem ipsum dolor sit amet ",
    ];
    let mut checked = 0;
    for _ in 0..400 {
        let filler = fillers[rng.usize(..fillers.len())];
        let mut line = Vec::new();
        let len = rng.usize(40..320);
        while line.len() < len {
            if rng.u8(..4) == 0 {
                let k = keywords[rng.usize(..keywords.len())].as_bytes();
                let upper = rng.bool();
                line.extend(
                    k.iter()
                        .map(|b| if upper { b.to_ascii_uppercase() } else { *b }),
                );
            } else {
                let from = rng.usize(..filler.len());
                line.extend_from_slice(&filler[from..]);
            }
        }
        let lower = line.to_ascii_lowercase();
        for (i, k) in keywords.iter().enumerate() {
            let mut class = vec![0u8; keywords.len()];
            class[i] = ERROR;
            let (mut two, mut one) = (0u8, 0u8);
            walker.walk(&line, &class, &mut two);
            walker.walk_from(walker.start, &line, &class, &mut one);
            let holds = memchr::memmem::find(&lower, k.as_bytes()).is_some();
            assert_eq!(
                two != 0,
                holds,
                "{k:?} in {:?}",
                String::from_utf8_lossy(&line)
            );
            assert_eq!(one, two);
            checked += 1;
        }
    }
    assert!(checked > 10_000);
}
