//! `fetch logdna` and `analyze --logdna` against a hostile server: every
//! case ends (a watchdog kills the binary and fails the test if it hangs),
//! loses nothing, and keeps the terminal and the key safe. How long a case
//! took is not asserted beyond that: a busy machine is slow, and the
//! messages say which deadline or cap ended it.

use crate::hostile_server::*;
use crate::logdna_server::KEY;
use axum::body::{Body, Bytes};
use axum::response::Response;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The window fetched, in epoch seconds.
pub(crate) const FROM: i64 = 1_795_000_000;
pub(crate) const TO: i64 = FROM + 7200;
/// The watchdog: only a run that hangs gets near it.
pub(crate) const BOUND: Duration = Duration::from_secs(120);

/// The i-th line's `_ts`, newest first, inside the window.
pub(crate) fn ts(i: i64) -> i64 {
    (FROM + 3600 - i) * 1000
}

pub(crate) struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    pub(crate) fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tmp")).unwrap();
        Case { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The -o target.
    pub(crate) fn out(&self) -> PathBuf {
        self.path().join("export.jsonl")
    }

    pub(crate) fn partial(&self) -> PathBuf {
        self.path().join("export.jsonl.partial")
    }

    /// TMPDIR of the run.
    pub(crate) fn tmp(&self) -> PathBuf {
        self.path().join("tmp")
    }

    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("LOGDNA_SERVICE_KEY", KEY.to_string()),
            ("TMPDIR", self.tmp().display().to_string()),
        ]
    }

    /// `fetch logdna -o OUT` with a 1 s timeout and 1 retry unless `extra`
    /// says otherwise, plus `extra`.
    pub(crate) fn fetch_args(&self, url: &str, extra: &[&str]) -> Vec<String> {
        let mut a: Vec<String> = ["fetch", "logdna"].map(String::from).to_vec();
        a.extend(window(url));
        for (flag, default) in [("--timeout", "1"), ("--retries", "1")] {
            if !extra.contains(&flag) {
                a.extend([flag, default].map(String::from));
            }
        }
        a.push("-o".to_string());
        a.push(self.out().display().to_string());
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    }

    pub(crate) fn run(&self, args: &[String]) -> Ended {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run_bounded(self.path(), &args, &env, BOUND)
    }

    pub(crate) fn fetch(&self, url: &str, extra: &[&str]) -> Ended {
        self.run(&self.fetch_args(url, extra))
    }

    pub(crate) fn lines(p: &Path) -> usize {
        std::fs::read_to_string(p).unwrap().lines().count()
    }

    /// Files left in the case's folder, but for the run's own.
    pub(crate) fn leftovers(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !["stdout", "stderr", "tmp"].contains(&n.as_str()))
            .collect();
        names.sort();
        names
    }
}

pub(crate) fn window(url: &str) -> Vec<String> {
    [
        "--logdna-url",
        url,
        "--from",
        &FROM.to_string(),
        "--to",
        &TO.to_string(),
    ]
    .map(String::from)
    .to_vec()
}

fn one_line(n: usize, cursor: Option<&str>) -> Response {
    page(vec![line(ts(n as i64), &format!("line {n}"))], cursor)
}

