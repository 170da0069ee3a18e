//! LogDNA export API client (`/v1/export`, `/v2/export`).
//!
//! Auth is the service key as the basic-auth user with an empty password.
//! Query parameters go out sorted, because the v2 cursor is sensitive to
//! their order (Mezmo's own CLI sorts them too). Every request retries with
//! backoff and jitter on 429 (honouring Retry-After), 5xx and dropped
//! connections; a page that still fails stops the run with what was fetched
//! and how to resume. Never a silent partial result.

use super::ServiceKey;
use crate::time::Ts;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::io::Write;
use std::time::Duration;

/// IBM Log Analysis regions (FORMATS.md section 3).
pub const REGIONS: &[&str] = &[
    "us-south", "us-east", "eu-de", "eu-gb", "eu-es", "jp-tok", "jp-osa", "au-syd", "br-sao",
    "ca-tor", "in-che",
];

/// The API base of a region; `private.REGION` is its private endpoint.
pub fn region_url(region: &str) -> Result<String, String> {
    let (private, name) = match region.strip_prefix("private.") {
        Some(r) => (true, r),
        None => (false, region),
    };
    if !REGIONS.contains(&name) {
        return Err(format!(
            "unknown region {region:?}: use one of {}, or give --logdna-url",
            REGIONS.join(", ")
        ));
    }
    let host = if private {
        format!("api.private.{name}")
    } else {
        format!("api.{name}")
    };
    Ok(format!("https://{host}.logging.cloud.ibm.com"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// One capped response of JSON Lines.
    V1,
    /// Pages of up to `page_size` lines, followed by `pagination_id`.
    V2,
}

#[derive(Clone, Debug)]
pub struct Request {
    pub base_url: String,
    pub api: Api,
    pub from: Ts,
    pub to: Ts,
    pub app: Option<String>,
    pub query: Option<String>,
    pub page_size: u32,
}

#[derive(Clone, Debug)]
pub struct Net {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// Retries per request after the first try.
    pub retries: u32,
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for Net {
    fn default() -> Self {
        Net {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            retries: 5,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// How far a fetch has come; reported after every page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub pages: u64,
    pub lines: u64,
    pub retries: u64,
    /// The oldest `_ts` fetched: where to resume a newest-first export.
    pub oldest: Option<Ts>,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("LogDNA refused the service key (HTTP {status}): check the key (LOGDNA_SERVICE_KEY or --logdna-key-file), and that \"Export Log Lines\" is switched on for the instance{detail}")]
    Auth { status: u16, detail: String },
    #[error("LogDNA rejected the export request (HTTP 400){detail}: check the time range, --query and --app")]
    BadRequest { detail: String },
    #[error("HTTP {status} from LogDNA{detail}")]
    Status { status: u16, detail: String },
    #[error("{what} failed after {attempts} attempts: {cause}. {progress}")]
    GaveUp {
        what: String,
        attempts: u32,
        cause: String,
        progress: String,
    },
    #[error("{what} is not a LogDNA export page: {cause}")]
    BadPage { what: String, cause: String },
    #[error("writing the export: {0}")]
    Write(#[source] std::io::Error),
    #[error("cannot start the HTTP client: {0}")]
    Client(String),
}

/// Fetches the export and writes it as JSON Lines, one exported line per
/// line, calling `progress` after each page.
pub fn fetch(
    req: &Request,
    key: &ServiceKey,
    net: &Net,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Progress, FetchError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| FetchError::Client(e.to_string()))?;
    let client = reqwest::Client::builder()
        .connect_timeout(net.connect_timeout)
        .read_timeout(net.read_timeout)
        .user_agent(concat!("kp-triage/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::Client(e.to_string()))?;
    let mut s = Session {
        client,
        req,
        key,
        net,
        p: Progress::default(),
    };
    rt.block_on(s.run(out, progress))?;
    Ok(s.p)
}

struct Session<'a> {
    client: reqwest::Client,
    req: &'a Request,
    key: &'a ServiceKey,
    net: &'a Net,
    p: Progress,
}

#[derive(Deserialize)]
struct Page<'a> {
    pagination_id: Option<String>,
    #[serde(borrow)]
    lines: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct TsOnly {
    #[serde(rename = "_ts")]
    ts: Option<f64>,
}

impl Session<'_> {
    async fn run(
        &mut self,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), FetchError> {
        match self.req.api {
            Api::V1 => {
                let body = self.get("/v1/export", None, "the export").await?;
                self.write_lines(
                    body.split(|b| *b == b'\n')
                        .filter(|l| !l.trim_ascii().is_empty()),
                    out,
                )?;
                self.p.pages = 1;
                progress(&self.p);
                Ok(())
            }
            Api::V2 => self.pages(out, progress).await,
        }
    }

    async fn pages(
        &mut self,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), FetchError> {
        let mut cursor: Option<String> = None;
        loop {
            let what = format!("page {} of the export", self.p.pages + 1);
            let body = self.get("/v2/export", cursor.as_deref(), &what).await?;
            let page: Page<'_> =
                serde_json::from_slice(&body).map_err(|e| FetchError::BadPage {
                    what,
                    cause: e.to_string(),
                })?;
            self.write_lines(page.lines.iter().map(|r| r.get().as_bytes()), out)?;
            self.p.pages += 1;
            progress(&self.p);
            // A repeated or empty cursor would loop for ever; it ends the export.
            match page.pagination_id {
                Some(next) if !page.lines.is_empty() && Some(&next) != cursor.as_ref() => {
                    cursor = Some(next)
                }
                _ => return Ok(()),
            }
        }
    }

    fn write_lines<'b>(
        &mut self,
        lines: impl Iterator<Item = &'b [u8]>,
        out: &mut dyn Write,
    ) -> Result<(), FetchError> {
        let key = self.key.expose().as_bytes();
        for line in lines {
            // An app that logged the key must not get it into a shared export.
            let line: std::borrow::Cow<'_, [u8]> = match memchr::memmem::find(line, key) {
                Some(_) => String::from_utf8_lossy(line)
                    .replace(self.key.expose(), "<redacted:key>")
                    .into_bytes()
                    .into(),
                None => line.into(),
            };
            out.write_all(&line)
                .and_then(|_| out.write_all(b"\n"))
                .map_err(FetchError::Write)?;
            self.p.lines += 1;
            let ts = serde_json::from_slice::<TsOnly>(&line)
                .ok()
                .and_then(|t| t.ts)
                .and_then(|ms| Ts::from_epoch_secs(ms / 1000.0));
            if let Some(ts) = ts {
                self.p.oldest = Some(self.p.oldest.map_or(ts, |o| o.min(ts)));
            }
        }
        out.flush().map_err(FetchError::Write)
    }

    /// Parameters in a stable (sorted) order; the cursor resends them all.
    fn params(&self, cursor: Option<&str>) -> Vec<(&'static str, String)> {
        let r = self.req;
        let mut p = vec![
            ("from", r.from.nanos().div_euclid(1_000_000).to_string()),
            ("to", r.to.nanos().div_euclid(1_000_000).to_string()),
            ("size", r.page_size.to_string()),
        ];
        if let Some(app) = &r.app {
            p.push(("apps", app.clone()));
        }
        if let Some(q) = &r.query {
            p.push(("query", q.clone()));
        }
        if let Some(c) = cursor {
            p.push(("pagination_id", c.to_string()));
        }
        p.sort_by_key(|(k, _)| *k);
        p
    }

    async fn get(
        &mut self,
        path: &str,
        cursor: Option<&str>,
        what: &str,
    ) -> Result<Vec<u8>, FetchError> {
        let url = format!("{}{path}", self.req.base_url.trim_end_matches('/'));
        let params = self.params(cursor);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let (cause, wait) = match self.try_get(&url, &params).await? {
                Ok(body) => return Ok(body),
                Err(retry) => retry,
            };
            if attempt > self.net.retries {
                return Err(FetchError::GaveUp {
                    what: what.to_string(),
                    attempts: attempt,
                    cause,
                    progress: self.resume_hint(),
                });
            }
            self.p.retries += 1;
            tokio::time::sleep(wait.unwrap_or_else(|| self.backoff(attempt))).await;
        }
    }

    /// One try: the body, a retryable failure (cause, Retry-After), or a final error.
    async fn try_get(
        &self,
        url: &str,
        params: &[(&str, String)],
    ) -> Result<Result<Vec<u8>, (String, Option<Duration>)>, FetchError> {
        let sent = self
            .client
            .get(url)
            .query(params)
            .basic_auth(self.key.expose(), Some(""))
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => return Ok(Err((describe(&e), None))),
        };
        let status = resp.status().as_u16();
        if resp.status().is_success() {
            return Ok(resp.bytes().await.map(|b| b.to_vec()).map_err(|e| {
                (
                    format!("connection dropped mid-response: {}", describe(&e)),
                    None,
                )
            }));
        }
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let detail = self.detail(resp.text().await.unwrap_or_default());
        match status {
            401 | 403 => Err(FetchError::Auth { status, detail }),
            400 => Err(FetchError::BadRequest { detail }),
            429 => Ok(Err((
                format!("HTTP 429 Too Many Requests{detail}"),
                retry_after.map(|s| Duration::from_secs(s.min(300))),
            ))),
            500..=599 => Ok(Err((format!("HTTP {status}{detail}"), None))),
            _ => Err(FetchError::Status { status, detail }),
        }
    }

    /// A short, key-free excerpt of an error body (they are plain text).
    fn detail(&self, body: String) -> String {
        let body = body.replace(self.key.expose(), "<redacted:key>");
        let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
        if body.is_empty() {
            return String::new();
        }
        let cut: String = body.chars().take(200).collect();
        format!(": {cut}")
    }

    /// Exponential backoff with full jitter, so retrying clients spread out.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .net
            .backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        exp.min(self.net.max_backoff)
            .mul_f64(0.5 + fastrand::f64() / 2.0)
    }

    fn resume_hint(&self) -> String {
        match self.p.oldest {
            None => "Nothing was fetched.".to_string(),
            Some(oldest) => format!(
                "{} lines in {} {} were fetched before it (newest first, down to {oldest}). To resume, fetch again with --to {oldest} and keep both files.",
                self.p.lines,
                self.p.pages,
                if self.p.pages == 1 { "page" } else { "pages" }
            ),
        }
    }
}

/// reqwest's own message is terse; its sources say what really happened.
/// (The URL it names carries the query, never the key: that is a header.)
fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_ibm_endpoints() {
        assert_eq!(
            region_url("us-south").unwrap(),
            "https://api.us-south.logging.cloud.ibm.com"
        );
        assert_eq!(
            region_url("private.eu-de").unwrap(),
            "https://api.private.eu-de.logging.cloud.ibm.com"
        );
        assert!(region_url("mars-north")
            .unwrap_err()
            .contains("--logdna-url"));
    }
}
