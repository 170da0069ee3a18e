//! IBM Cloud Logs query client (`POST /v1/query`, FORMATS.md section 4).
//!
//! - **Auth.** The API key is exchanged at IAM (`POST /identity/token`, form
//!   `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=...`) for a
//!   bearer token. The token is renewed before it expires, and once more
//!   when a query comes back 401. Key and token are redacted from every
//!   error body and never written.
//! - **Queries.** One query per window, Lucene or DataPrime, on the
//!   frequent-search or archive tier. The answer is Server-Sent Events;
//!   each result is written as one JSON line, and `warning`/`error` events
//!   as their own lines (`{"warning": ...}`), so `analyze` shows them. An
//!   `error` event means the query stopped part way: the fetch stops with an
//!   error, and what came before it is kept as partial, never as complete.
//!   An answer with no event in it is an error too ([`super::sse`]).
//! - **The result limit.** A query returns at most 12,000 results (frequent
//!   search) or 50,000 (archive). A window whose answer reaches the limit
//!   may have been cut, so its results are dropped and it is split in two,
//!   each half queried in turn, until every part is under the limit.
//!   Windows are fetched oldest first.
//! - **The network** is the shared layer's ([`super::http`]): a deadline,
//!   retries with backoff and jitter, Retry-After on 429 (10 queries a
//!   minute), no redirect off the host.

use super::http::{Failure, Http, Net};
use super::iam::Iam;
use super::interrupt::Interrupt;
use super::sse::{self, result_time, Answer};
use super::{Event, FetchError, Limits, Progress, ServiceKey, Stop};
use crate::time::Ts;
use serde_json::value::RawValue;
use std::io::Write;

pub use super::sse::fuzz_answer;

pub const DEFAULT_IAM_URL: &str = "https://iam.cloud.ibm.com";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Lucene,
    Dataprime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    FrequentSearch,
    Archive,
}

impl Tier {
    fn name(self) -> &'static str {
        match self {
            Tier::FrequentSearch => "frequent_search",
            Tier::Archive => "archive",
        }
    }

    /// The most results one query returns.
    pub fn limit(self) -> u64 {
        match self {
            Tier::FrequentSearch => 12_000,
            Tier::Archive => 50_000,
        }
    }
}

impl Syntax {
    fn name(self) -> &'static str {
        match self {
            Syntax::Lucene => "lucene",
            Syntax::Dataprime => "dataprime",
        }
    }
}

/// The instance's API base: `https://GUID.api.REGION.logs.cloud.ibm.com`.
pub fn instance_url(guid: &str, region: &str) -> Result<String, String> {
    let ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    if !ok(guid) || !ok(region) {
        return Err("--instance and --region take a GUID and a region name".into());
    }
    Ok(format!("https://{guid}.api.{region}.logs.cloud.ibm.com"))
}

/// The query that selects `app`'s container in namespace armada (every
/// container there with `None`, as `--all-apps` asks).
pub fn default_query(syntax: Syntax, app: Option<&str>) -> String {
    match (syntax, app) {
        (Syntax::Lucene, Some(app)) => format!(
            "kubernetes.namespace_name:\"armada\" AND kubernetes.container_name:\"{app}\""
        ),
        (Syntax::Lucene, None) => "kubernetes.namespace_name:\"armada\"".to_string(),
        (Syntax::Dataprime, Some(app)) => format!(
            "source logs | filter $d.kubernetes.namespace_name == 'armada' && $d.kubernetes.container_name == '{app}'"
        ),
        (Syntax::Dataprime, None) => {
            "source logs | filter $d.kubernetes.namespace_name == 'armada'".to_string()
        }
    }
}

#[derive(Clone, Debug)]
pub struct Request {
    pub base_url: String,
    pub iam_url: String,
    pub from: Ts,
    pub to: Ts,
    pub query: String,
    pub syntax: Syntax,
    pub tier: Tier,
    /// The result limit of one query; the tier's unless a test lowers it.
    pub limit: u64,
}

