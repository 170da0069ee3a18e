//! `fetch logdna` over TLS to a server whose certificate a private CA
//! signed (`tls_server.rs`): refused without that CA, and not retried;
//! trusted with `--cacert` or `SSL_CERT_FILE`.

use crate::logdna_server::KEY;
use crate::tls_server::TlsServer;
use crate::util::kp;
use std::path::Path;

const FROM: i64 = 1_795_000_000;

fn fetch(
    server: &TlsServer,
    dir: &Path,
    extra: &[&str],
    env: &[(&str, &Path)],
) -> (Option<i32>, String) {
    let mut cmd = kp();
    cmd.env("LOGDNA_SERVICE_KEY", KEY)
        .args(["fetch", "logdna", "--logdna-url", &server.url])
        .args([
            "--from",
            &FROM.to_string(),
            "--to",
            &(FROM + 7200).to_string(),
        ])
        .args(["--retries", "3", "--timeout", "30", "-o"])
        .arg(dir.join("export.jsonl"))
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The server's CA certificate, written to a file in `dir`.
fn ca_file(server: &TlsServer, dir: &Path) -> std::path::PathBuf {
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &server.ca_pem).unwrap();
    ca
}

fn lines(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("export.jsonl"))
        .unwrap()
        .lines()
        .count()
}

#[test]
fn an_untrusted_certificate_is_refused_once_and_says_how_to_trust_it() {
    let server = TlsServer::start(FROM);
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = fetch(&server, dir.path(), &[], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "the server's TLS certificate is not trusted (invalid peer certificate: UnknownIssuer)"
        ),
        "{err}"
    );
    assert!(err.contains("--cacert FILE or SSL_CERT_FILE"), "{err}");
    assert!(!err.contains("retry"), "{err}");
    assert_eq!(server.connections(), 1, "retrying cannot make it trusted");
    assert_eq!(server.requests(), 0);
}

#[test]
fn cacert_and_ssl_cert_file_trust_a_private_ca() {
    let server = TlsServer::start(FROM);
    let dir = tempfile::tempdir().unwrap();
    let ca = ca_file(&server, dir.path());
    let (code, err) = fetch(
        &server,
        dir.path(),
        &["--cacert", ca.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(lines(dir.path()), 2);
    std::fs::remove_file(dir.path().join("export.jsonl")).unwrap();
    let (code, err) = fetch(&server, dir.path(), &[], &[("SSL_CERT_FILE", &ca)]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(lines(dir.path()), 2);
    assert_eq!(server.requests(), 2);
}

#[test]
fn a_cacert_that_cannot_be_read_or_holds_no_certificate_is_an_error() {
    let server = TlsServer::start(FROM);
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let (code, err) = fetch(
        &server,
        dir.path(),
        &["--cacert", missing.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--cacert: cannot read the CA certificates in"),
        "{err}"
    );
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate\n").unwrap();
    let (code, err) = fetch(&server, dir.path(), &[], &[("SSL_CERT_FILE", &junk)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("SSL_CERT_FILE: ") && err.contains("holds no PEM certificate"),
        "{err}"
    );
    assert_eq!(server.connections(), 0, "nothing is fetched");
}

#[test]
fn analyze_and_cloudlogs_take_cacert_too() {
    let server = TlsServer::start(FROM);
    let dir = tempfile::tempdir().unwrap();
    let ca = ca_file(&server, dir.path());
    let window = [
        "--from",
        &FROM.to_string(),
        "--to",
        &(FROM + 7200).to_string(),
    ]
    .map(String::from);
    let out = kp()
        .env("LOGDNA_SERVICE_KEY", KEY)
        .args([
            "analyze",
            "--format",
            "json",
            "--logdna",
            "--logdna-url",
            &server.url,
        ])
        .args(&window)
        .args(["--retries", "0", "--cacert", ca.to_str().unwrap()])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(doc["input"]["files"][0]["lines"], 2, "{doc}");
    assert_eq!(server.requests(), 1);

    // The test server speaks LogDNA, so IAM's answer is not understood: an
    // error about the answer, not the certificate, shows TLS was trusted.
    let cloudlogs = |extra: &[&str]| {
        let out = kp()
            .env("IBMCLOUD_API_KEY", crate::cloudlogs_server::APIKEY)
            .args(["fetch", "cloudlogs", "--retries", "0"])
            .args(["--cloudlogs-url", &server.url, "--iam-url", &server.url])
            .args(&window)
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let trusted = cloudlogs(&["--cacert", ca.to_str().unwrap()]);
    assert!(
        trusted.contains("the IAM token request: the answer is plain JSON, not an IAM token"),
        "{trusted}"
    );
    let untrusted = cloudlogs(&[]);
    assert!(
        untrusted.contains("TLS certificate is not trusted"),
        "{untrusted}"
    );
}

#[test]
fn a_redirect_from_https_to_plain_http_is_refused_and_the_key_stays_encrypted() {
    let plain = crate::hostile_server::Hostile::start(|_, _| {
        crate::hostile_server::page(vec![crate::hostile_server::line(FROM * 1000, "x")], None)
    });
    let target = format!("{}/v2/export", plain.url);
    let server = TlsServer::answering(move || {
        crate::hostile_server::status(302, &[("location", &target)], "")
    });
    let dir = tempfile::tempdir().unwrap();
    let ca = ca_file(&server, dir.path());
    let (code, err) = fetch(
        &server,
        dir.path(),
        &["--cacert", ca.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    let said = format!("to another origin, {}/v2/export", plain.url);
    assert!(err.contains(&said), "{said}\n{err}");
    assert_eq!(server.requests(), 1, "not retried");
    assert_eq!(plain.hits(), 0, "nothing went over plain http");
}
