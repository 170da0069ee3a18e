//! The redactor on single lines; tests/it/redaction.rs runs the same forms
//! through every output.

use super::*;

const KEY: &str = "Xk9mT2vQ7rL4pW8sN1bZ6cY3hJ5fD0gA-eU_iKoRtMq8";
const JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYW1faWQiOiJJQk1pZC0xMjM0NSJ9.c2lnbmF0dXJlLXBhcnQtZm9yLXRlc3Q";

fn r(s: &str) -> String {
    Redactor::new(vec!["0123456789abcdef0123456789abcdef".into()])
        .redact(s)
        .into_owned()
}

#[test]
fn bare_iam_api_keys_with_a_stable_fingerprint() {
    assert_eq!(KEY.len(), 44);
    let a = r(&format!("key {KEY} failed"));
    assert!(!a.contains(KEY), "{a}");
    assert!(a.starts_with("key <redacted:apikey#"), "{a}");
    assert_eq!(a, r(&format!("key {KEY} failed")));
    // 43 or 45 characters are not keys; lowercase words are not keys.
    let near = &KEY[..43];
    assert!(r(near).contains(near));
    assert!(r("armada-kp-events-controller-manager-abcdefgh").contains("armada"));
}

#[test]
fn key_fields_in_json_logfmt_and_klog() {
    for line in [
        format!(r#"{{"apikey": "{KEY}"}}"#),
        format!("api_key={KEY} cluster=c1"),
        format!(r#"apiKey="{KEY}""#),
        "password: hunter2hunter2".to_string(),
        "token=abc.def.ghi".to_string(),
        r#"client_secret="s3cr3t value""#.to_string(),
    ] {
        let out = r(&line);
        assert!(out.contains("<redacted:"), "{line} -> {out}");
        for secret in [KEY, "hunter2", "abc.def", "s3cr3t"] {
            assert!(!out.contains(secret), "{line} -> {out}");
        }
    }
}

#[test]
fn tokens_headers_and_url_credentials() {
    let out = r(&format!("Authorization: Bearer {JWT} sent"));
    assert!(!out.contains("eyJ"), "{out}");
    let out = r(&format!("token was {JWT}"));
    assert!(!out.contains("eyJ"), "{out}");
    let out = r("GET https://admin:s3cr3tP4ss@kp.example.com/v2/keys");
    assert!(!out.contains("s3cr3tP4ss"), "{out}");
    assert!(out.contains("https://<redacted:url-credentials#"), "{out}");
    assert!(!out.contains("admin"), "the whole userinfo goes: {out}");
    let out = r("Authorization: Basic YWRtaW46cGFzcw==");
    assert!(!out.contains("YWRtaW46cGFzcw"), "{out}");
}

#[test]
fn known_secrets_are_replaced_exactly() {
    let out = r("using service key 0123456789abcdef0123456789abcdef now");
    assert!(!out.contains("0123456789abcdef"), "{out}");
}

#[test]
fn go_error_wrapping_is_not_a_field() {
    let line = "failed to update WDEK secret: Operation cannot be fulfilled on secrets";
    assert_eq!(r(line), line);
    assert_eq!(
        r("refresh token: context deadline exceeded"),
        "refresh token: context deadline exceeded"
    );
    assert!(!r("token: 9f8e7d6c5b4a").contains("9f8e7d6c5b4a"));
}

#[test]
fn ordinary_text_is_untouched() {
    for line in [
        "Failed to update WDEK Secret for cluster c23h5icd0sr2mu96rcig",
        r#"secrets "kp-wdek" is forbidden"#,
        "tokens_used=5",
        "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::",
    ] {
        assert_eq!(r(line), line);
    }
}

#[test]
fn prefixed_names_escaped_json_and_a_field_behind_another() {
    for (line, secret) in [
        ("iam_apikey=Zx9Qw8Er7Ty6", "Zx9Qw8Er7Ty6"),
        ("IBMCLOUD_API_KEY=Zx9Qw8Er7Ty6", "Zx9Qw8Er7Ty6"),
        ("x-api-key: Zx9Qw8Er7Ty6", "Zx9Qw8Er7Ty6"),
        ("ingestion_key=abcdef012345", "abcdef012345"),
        (r#"{\"apikey\":\"Zx9Qw8Er7Ty6\"}"#, "Zx9Qw8Er7Ty6"),
        (r#"{\\\"apikey\\\":\\\"Zx9Qw8Er7Ty6\\\"}"#, "Zx9Qw8Er7Ty6"),
        ("Failed to update WDEK Secret: password: hunter2", "hunter2"),
        ("Cookie: session=s3ss10nV4lue; theme=dark", "s3ss10nV4lue"),
        ("tokenpassword=Qw8Er7Ty6", "Qw8Er7Ty6"),
    ] {
        let out = r(line);
        assert!(!out.contains(secret), "{line} -> {out}");
        assert!(out.contains("<redacted:"), "{line} -> {out}");
    }
    let out = r("Failed to update WDEK Secret: password: hunter2");
    assert!(
        out.starts_with("Failed to update WDEK Secret: password: <redacted:"),
        "{out}"
    );
}

#[test]
fn what_triage_needs_is_kept() {
    for line in [
        "Failed to update WDEK Secret: Operation cannot be fulfilled on secrets \"kp-wdek\"",
        "failed to update WDEK secret: secrets \"kp-wdek\" not found",
        "secret: kp-wdek: not found",
        "WDEK secret: c23h5icd0sr2mu96rcig",
        "cluster 5a0c9f2e7d1b4c3a8e6f0d2b9c7a1e4f token_type=Bearer",
        "etcdserver: request timed out, possibly due to previous leader failure",
        "node kube-dal10-cr2b953e71d0161200c71ac352b63bcb28-w2 container 9e5208d8c0e275c00f7630b89dfbb95a0f89ba2a1098bd5e2be86e7123b6a7a8",
        "/api/v1/namespaces/kube-system/secrets/kp-wdek",
        "TestRotationFailsWhenWDEKSecretCannotBeUpdatedAtAll",
        "Basic validation failed; bearer token expired",
    ] {
        assert_eq!(r(line), line);
    }
}

#[test]
fn shapes_pem_jwt_and_base64() {
    let pem =
        "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC -----END PRIVATE KEY-----";
    let out = r(pem);
    assert!(!out.contains("MIIEvQ"), "{out}");
    assert!(out.contains("-----END PRIVATE KEY-----"), "{out}");
    let out = r("-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n");
    assert!(
        !out.contains("MIIEvQ"),
        "an unterminated block goes to the end: {out}"
    );
    for jwt in [
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.abc",
    ] {
        assert!(!r(jwt).contains("eyJzdWIi"), "{jwt}");
    }
    let b64 = "payload 6Q5l+Q3xTq3Lzq0mJgR1t5Yk8w2Hc9VbN4a7sXfE1Do=";
    assert!(!r(b64).contains("6Q5l"), "{}", r(b64));
    let tail = format!("id IBMid-{KEY}");
    assert!(!r(&tail).contains(&KEY[4..]), "{}", r(&tail));
}

#[test]
fn url_userinfo_is_redacted_whole() {
    for url in [
        "https://s3cr3tT0ken@kp.example.com/x",
        "https://:s3cr3tT0ken@kp.example.com/x",
        "https://admin:s3cr3tT0ken@kp.example.com/x",
    ] {
        let out = r(url);
        assert!(
            !out.contains("s3cr3tT0ken") && !out.contains("admin"),
            "{out}"
        );
    }
    let out = Redactor::default().redact_name("logdna:user:s3cr3tT0ken@api.example.com");
    assert_eq!(out.split('<').next(), Some("logdna:"), "{out}");
    assert!(out.ends_with("@api.example.com"), "{out}");
}

#[test]
fn a_known_key_in_every_encoding() {
    let key = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let red = Redactor::new(vec![key.to_string()]);
    let b64 = |s: &str| {
        // The std alphabet, as the basic-auth header carries it.
        let t = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut o = String::new();
        for c in s.as_bytes().chunks(3) {
            let n = c
                .iter()
                .enumerate()
                .fold(0u32, |n, (k, &b)| n | u32::from(b) << (16 - 8 * k));
            for k in 0..4 {
                if k <= c.len() {
                    o.push(t[((n >> (18 - 6 * k)) & 63) as usize] as char);
                } else {
                    o.push('=');
                }
            }
        }
        o
    };
    let unicode: String = key
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let percent: String = key.chars().map(|c| format!("%{:02X}", c as u32)).collect();
    for form in [
        key.to_string(),
        b64(&format!("{key}:")),
        b64(key),
        b64(&format!("x{key}y")),
        unicode,
        percent,
        "0f1e\\u0032d3c4b5a69788796a5b4c3d2e1f0".to_string(),
    ] {
        let out = red.redact(&format!("echo {form} back")).into_owned();
        assert!(out.contains("<redacted:key#"), "{form} -> {out}");
        assert!(!out.contains(&form[..form.len() - 4]), "{form} -> {out}");
    }
    assert!(Redactor::global().redact(key).contains("<redacted:key#"));
}
