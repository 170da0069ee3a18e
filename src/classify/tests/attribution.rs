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
fn from_a_percent_encoded_crn_in_a_url() {
    let url = "GET /v2/keys?crn=crn%3Av1%3Abluemix%3Apublic%3Acontainers-kubernetes%3Aus-south%3Aa%2Fc5c0dba4d5406e21164fb825760a7292%3Ac23h5icd0sr2mu96rcig%3A%3A&x=1";
    let w = who(&[], url);
    assert_eq!(w.cluster.as_deref(), Some("c23h5icd0sr2mu96rcig"));
    let w = who(&[("path", url)], "");
    assert_eq!(w.cluster.as_deref(), Some("c23h5icd0sr2mu96rcig"));
    // A stray percent sign decodes nothing else.
    assert_eq!(who(&[], "100% done, crn%3Anope").cluster, None);
}

#[test]
fn abbreviated_correlation_ids() {
    for name in [
        "req_id", "rid", "op_id", "opid", "reqID", "trace", "span", "span_id",
    ] {
        let w = who(&[(name, "9f2c11ab")], "");
        assert_eq!(w.corr.as_deref(), Some("9f2c11ab"), "{name}");
    }
    // Short names are matched whole, not inside other names.
    for name in ["grid", "stacktrace", "lifespan"] {
        assert_eq!(who(&[(name, "9f2c11ab")], "").corr, None, "{name}");
    }
    assert_eq!(
        who(&[], "rid=9f2c11ab failed").corr.as_deref(),
        Some("9f2c11ab")
    );
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
