//! One HTTP GET, made safe against a server that misbehaves, for every log
//! service's fetch:
//! - a deadline over the whole exchange, from connecting to the body's last
//!   byte, so a body that drips a byte a second still ends at `--timeout`;
//! - a cap on the body, checked as it streams in, so a huge page is refused
//!   instead of filling memory;
//! - retries with exponential backoff and jitter on 429, 5xx, timeouts and
//!   dropped connections, each announced on stderr with what it waits for;
//! - Retry-After in seconds or as an HTTP date, capped at `--timeout`;
//! - redirects followed only on the same origin ([`super::origin`]);
//! - a certificate the client does not trust is not retried, and a private
//!   CA can be trusted ([`super::tls`]);
//! - answers compressed with `Content-Encoding: gzip` decompressed, and one
//!   that does not decompress refused, not retried;
//! - error bodies redacted, then neutralised, and only then cut.

use super::origin::redirect_refusal;
use super::text::{clip, neutralise};
use crate::redact::Redactor;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{RequestBuilder, Response};

pub use super::origin::check_base_url;
use std::time::{Duration, SystemTime};

#[derive(Clone, Debug)]
pub struct Net {
    /// The deadline of one request, body included; also the longest wait
    /// for a Retry-After.
    pub timeout: Duration,
    /// Retries per request after the first try.
    pub retries: u32,
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// The largest body accepted (one page), decompressed.
    pub max_body: u64,
    /// CA certificates trusted besides the public roots.
    pub roots: Vec<reqwest::Certificate>,
}

impl Default for Net {
    fn default() -> Self {
        Net {
            timeout: Duration::from_secs(60),
            retries: 5,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_body: 256 << 20,
            roots: Vec::new(),
        }
    }
}

/// How one request finally failed.
#[derive(Debug)]
pub enum Failure {
    /// A status that retrying cannot fix (4xx other than 408 and 429).
    Status { status: u16, detail: String },
    /// Still failing after every retry; `cause` is the last failure.
    GaveUp { attempts: u32, cause: String },
    /// The body is larger than `Net::max_body`.
    TooLarge { max: u64 },
    /// A redirect to another origin.
    Redirect(String),
    /// The server's TLS certificate is not trusted.
    Certificate(String),
    /// A body that its Content-Encoding does not decode.
    Corrupt(String),
}

/// One try's failure: retry it or not.
enum Try {
    Final(Failure),
    Again {
        cause: String,
        retry_after: Option<RetryAfter>,
    },
}

/// A server's Retry-After: how long, and how it said it.
#[derive(Debug, PartialEq)]
struct RetryAfter {
    wait: Duration,
    said: String,
}

/// A refused redirect, carried out of reqwest's redirect policy.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

pub struct Http {
    client: reqwest::Client,
    net: Net,
    secrets: Vec<String>,
    redactor: Redactor,
}

impl Http {
    /// `secrets`: every form of the credential, redacted from error bodies.
    pub fn new(net: Net, secrets: Vec<String>) -> Result<Http, reqwest::Error> {
        let mut builder = reqwest::Client::builder();
        for root in &net.roots {
            builder = builder.add_root_certificate(root.clone());
        }
        let client = builder
            .connect_timeout(net.timeout.min(Duration::from_secs(30)))
            .read_timeout(net.timeout)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let from = attempt.previous().last().cloned();
                match from.map(|f| redirect_refusal(&f, attempt.url())) {
                    Some(Some(why)) => attempt.error(Refused(why)),
                    _ if attempt.previous().len() > 5 => {
                        attempt.error(Refused("more than 5 redirects".into()))
                    }
                    _ => attempt.follow(),
                }
            }))
            .user_agent(concat!("kp-triage/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Http {
            client,
            net,
            redactor: Redactor::new(secrets.clone()),
            secrets,
        })
    }

    /// One more secret to redact from error bodies (a token obtained later).
    pub fn add_secret(&mut self, secret: &str) {
        if !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_string());
            self.redactor = Redactor::new(self.secrets.clone());
        }
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends a request (a GET, or any other `build` makes) and reads its
    /// body, retrying as the module doc says. `what` names the
    /// request in messages ("page 3 of the export"); `notice` hears of each
    /// retry before its wait.
    pub async fn get(
        &self,
        build: &dyn Fn(&reqwest::Client) -> RequestBuilder,
        what: &str,
        notice: &mut dyn FnMut(&str),
    ) -> Result<Vec<u8>, Failure> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let (cause, retry_after) = match self.attempt(build(&self.client)).await {
                Ok(body) => return Ok(body),
                Err(Try::Final(f)) => return Err(f),
                Err(Try::Again { cause, retry_after }) => (cause, retry_after),
            };
            if attempt > self.net.retries {
                return Err(Failure::GaveUp {
                    attempts: attempt,
                    cause,
                });
            }
            let (wait, why) = match retry_after {
                Some(ra) if ra.wait > self.net.timeout => (
                    self.net.timeout,
                    format!("the server's Retry-After ({}) capped at --timeout", ra.said),
                ),
                Some(ra) => (
                    ra.wait,
                    format!("as the server's Retry-After ({}) asks", ra.said),
                ),
                None => (self.backoff(attempt), "backing off".to_string()),
            };
            notice(&format!(
                "{what}: {cause}; waiting {:.1} s ({why}) before retry {attempt} of {}",
                wait.as_secs_f64(),
                self.net.retries
            ));
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, req: RequestBuilder) -> Result<Vec<u8>, Try> {
        match tokio::time::timeout(self.net.timeout, self.exchange(req)).await {
            Ok(r) => r,
            Err(_) => Err(Try::Again {
                cause: format!(
                    "no complete answer within --timeout {} s",
                    self.net.timeout.as_secs_f64()
                ),
                retry_after: None,
            }),
        }
    }

    async fn exchange(&self, req: RequestBuilder) -> Result<Vec<u8>, Try> {
        let mut resp = req.send().await.map_err(|e| {
            if let Some(why) = refusal(&e) {
                return Try::Final(Failure::Redirect(why));
            }
            match super::tls::certificate_refused(&e) {
                Some(why) => Try::Final(Failure::Certificate(why)),
                None => Try::Again {
                    cause: describe(&e),
                    retry_after: None,
                },
            }
        })?;
        let status = resp.status().as_u16();
        if resp.status().is_success() {
            return read_capped(&mut resp, self.net.max_body).await;
        }
        let retry_after = retry_after(resp.headers(), SystemTime::now());
        // An error body is only quoted: its first 64 KiB are plenty.
        let body = read_capped(&mut resp, 64 << 10).await.unwrap_or_default();
        let detail = self.detail(&body);
        Err(match status {
            408 | 429 | 500..=599 => Try::Again {
                cause: format!("HTTP {status}{detail}"),
                retry_after,
            },
            _ => Try::Final(Failure::Status { status, detail }),
        })
    }

    /// A short excerpt of an error body, `: ...`, or nothing: redacted first,
    /// then neutralised, and only then cut, so no cut can split a secret
    /// out of reach of the redactor.
    pub fn detail(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let text = self.redactor.redact(&text);
        let text = clip(&neutralise(&text), 200);
        if text.is_empty() {
            String::new()
        } else {
            format!(": {text}")
        }
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
}