/// Runs the queries and writes the results as JSON Lines, telling `events`
/// of each query and each notice.
pub fn fetch(
    req: &Request,
    key: &ServiceKey,
    net: &Net,
    limits: &Limits,
    out: &mut dyn Write,
    interrupt: &Interrupt,
    events: &mut dyn FnMut(Event<'_>),
) -> Result<Progress, FetchError> {
    let fail = FetchError::new;
    let http = Http::new(net.clone(), key.wire_forms())
        .map_err(|e| fail(Stop::Client(e), Progress::default()))?;
    let mut s = Session {
        http,
        req,
        key,
        limits,
        iam: Iam::new(&req.iam_url),
        redactor: crate::redact::Redactor::new(key.wire_forms()),
        edge: Default::default(),
        p: Progress::default(),
        out,
        events,
    };
    let ran = interrupt
        .run(s.run())
        .map_err(|e| fail(Stop::Runtime(e), Progress::default()))?;
    let ran = ran.unwrap_or_else(|sig| Err(Stop::Interrupted(sig)));
    let flushed = s.out.flush().map_err(Stop::Write);
    ran.and(flushed)
        .map(|_| s.p)
        .map_err(|stop| fail(stop, s.p))
}

struct Session<'a> {
    http: Http,
    req: &'a Request,
    key: &'a ServiceKey,
    limits: &'a Limits,
    iam: Iam,
    /// Every secret form out of the export (the token is a JWT it knows).
    redactor: crate::redact::Redactor,
    /// Results of the last window's last millisecond, written already.
    edge: std::collections::HashSet<String>,
    p: Progress,
    out: &'a mut dyn Write,
    events: &'a mut dyn FnMut(Event<'_>),
}

