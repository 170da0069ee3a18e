//! LogDNA export API client (`/v1/export`, `/v2/export`).
//!
//! Auth is the service key as the basic-auth user with an empty password.
//! Query parameters go out sorted, because the v2 cursor is sensitive to
//! their order (Mezmo's own CLI sorts them too). Every request retries with
//! backoff and jitter on 429 (honouring Retry-After), 5xx and dropped
//! connections ([`super::http`]); a page that still fails stops the run with
//! what was fetched and how to resume. Never a silent partial result.
//!
//! A hostile or broken server cannot keep it going: a cursor seen before is
//! an error, pages and lines are capped ([`Limits`]), and `_ts` is checked
//! against the window and the newest-first order.

use super::http::{Failure, Http, Net};
use super::interrupt::Interrupt;
use super::text::{clip, neutralise};
use super::{plural, Event, Limits, ServiceKey, Stop};
// The shared types, where callers of this module have always found them.
pub use super::{FetchError, Progress};
use crate::redact::Redactor;
use crate::time::Ts;
use std::collections::HashSet;
use std::io::Write;

mod page;
use page::{checked, parse_page, Checked};

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

/// Fetches the export and writes it as JSON Lines, one exported line per
/// line, telling `events` of each page and each notice. A signal on
/// `interrupt` stops it like any other error; `out` is flushed either way.
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
        redactor: Redactor::new(key.wire_forms()),
        p: Progress::default(),
        ts: TsCheck::new(req.from, req.to),
        out,
        events,
    };
    let ran = interrupt
        .run(s.run())
        .map_err(|e| fail(Stop::Runtime(e), Progress::default()))?;
    let ran = ran.unwrap_or_else(|sig| Err(Stop::Interrupted(sig)));
    let flushed = s.out.flush().map_err(Stop::Write);
    s.ts.summary(&mut *s.events);
    ran.and(flushed)
        .map(|_| s.p)
        .map_err(|stop| fail(stop, s.p))
}

struct Session<'a> {
    http: Http,
    req: &'a Request,
    key: &'a ServiceKey,
    /// Every secret form out of the export, the key's own forms first: the
    /// export is attached to incidents that many people read.
    redactor: Redactor,
    limits: &'a Limits,
    p: Progress,
    ts: TsCheck,
    out: &'a mut dyn Write,
    events: &'a mut dyn FnMut(Event<'_>),
}

