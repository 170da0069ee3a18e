//! `fetch logdna` on answers that are not export pages, and on redirects:
//! each such answer is an error, and none is written as an export. Served
//! by scripted servers on 127.0.0.1 (`hostile_server.rs`).

use crate::hostile_server::{line, page, status, Hostile};
use crate::logdna_server::KEY;
use crate::util::kp;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;

const FROM: i64 = 1_795_000_000;

struct Fetched {
    code: Option<i32>,
    stderr: String,
    dir: tempfile::TempDir,
}

impl Fetched {
    fn out(&self) -> PathBuf {
        self.dir.path().join("export.jsonl")
    }

    fn partial(&self) -> PathBuf {
        self.dir.path().join("export.jsonl.partial")
    }
}

/// `fetch logdna -o export.jsonl` over an export already there.
fn fetch(url: &str, extra: &[&str]) -> Fetched {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.jsonl"), "precious\n").unwrap();
    let out = kp()
        .env("LOGDNA_SERVICE_KEY", KEY)
        .args(["fetch", "logdna", "--logdna-url", url])
        .args([
            "--from",
            &FROM.to_string(),
            "--to",
            &(FROM + 7200).to_string(),
        ])
        .args(["--retries", "1", "--timeout", "30", "-o"])
        .arg(dir.path().join("export.jsonl"))
        .args(extra)
        .output()
        .unwrap();
    Fetched {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        dir,
    }
}

fn one(n: i64) -> serde_json::Value {
    line((FROM + 60 - n) * 1000, &format!("line {n}"))
}

fn html() -> Response {
    let page = "<html><head><title>Access denied</title></head><body>Log in</body></html>";
    ([(header::CONTENT_TYPE, "text/html")], page).into_response()
}

fn json(body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// An answer, the extra arguments, and what the error must say.
type Case = (fn() -> Response, &'static [&'static str], &'static str);

#[test]
fn pages_of_the_wrong_shape_are_errors_and_never_an_export() {
    let cases: Vec<Case> = vec![
        (html, &[], "page 1 of the export: the server answered with an HTML page (titled \"Access denied\"), not a LogDNA export page: a login or proxy page?"),
        (html, &["--api", "v1"], "the export: the server answered with an HTML page (titled \"Access denied\"), not LogDNA export lines"),
        (|| json(r#"{"pagination_id":null,"lines":[1,"two"]}"#), &[], "page 1 of the export is not a LogDNA export page: line 1 is not an exported line: not a JSON object"),
        (|| json(r#"{"pagination_id":null,"lines":[{"message":"x"}]}"#), &[], "line 1 is not an exported line: an object with neither _line nor _ts"),
        (|| json(r#"{"data":[]}"#), &[], "page 1 of the export is not a LogDNA export page: missing field `lines`"),
        (|| json("{\"_ts\":1795000001000,\"_line\":\"a\"}\n[\"b\"]\n"), &["--api", "v1"], "line 2 is not an exported line: not a JSON object"),
    ];
    for (answer, extra, said) in cases {
        let server = Hostile::start(move |_, _| answer());
        let run = fetch(&server.url, extra);
        assert_eq!(run.code, Some(2), "{said}: {}", run.stderr);
        assert!(run.stderr.contains(said), "{said}: {}", run.stderr);
        assert_eq!(std::fs::read_to_string(run.out()).unwrap(), "precious\n");
        assert!(!run.partial().exists(), "{said}: nothing of it is kept");
        assert_eq!(server.hits(), 1, "{said}: not retried");
    }
}

#[test]
fn a_login_page_after_good_pages_keeps_them_only_as_partial() {
    let server = Hostile::start(|n, _| match n {
        0 => page(vec![one(0), one(1)], Some("c1")),
        _ => html(),
    });
    let run = fetch(&server.url, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("page 2 of the export: the server answered with an HTML page"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 lines in 1 page were fetched"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(run.out()).unwrap(), "precious\n");
    assert_eq!(
        std::fs::read_to_string(run.partial())
            .unwrap()
            .lines()
            .count(),
        2
    );
}

#[test]
fn a_redirect_to_another_port_of_the_same_host_is_refused_and_named() {
    let elsewhere = Hostile::start(|_, _| page(vec![one(0)], None));
    let target = format!("{}/v2/export", elsewhere.url);
    let redirecting = Hostile::start(move |_, _| status(307, &[("location", &target)], ""));
    let run = fetch(&redirecting.url, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let from = redirecting.url.replace("http://", "");
    let to = format!("{}/v2/export", elsewhere.url);
    let said = format!("refused a redirect from http://{from} to another origin, {to}");
    assert!(run.stderr.contains(&said), "{said}\n{}", run.stderr);
    assert_eq!(elsewhere.hits(), 0, "the key never went to the other port");
    assert_eq!(std::fs::read_to_string(run.out()).unwrap(), "precious\n");
}

#[test]
fn a_redirect_on_the_same_origin_is_followed() {
    let server = Hostile::start(|n, query| match n {
        0 => status(
            302,
            &[("location", &format!("/v2/export?{query}&moved=1"))],
            "",
        ),
        _ if query.contains("moved=1") => page(vec![one(0), one(1)], None),
        _ => status(500, &[], "not where the redirect pointed"),
    });
    let run = fetch(&server.url, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(server.hits(), 2);
    assert_eq!(
        std::fs::read_to_string(run.out()).unwrap().lines().count(),
        2
    );
}

#[test]
fn a_gzip_page_is_decompressed_and_its_decompressed_size_is_capped() {
    use std::io::Write;
    let gz = |body: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(body).unwrap();
        e.finish().unwrap()
    };
    let small = gz(
        serde_json::json!({"pagination_id": null, "lines": [one(0)]})
            .to_string()
            .as_bytes(),
    );
    // 3 MiB of JSON whitespace, a few KiB on the wire.
    let big = gz(&[b' '; 3 << 20]);
    assert!(big.len() < 64 << 10);
    let encoded = |body: Vec<u8>| {
        move |_, _: &str| {
            let headers = [(header::CONTENT_ENCODING, "gzip")];
            (headers, body.clone()).into_response()
        }
    };
    let server = Hostile::start(encoded(small));
    let run = fetch(&server.url, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = std::fs::read_to_string(run.out()).unwrap();
    assert!(text.starts_with("{\"_ts\":"), "{text}");
    let bomb = Hostile::start(encoded(big));
    let run = fetch(&bomb.url, &["--max-page-mib", "1"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("larger than the --max-page-mib limit of 1 MiB"),
        "{}",
        run.stderr
    );
}