/// Reads the body chunk by chunk, refusing it once it passes `max` bytes.
async fn read_capped(resp: &mut Response, max: u64) -> Result<Vec<u8>, Try> {
    let too_large = || Try::Final(Failure::TooLarge { max });
    if resp.content_length().is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0) as usize);
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > max {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) if undecodable(&e) => {
                return Err(Try::Final(Failure::Corrupt(describe(&e))));
            }
            Err(e) => {
                return Err(Try::Again {
                    cause: format!(
                        "connection dropped after {} bytes of the answer: {}",
                        body.len(),
                        describe(&e)
                    ),
                    retry_after: None,
                })
            }
        }
    }
}

/// Retry-After as delta-seconds or an HTTP date (RFC 9110 10.2.3).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<RetryAfter> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let said = clip(&neutralise(raw), 40);
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(RetryAfter {
            wait: Duration::from_secs(secs),
            said: format!("{secs} s"),
        });
    }
    let at = httpdate::parse_http_date(raw).ok()?;
    let wait = at.duration_since(now).unwrap_or_default();
    Some(RetryAfter {
        said: format!("{said}, {} s from now", wait.as_secs()),
        wait,
    })
}

/// The refusal our redirect policy raised, if that is what `e` is.
fn refusal(e: &reqwest::Error) -> Option<String> {
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        if let Some(r) = inner.downcast_ref::<Refused>() {
            return Some(r.0.clone());
        }
        src = inner.source();
    }
    None
}

/// A body that its Content-Encoding did not decode: the decoder says the
/// data is invalid (a bad gzip header, or deflate data flate2 refuses),
/// where a dropped connection says nothing of the sort.
fn undecodable(e: &reqwest::Error) -> bool {
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        let io = inner.downcast_ref::<std::io::Error>();
        let invalid = io.is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData);
        let deflate = io
            .and_then(|io| io.get_ref())
            .is_some_and(|w| w.is::<flate2::DecompressError>());
        if invalid || deflate || inner.is::<flate2::DecompressError>() {
            return true;
        }
        src = inner.source();
    }
    false
}

/// reqwest's own message is terse; its sources say what really happened.
/// The URL it names is dropped: it carries the query, which a message does
/// not need, and never the key, which is a header.
fn describe(e: &reqwest::Error) -> String {
    let mut s = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "the request failed".to_string()
    };
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    clip(&neutralise(&s), 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_784_000_000);
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "86400".parse().unwrap());
        assert_eq!(
            retry_after(&h, now).unwrap().wait,
            Duration::from_secs(86400)
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(3600));
        h.insert(RETRY_AFTER, later.parse().unwrap());
        let ra = retry_after(&h, now).unwrap();
        assert_eq!(ra.wait, Duration::from_secs(3600));
        assert!(ra.said.contains("GMT"), "{}", ra.said);
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn an_error_body_is_redacted_before_it_is_cut() {
        let key = "f00dfeedc0ffee00f00dfeedc0ffee42";
        let secrets = crate::fetch::ServiceKey::new(key).unwrap().wire_forms();
        let b64 = secrets[1].clone();
        let http = Http::new(Net::default(), secrets).unwrap();
        // The cut at 200 characters falls inside the base64 credential.
        let body = format!("{} Authorization: Basic {b64}", "x".repeat(170));
        let d = http.detail(body.as_bytes());
        assert!(!d.contains(&b64[..4]), "{d}");
        assert!(d.contains("Basic <redact"), "{d}");
        let d = http.detail("\u{1b}]52;c;aGk=\u{7}\u{202e}gnp.exe".as_bytes());
        assert!(!d.contains('\u{1b}') && !d.contains('\u{202e}'), "{d:?}");
    }
}