#[test]
fn a_cursor_seen_before_is_an_error_naming_it_and_what_was_fetched() {
    // A, B, A, ...: the old client only caught a cursor repeated at once.
    let cycle = Hostile::start(|n, _| one_line(n, Some(["A", "B"][n % 2])));
    let c = Case::new();
    let run = c.fetch(&cycle.url, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(r#"the server sent the cursor "A" again for page 4"#),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("3 lines in 3 pages"), "{}", run.stderr);
    assert_eq!(Case::lines(&c.partial()), 3);
    assert_eq!(cycle.hits(), 3);

    // The same cursor again ended the export silently, as if complete.
    let stuck = Hostile::start(|n, _| one_line(n, Some("same")));
    let c = Case::new();
    let run = c.fetch(&stuck.url, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(r#"cursor "same" again"#),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 lines in 2 pages"), "{}", run.stderr);
}

#[test]
fn endless_fresh_cursors_stop_at_the_page_and_line_caps() {
    let endless = Hostile::start(|n, _| {
        let lines = vec![line(ts(2 * n as i64), "a"), line(ts(2 * n as i64 + 1), "b")];
        page(lines, Some(&format!("c{n}")))
    });
    let c = Case::new();
    let run = c.fetch(&endless.url, &["--max-pages", "3"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("--max-pages limit of 3 pages")
            && run.stderr.contains("6 lines in 3 pages"),
        "{}",
        run.stderr
    );
    assert_eq!(Case::lines(&c.partial()), 6);
    let c = Case::new();
    let run = c.fetch(&endless.url, &["--max-lines", "5"]);
    assert!(
        run.stderr.contains("--max-lines limit of 5 lines")
            && run.stderr.contains("5 lines in 2 pages"),
        "{}",
        run.stderr
    );
    assert_eq!(Case::lines(&c.partial()), 5);
}

#[test]
fn a_body_that_drips_ends_at_the_timeout() {
    // A byte every 0.3 s never trips a per-read timeout of 1 s.
    let slow = Hostile::start(|_, _| drip(Duration::from_millis(300)));
    let c = Case::new();
    let run = c.fetch(&slow.url, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("failed after 2 attempts: no complete answer within --timeout 1 s"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_huge_retry_after_is_capped_at_the_timeout_and_said() {
    let tomorrow = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(86_400));
    let busy = Hostile::start(move |n, _| match n {
        0 => status(429, &[("retry-after", "86400")], "slow down"),
        1 => status(429, &[("retry-after", &tomorrow)], "slow down"),
        _ => one_line(0, None),
    });
    let c = Case::new();
    let run = c.fetch(&busy.url, &["--retries", "2"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let err = &run.stderr;
    assert!(
        err.contains("HTTP 429: slow down; waiting 1.0 s (the server's Retry-After (86400 s) capped at --timeout) before retry 1 of 2"),
        "{err}"
    );
    assert!(err.contains("GMT, 8639"), "an HTTP date a day ahead: {err}");
    assert!(err.contains("before retry 2 of 2"), "{err}");
    assert!(run.took >= Duration::from_secs(2), "took {:?}", run.took);
    assert_eq!(Case::lines(&c.out()), 1);
}

#[test]
fn a_page_over_the_size_cap_is_refused_declared_or_streamed() {
    let big = " ".repeat(3 << 20);
    let declared = Hostile::start(move |_, _| status(200, &[], &big));
    let streamed = Hostile::start(|_, _| {
        let chunks = (0..48).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 64 << 10])));
        Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
    });
    for server in [&declared, &streamed] {
        let c = Case::new();
        let run = c.fetch(&server.url, &["--max-page-mib", "1"]);
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("page 1 of the export is larger than the --max-page-mib limit of 1 MiB"),
            "{}",
            run.stderr
        );
        assert_eq!(server.hits(), 1, "a refused page is not fetched again");
    }
}

#[test]
fn a_redirect_to_another_host_is_refused() {
    let elsewhere = Hostile::start_on("127.0.0.2", |n, _| one_line(n, None));
    let target = format!("{}/v2/export", elsewhere.url);
    let redirecting = Hostile::start(move |_, _| status(302, &[("location", &target)], ""));
    let c = Case::new();
    let run = c.fetch(&redirecting.url, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let to = format!("to another origin, {}/v2/export", elsewhere.url);
    assert!(run.stderr.contains(&to), "{to}\n{}", run.stderr);
    assert_eq!(elsewhere.hits(), 0);
    // https -> http is another origin too: `fetch::origin`'s unit tests
    // check that policy.
}

#[test]
fn plain_http_off_this_machine_needs_allow_http() {
    let c = Case::new();
    let run = c.fetch("http://logs.example.invalid", &["--retries", "0"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("plain http to logs.example.invalid")
            && run.stderr.contains("--allow-http"),
        "{}",
        run.stderr
    );
}

#[test]
fn server_text_cannot_take_over_the_terminal_or_leak_the_key() {
    let hostile = "\u{1b}]52;c;cm0gLXJmIH4=\u{7} \u{202e}txt.exe \u{1b}[2J";
    let loud = Hostile::start(move |n, _| match n {
        0 => status(500, &[("retry-after", "0")], hostile),
        _ => status(400, &[], hostile),
    });
    let c = Case::new();
    let run = c.fetch(&loud.url, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!run.stderr.contains(raw), "{raw:?} in {:?}", run.stderr);
    }
    assert!(
        run.stderr.contains("␛]52"),
        "neutralised, not dropped: {}",
        run.stderr
    );

    // The base64 credential echoed back where the 200-character cut falls
    // inside it: redacted whole before the cut, not after.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:"));
    let body = format!("{} Authorization: Basic {b64}", "x".repeat(173));
    let echo = Hostile::start(move |_, _| status(400, &[], &body));
    let run = Case::new().fetch(&echo.url, &[]);
    assert!(run.stderr.contains("HTTP 400"), "{}", run.stderr);
    assert!(!run.stderr.contains(&b64[..5]), "{}", run.stderr);
}

#[test]
fn a_refused_key_leaves_an_existing_output_file_intact() {
    let refusing = Hostile::start(|_, _| status(401, &[], "Unauthorized"));
    let c = Case::new();
    std::fs::write(c.out(), "precious\n").unwrap();
    let run = c.fetch(&refusing.url, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(c.out()).unwrap(), "precious\n");
    assert!(
        run.stderr
            .contains(&format!("{} is unchanged", c.out().display())),
        "{}",
        run.stderr
    );
    assert_eq!(
        c.leftovers(),
        ["export.jsonl"],
        "no partial, no temporary file"
    );
}

#[test]
fn timestamps_outside_the_window_or_out_of_order_are_reported() {
    let odd = Hostile::start(|_, _| {
        let lines = vec![
            line(ts(0), "in order"),
            line(ts(-5), "newer than the line before"),
            line((TO + 100) * 1000, "after the window"),
        ];
        page(lines, None)
    });
    let c = Case::new();
    let run = c.fetch(&odd.url, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let err = &run.stderr;
    assert!(err.contains("page 1 of the export, line 2: _ts"), "{err}");
    assert!(err.contains("page 1 of the export, line 3: _ts"), "{err}");
    assert!(
        err.contains("1 exported line had a _ts outside the window"),
        "{err}"
    );
    assert!(
        err.contains("2 exported lines were newer than the line before"),
        "{err}"
    );
    assert_eq!(Case::lines(&c.out()), 3, "reported, not dropped");
}

#[test]
fn credentials_in_the_url_never_show() {
    let server = Hostile::start(|n, _| one_line(n, None));
    let url = server
        .url
        .replace("http://", "http://tok3nUser:s3cretPassw0rd@");
    let c = Case::new();
    let run = c.fetch(&url, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut all = run.stderr.clone();
    for format in ["table", "json", "markdown"] {
        let mut args = analyze_args(&url);
        args[2] = format.to_string();
        let run = c.run(&args);
        all.push_str(&run.stdout);
        all.push_str(&run.stderr);
    }
    assert!(all.contains("127.0.0.1"), "{all}");
    for secret in ["tok3nUser", "s3cretPassw0rd"] {
        assert!(!all.contains(secret), "{secret} in {all}");
    }
}

pub(crate) fn analyze_args(url: &str) -> Vec<String> {
    let mut a: Vec<String> = ["analyze", "--format", "json", "--logdna"]
        .map(String::from)
        .to_vec();
    a.extend(window(url));
    a
}
