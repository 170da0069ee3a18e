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

/// Real public strings another team's logs carried, each read as its
/// category: kubectl's 401 (k8s.io/kubectl), the kubelet's secret volume
/// mount, and Go's resolver with a space before the colon.
#[test]
fn public_error_strings_in_their_real_shape() {
    let c = classifier();
    assert_eq!(
        ids(
            c,
            "error: You must be logged in to the server (Unauthorized)"
        ),
        ["kube_client"]
    );
    assert_eq!(
        ids(
            c,
            r#"MountVolume.SetUp failed for volume "kp-wdek" : secret "kp-wdek" not found"#
        ),
        ["wdek_secret"]
    );
    assert_eq!(
        ids(c, "dial tcp: lookup kubernetes.default.svc : i/o timeout"),
        ["kube_client"]
    );
}

#[test]
fn a_boolean_field_reads_as_its_name() {
    let c = classifier();
    let hint = |fields: &[(&str, &str)]| c.read("key rotation", fields).hint;
    assert_eq!(hint(&[("rotated", "false")]), Some(Hint::Failed));
    assert_eq!(hint(&[("success", "true")]), Some(Hint::Succeeded));
    assert_eq!(hint(&[("gave_up", "true")]), Some(Hint::Exhausted));
    assert_eq!(hint(&[("ok", "false")]), Some(Hint::Failed));
    assert_eq!(hint(&[("giveUp", "true")]), Some(Hint::Exhausted));
    // A false failure, or a flag that is no outcome, says nothing.
    assert_eq!(hint(&[("failed", "false")]), None);
    assert_eq!(hint(&[("dryRun", "false")]), None);
    // A message naming the attempt is a start only until its outcome is read.
    let h = c.read("rotation attempt", &[("success", "false")]).hint;
    assert_eq!(h, Some(Hint::Failed));
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

mod attribution;

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

/// A step of a rotation that failed is a cause inside the attempt (the step
/// names it, in the text or only in its field), not a failed rotation.
#[test]
fn a_failed_step_is_a_cause_not_a_rotation() {
    let c = classifier();
    for (msg, fields) in [
        ("rotation step update_wdek failed", vec![]),
        ("step=update_wdek failed", vec![]),
        ("rotation step failed", vec![("step", "update_wdek")]),
    ] {
        let r = c.read(msg, &fields);
        assert_eq!(r.hint, Some(Hint::Failed), "{msg}");
        assert!(!r.topic, "{msg}: the step, not the rotation");
        let mut class = c.classify(msg);
        c.combine(&mut class, r, true);
        let cats: Vec<&str> = class
            .categories
            .iter()
            .map(|&k| c.pack.category(k).id.as_ref())
            .collect();
        assert_eq!(cats, ["wdek_secret"], "{msg}");
    }
}