impl Session<'_> {
    async fn run(&mut self) -> Result<(), Stop> {
        match self.req.api {
            Api::V1 => {
                let what = "the export";
                let body = self.get("/v1/export", None, what).await?;
                let lines = body
                    .split(|b| *b == b'\n')
                    .filter(|l| !l.trim_ascii().is_empty())
                    .collect();
                let lines = checked(lines, what, &body)?;
                self.write_lines(&lines, what)?;
                self.p.pages = 1;
                (self.events)(Event::Page(&self.p));
                Ok(())
            }
            Api::V2 => self.pages().await,
        }
    }

    async fn pages(&mut self) -> Result<(), Stop> {
        let mut cursor: Option<String> = None;
        let mut seen = HashSet::new();
        loop {
            let what = format!("page {} of the export", self.p.pages + 1);
            let body = self.get("/v2/export", cursor.as_deref(), &what).await?;
            let page = parse_page(&body, &what)?;
            let lines = page.lines.iter().map(|r| r.get().as_bytes()).collect();
            self.write_lines(&checked(lines, &what, &body)?, &what)?;
            self.p.pages += 1;
            (self.events)(Event::Page(&self.p));
            // No cursor, or an empty page, ends the export.
            let next = match page.pagination_id {
                Some(next) if !page.lines.is_empty() => next,
                _ => return Ok(()),
            };
            // A cursor seen before would loop for ever (A, B, A, ...).
            if !seen.insert(next.clone()) {
                return Err(Stop::CursorRepeated {
                    what: format!("page {}", self.p.pages + 1),
                    cursor: format!("{:?}", clip(&neutralise(&next), 80)),
                });
            }
            if self.p.pages >= self.limits.max_pages {
                return Err(Stop::MaxPages(self.limits.max_pages));
            }
            cursor = Some(next);
        }
    }

    fn write_lines(&mut self, lines: &[Checked<'_>], what: &str) -> Result<(), Stop> {
        for (i, &(line, ms)) in lines.iter().enumerate() {
            if self.p.lines >= self.limits.max_lines {
                return Err(Stop::MaxLines(self.limits.max_lines));
            }
            let line = super::text::redacted(&self.redactor, line);
            self.out
                .write_all(&line)
                .and_then(|_| self.out.write_all(b"\n"))
                .map_err(Stop::Write)?;
            self.p.lines += 1;
            if let Some(ms) = ms {
                let at = || format!("{what}, line {}", i + 1);
                if let Some(warning) = self.ts.check(ms, at) {
                    (self.events)(Event::Notice(&warning));
                }
                if let Some(ts) = Ts::from_epoch_secs(ms / 1000.0) {
                    self.p.oldest = Some(self.p.oldest.map_or(ts, |o| o.min(ts)));
                }
            }
        }
        self.out.flush().map_err(Stop::Write)
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

    async fn get(&mut self, path: &str, cursor: Option<&str>, what: &str) -> Result<Vec<u8>, Stop> {
        let url = format!("{}{path}", self.req.base_url.trim_end_matches('/'));
        let params = self.params(cursor);
        let key = self.key.expose();
        let build = |c: &reqwest::Client| c.get(&url).query(&params).basic_auth(key, Some(""));
        let (retries, events) = (&mut self.p.retries, &mut self.events);
        let mut notice = |m: &str| {
            *retries += 1;
            events(Event::Notice(m));
        };
        self.http
            .get(&build, what, &mut notice)
            .await
            .map_err(|f| stop(f, what))
    }
}

/// A request's failure in LogDNA's terms.
fn stop(f: Failure, what: &str) -> Stop {
    super::stop_of(
        f,
        what,
        "LogDNA",
        |status, detail| {
            format!(
            "LogDNA refused the service key (HTTP {status}): check the key (LOGDNA_SERVICE_KEY or --logdna-key-file), and that \"Export Log Lines\" is switched on for the instance{detail}"
        )
        },
        |detail| {
            format!(
            "LogDNA rejected the export request (HTTP 400){detail}: check the time range, --query and --app"
        )
        },
    )
}

/// Exported lines must fall inside the window asked for and come newest
/// first. Neither is enforced (the lines are the server's), but each is
/// reported: the first time at once, and how often at the end.
struct TsCheck {
    from_ms: f64,
    to_ms: f64,
    last: Option<f64>,
    outside: u64,
    newer: u64,
}

impl TsCheck {
    fn new(from: Ts, to: Ts) -> TsCheck {
        let ms = |t: Ts| t.nanos().div_euclid(1_000_000) as f64;
        TsCheck {
            from_ms: ms(from),
            to_ms: ms(to),
            last: None,
            outside: 0,
            newer: 0,
        }
    }

    fn check(&mut self, ms: f64, at: impl Fn() -> String) -> Option<String> {
        let show = |ms: f64| {
            Ts::from_epoch_secs(ms / 1000.0).map_or_else(|| format!("{ms} ms"), |t| t.to_string())
        };
        let mut warning = None;
        if !(self.from_ms..=self.to_ms).contains(&ms) {
            self.outside += 1;
            if self.outside == 1 {
                warning = Some(format!(
                    "warning: {}: _ts {} is outside the window asked for ({} to {}); later ones are counted",
                    at(),
                    show(ms),
                    show(self.from_ms),
                    show(self.to_ms)
                ));
            }
        }
        if self.last.is_some_and(|last| ms > last) {
            self.newer += 1;
            if self.newer == 1 && warning.is_none() {
                warning = Some(format!(
                    "warning: {}: _ts {} is newer than the line before it, in an export that comes newest first; later ones are counted",
                    at(),
                    show(ms)
                ));
            }
        }
        self.last = Some(ms);
        warning
    }

    fn summary(&self, events: &mut dyn FnMut(Event<'_>)) {
        if self.outside > 0 {
            events(Event::Notice(&format!(
                "warning: {} had a _ts outside the window asked for",
                plural(self.outside, "exported line", "exported lines")
            )));
        }
        if self.newer > 0 {
            events(Event::Notice(&format!(
                "warning: {} newer than the line before: the export is not newest first, so --to may not resume it exactly",
                plural(self.newer, "exported line was", "exported lines were")
            )));
        }
    }
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
