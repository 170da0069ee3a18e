//! The forms the first table missed: command lines, Go's header maps,
//! environment dumps, words as values, percent-encoded JSON, GitHub and AWS
//! credentials, lone PEM lines; and the readable text around them that must
//! stay.

use super::*;

fn r(s: &str) -> String {
    Redactor::default().redact(s).into_owned()
}

fn gone(line: &str, secret: &str) -> String {
    let out = r(line);
    assert!(!out.contains(secret), "{line} -> {out}");
    assert!(out.contains("<redacted:"), "{line} -> {out}");
    out
}

#[test]
fn etcd_and_kubectl_credentials_on_a_command_line() {
    for line in [
        "etcdctl --user=root:Pw9xQ2zLk4 get /kp",
        "etcdctl --user root:Pw9xQ2zLk4 get /kp",
        "etcdctl -u root:Pw9xQ2zLk4 ls",
        "etcdctl --user=kp --password Pw9xQ2zLk4 get /kp",
        "etcdctl --user=kp --password=Pw9xQ2zLk4 get /kp",
        "kubectl --token=Pw9xQ2zLk4 get secrets",
        "kubectl --token Pw9xQ2zLk4 get secrets",
    ] {
        let out = gone(line, "Pw9xQ2zLk4");
        assert!(out.contains("get") || out.contains("ls"), "{out}");
    }
    let out = gone("etcdctl --user=root:Pw9xQ2zLk4 get /kp", "Pw9xQ2zLk4");
    assert!(
        out.contains("--user=root:<redacted:"),
        "the user stays: {out}"
    );
    // A flag as a field's value is the next field: its value goes.
    let out = gone("Secret: --token Pw9xQ2zLk4", "Pw9xQ2zLk4");
    assert!(out.starts_with("Secret: --token <redacted:"), "{out}");
    assert_eq!(r("--user kp-events"), "--user kp-events");
    gone("password: -Pw9xQ2zLk4", "Pw9xQ2zLk4");
}

#[test]
fn go_header_maps_lose_the_value_and_keep_their_shape() {
    let out = gone(
        r#"http.Header{"X-Api-Key":[]string{"Hk7Ld9Qw2Er4"}, "Accept":[]string{"application/json"}}"#,
        "Hk7Ld9Qw2Er4",
    );
    assert!(
        out.starts_with(r#"http.Header{"X-Api-Key":[]string{"<redacted:field#"#),
        "{out}"
    );
    assert!(
        out.ends_with(r#""}, "Accept":[]string{"application/json"}}"#),
        "{out}"
    );
    gone(
        r#"http.Header{"Authorization":[]string{"Bearer Hk7Ld9Qw2Er4Ty6U"}}"#,
        "Hk7Ld9Qw2Er4Ty6U",
    );
    gone(
        r#"http.Header{"Authorization":[]string{"Hk7Ld9Qw2Er4Ty6U"}}"#,
        "Hk7Ld9Qw2Er4Ty6U",
    );
    gone(
        "map[X-Auth-Token:[Hk7Ld9Qw2Er4] Accept:[json]]",
        "Hk7Ld9Qw2Er4",
    );
}

#[test]
fn environment_dumps() {
    for line in [
        "ETCD_PASS=Ev4Pq8Zr2Lm6",
        "export X_AUTH=Ev4Pq8Zr2Lm6",
        "declare -x KP_SERVICE_TOKEN=\"Ev4Pq8Zr2Lm6\"",
        "WDEK_KEY=Ev4Pq8Zr2Lm6 other=1",
        "ETCD_ROOT_PASSWORD=Ev4Pq8Zr2Lm6",
        "IAM_CLIENT_SECRET=Ev4Pq8Zr2Lm6",
    ] {
        gone(line, "Ev4Pq8Zr2Lm6");
    }
    // Lowercase `_key` names a key, not a secret.
    assert_eq!(r("cache_key=kp-wdek"), "cache_key=kp-wdek");
}

#[test]
fn words_as_values_after_names_no_sentence_uses() {
    gone("Token: AbCdEfGhIjKl", "AbCdEfGhIjKl");
    gone("Token: abcdefghijklmnopqr", "abcdefghijklmnopqr");
    gone("Passwd: hunterhunter", "hunterhunter");
    gone("access_token: abcdefghij", "abcdefghij");
    gone("access_token: abcdefghij token_type: Bearer", "abcdefghij");
    for kept in [
        "refresh token: context deadline exceeded",
        "WDEK Secret: Operation cannot be fulfilled on secrets",
        "refresh token: EOF",
        "Failed to rotate service iam-api-key: retries exhausted",
        "POST https://iam.cloud.ibm.com/identity/token: 400 Bad Request",
    ] {
        assert_eq!(r(kept), kept);
    }
}

#[test]
fn a_key_in_percent_encoded_json() {
    let out = gone(
        "body=%7B%22apikey%22%3A%22Pc5Nt7Xq9Zr1%22%7D",
        "Pc5Nt7Xq9Zr1",
    );
    assert!(out.ends_with("%22%7D"), "{out}");
}

#[test]
fn github_and_aws_credentials() {
    let gh = "ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7d";
    gone(&format!("git fetch with token {gh}"), &gh[4..]);
    let sig = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    let out = gone(
        &format!("Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261120/us-south/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature={sig}"),
        sig,
    );
    assert!(!out.contains("AKIAIOSFODNN7"), "{out}");
    assert!(out.contains("SignedHeaders=host;x-amz-date"), "{out}");
    let out = gone(
        &format!("GET /kp?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261120%2Fus-south%2Fs3%2Faws4_request&X-Amz-Security-Token=FwoGZXIvYXdzEJr3Kq&X-Amz-Signature={sig}"),
        sig,
    );
    assert!(
        !out.contains("AKIAIOSFODNN7") && !out.contains("FwoGZXIv"),
        "{out}"
    );
}

#[test]
fn a_pem_body_line_alone_goes_whole() {
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
    assert_eq!(body.len(), 64);
    let out = r(body);
    assert!(
        out.starts_with("<redacted:pem#") && out.len() == 19,
        "{out}"
    );
    gone(
        &format!("{{\"_line\":\"{body}\",\"_app\":\"x\"}}"),
        &body[30..],
    );
    gone("MzM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OQ==", "MzM0NTY3ODkw");
    for kept in [
        "9e5208d8c0e275c00f7630b89dfbb95a0f89ba2a1098bd5e2be86e7123b6a7a8",
        "5a0c9f2e7d1b4c3a8e6f0d2b9c7a1e4f",
        "c23h5icd0sr2mu96rcig",
        "Rotation attempt failed",
        r#"{"someCamelCaseKeyNameHere": 1}"#,
    ] {
        assert_eq!(r(kept), kept);
    }
}

#[test]
fn a_scheme_word_before_the_credential_is_read_again() {
    gone("Bearer Bearer Bearer Br1Op3Aq5Ue7Tk9N", "Br1Op3Aq5Ue7Tk9N");
    gone("Bearer Bearer Br1Op3Aq5Ue7Tk9N", "Br1Op3Aq5Ue7Tk9N");
}