impl Session<'_> {
    async fn run(&mut self) -> Result<(), Stop> {
        // Windows still to query, the oldest last (a stack).
        let mut todo = vec![(self.req.from, self.req.to)];
        while let Some((from, to)) = todo.pop() {
            if self.p.pages >= self.limits.max_pages {
                return Err(Stop::Refused(format!(
                    "stopped at the --max-queries limit of {} queries",
                    self.limits.max_pages
                )));
            }
            let what = format!("the query for {from} to {to}");
            let answer = self.query(from, to, &what).await?;
            self.p.pages += 1;
            if let Some(error) = answer.errors.first() {
                // What came before the error is kept, as a partial export,
                // and the window is fetched again from its start to resume.
                self.write_fresh(&answer, to)?;
                self.p.done_to = Some(from);
                let message = self.http.detail(sse::error_message(error).as_bytes());
                return Err(Stop::QueryFailed {
                    what,
                    message: message.trim_start_matches(": ").to_string(),
                });
            }
            if answer.results.len() as u64 >= self.req.limit {
                let span = to.nanos_since(from);
                if span < 2_000_000 {
                    return Err(Stop::Refused(format!(
                        "{what} reached the limit of {} results even in a window of {span} ns; narrow --query",
                        self.req.limit
                    )));
                }
                let mid = from.midpoint(to);
                let note = format!(
                    "{what} reached the limit of {} results: querying {from} to {mid} and {mid} to {to} apart",
                    self.req.limit
                );
                (self.events)(Event::Notice(&note));
                todo.push((mid, to));
                todo.push((from, mid));
                continue;
            }
            self.write_fresh(&answer, to)?;
            self.p.done_to = Some(to);
            (self.events)(Event::Page(&self.p));
        }
        Ok(())
    }

    /// Writes the results not written already, and the window's events.
    fn write_fresh(&mut self, answer: &Answer, to: Ts) -> Result<(), Stop> {
        let edge = std::mem::take(&mut self.edge);
        let fresh: Vec<&RawValue> = answer
            .results
            .iter()
            .map(|r| &**r)
            .filter(|r| !edge.contains(r.get()))
            .collect();
        self.write(&fresh, answer)?;
        // A service that counts both ends of a window in it would send a
        // result at the split point twice: remember the last instant's.
        self.edge = answer
            .results
            .iter()
            .filter(|r| {
                result_time(r.get())
                    .is_some_and(|t| t.nanos() >= to.nanos().saturating_sub(1_000_000))
            })
            .map(|r| r.get().to_string())
            .collect();
        Ok(())
    }

    fn write(&mut self, results: &[&RawValue], a: &Answer) -> Result<(), Stop> {
        for r in results {
            if self.p.lines >= self.limits.max_lines {
                return Err(Stop::Refused(format!(
                    "stopped at the --max-results limit of {} results",
                    self.limits.max_lines
                )));
            }
            self.line(r.get().as_bytes())?;
            self.p.lines += 1;
        }
        for v in &a.warnings {
            self.line(format!("{{\"warning\":{}}}", v.get()).as_bytes())?;
            let said = format!(
                "warning: Cloud Logs sent a warning event: {}",
                self.http
                    .detail(v.get().as_bytes())
                    .trim_start_matches(": ")
            );
            (self.events)(Event::Notice(&said));
        }
        // The error itself is the fetch's error; its line lets `analyze`
        // of the partial export say PARTIAL RESULT.
        for v in &a.errors {
            self.line(format!("{{\"error\":{}}}", v.get()).as_bytes())?;
        }
        self.out.flush().map_err(Stop::Write)
    }

    /// One line of the output, with the key and the token taken out.
    fn line(&mut self, line: &[u8]) -> Result<(), Stop> {
        let line = super::text::redacted(&self.redactor, line);
        let mut text = String::from_utf8_lossy(&line).into_owned();
        let token = self.iam.current();
        for secret in [Some(self.key.expose()), token].into_iter().flatten() {
            if !secret.is_empty() && text.contains(secret) {
                text = text.replace(secret, "<redacted:key>");
            }
        }
        self.out
            .write_all(text.as_bytes())
            .and_then(|_| self.out.write_all(b"\n"))
            .map_err(Stop::Write)
    }

    /// A query, with one more token on a 401 (an expired token).
    async fn query(&mut self, from: Ts, to: Ts, what: &str) -> Result<Answer, Stop> {
        let mut renewed = false;
        loop {
            let (retries, events) = (&mut self.p.retries, &mut self.events);
            let mut notice = |m: &str| {
                *retries += 1;
                events(Event::Notice(m));
            };
            let token = self
                .iam
                .token(&mut self.http, self.key, renewed, &mut notice)
                .await?;
            match self.post_query(from, to, what, &token).await {
                Err(Failure::Status { status: 401, .. }) if !renewed => {
                    (self.events)(Event::Notice(&format!(
                        "{what}: HTTP 401, the token may have expired; getting a new one"
                    )));
                    renewed = true;
                }
                Err(f) => return Err(stop(f, what)),
                Ok(body) => return sse::parse(&body, what),
            }
        }
    }

    async fn post_query(
        &mut self,
        from: Ts,
        to: Ts,
        what: &str,
        token: &str,
    ) -> Result<Vec<u8>, Failure> {
        let url = format!("{}/v1/query", self.req.base_url.trim_end_matches('/'));
        let body = serde_json::json!({
            "query": self.req.query,
            "metadata": {
                "start_date": from.to_string(),
                "end_date": to.to_string(),
                "tier": self.req.tier.name(),
                "syntax": self.req.syntax.name(),
                "limit": self.req.limit,
            }
        });
        let body = body.to_string();
        let build = |c: &reqwest::Client| {
            c.post(&url)
                .bearer_auth(token)
                .header(reqwest::header::ACCEPT, "text/event-stream")
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        };
        let (retries, events) = (&mut self.p.retries, &mut self.events);
        let mut notice = |m: &str| {
            *retries += 1;
            events(Event::Notice(m));
        };
        self.http.get(&build, what, &mut notice).await
    }
}

/// A request's failure in Cloud Logs' terms.
fn stop(f: Failure, what: &str) -> Stop {
    super::stop_of(
        f,
        what,
        "Cloud Logs",
        |status, detail| {
            format!(
            "Cloud Logs refused the token (HTTP {status}): check that the API key's identity may read logs on the instance{detail}"
        )
        },
        |detail| {
            format!("Cloud Logs rejected the query (HTTP 400){detail}: check --query and --syntax")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instance_url_and_default_queries() {
        assert_eq!(
            instance_url("abc-123", "eu-de").unwrap(),
            "https://abc-123.api.eu-de.logs.cloud.ibm.com"
        );
        assert!(instance_url("a/b", "eu-de").is_err());
        assert!(default_query(Syntax::Lucene, Some("armada-kp-events"))
            .contains("kubernetes.container_name:\"armada-kp-events\""));
        assert!(default_query(Syntax::Dataprime, Some("x")).starts_with("source logs"));
        assert!(!default_query(Syntax::Lucene, None).contains("container_name"));
    }
}
