//! Fetching logs from a log service: LogDNA's (Mezmo's) export API and IBM
//! Cloud Logs' query API.
//! What is fetched is written out as JSON Lines, which `analyze` reads like
//! any export file.
//!
//! The pieces every service shares live here, so a second one (IBM Cloud
//! Logs) only adds its request and page format:
//! - [`http`]: one request with a deadline over the whole body, a size cap,
//!   retries with backoff, a capped Retry-After, redirects only on the same
//!   origin ([`origin`]), and a private CA ([`tls`]);
//! - [`answer`]: an answer that is not the one asked for (a login page, plain
//!   JSON, a body that does not decompress) named in an error, never taken
//!   for an empty export;
//! - [`output`]: `-o FILE` written beside the target and renamed over it only
//!   on success, kept as `FILE.partial` on failure; `-`, devices and FIFOs
//!   written to directly;
//! - [`interrupt`]: SIGINT and SIGTERM, raised by the caller, end a fetch
//!   cleanly; the library itself never prints and never exits;
//! - [`FetchError`]: every error says what was fetched and how to resume.

mod answer;
pub mod cloudlogs;
pub mod http;
pub mod iam;
pub mod interrupt;
pub mod logdna;
pub mod origin;
pub mod output;
mod sse;
mod text;
pub mod tls;

pub use text::neutralise;

use crate::time::Ts;
use std::fmt;

/// A credential that never prints: Debug shows a placeholder and there is no
/// Display, so it cannot reach a message or a log by accident.
#[derive(Clone)]
pub struct ServiceKey(String);

impl ServiceKey {
    /// Trims the newline a key file usually ends with; refuses an empty key.
    pub fn new(raw: &str) -> Option<ServiceKey> {
        let k = raw.trim();
        (!k.is_empty()).then(|| ServiceKey(k.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The forms the key takes on the wire (as the basic-auth user, and
    /// alone in base64), so a server quoting a request back cannot leak it.
    pub fn wire_forms(&self) -> Vec<String> {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        vec![
            self.0.clone(),
            b64.encode(format!("{}:", self.0)),
            b64.encode(&self.0),
        ]
    }
}

impl fmt::Debug for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServiceKey(<redacted>)")
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
    /// Everything before this time was fetched: where to resume a fetch
    /// that goes oldest first, window by window (Cloud Logs).
    pub done_to: Option<Ts>,
}

impl Progress {
    /// "8 lines in 1 page were fetched (newest first, down to T)".
    pub fn fetched(&self) -> String {
        let pages = plural(self.pages, "page", "pages");
        let lines = plural(self.lines, "line", "lines");
        match self.oldest {
            Some(t) => format!("{lines} in {pages} were fetched (newest first, down to {t})"),
            None => format!("{lines} in {pages} were fetched"),
        }
    }

    /// What fetches the rest, for a newest-first export.
    pub fn resume(&self) -> String {
        match (self.oldest, self.done_to) {
            (Some(t), _) => format!("To resume, fetch the rest with --to {t}"),
            (None, Some(t)) => format!("To resume, fetch the rest with --from {t}"),
            (None, None) => "No line had a _ts, so there is no point to resume from".to_string(),
        }
    }
}

/// `1 page`, `2 pages`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Bounds on one fetch, so a server that never ends cannot fill the disk.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_pages: u64,
    pub max_lines: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: 5_000,
            max_lines: 10_000_000,
        }
    }
}

/// Why a fetch stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum Stop {
    /// A refusal in the service's own words (a 4xx that retrying cannot fix).
    #[error("{0}")]
    Refused(String),
    #[error("{what} failed after {attempts} attempts: {cause}")]
    GaveUp {
        what: String,
        attempts: u32,
        /// The last failure as text, not as its error: reqwest's names the
        /// URL with its query, and a server's words must be neutralised.
        cause: String,
    },
    #[error("{what} is larger than the --max-page-mib limit of {} MiB; refused", .max >> 20)]
    TooLarge { what: String, max: u64 },
    #[error("{what}: {why}")]
    Redirect { what: String, why: String },
    #[error("{what}: the server's TLS certificate is not trusted ({why}); if a private CA signed it, give the CA with --cacert FILE or SSL_CERT_FILE")]
    Certificate { what: String, why: String },
    /// A 200 whose body is not the service's answer (a login page, ...).
    #[error("{what}: {found}")]
    NotUnderstood { what: String, found: String },
    /// The service said, inside its answer, that it stopped part way.
    #[error("Cloud Logs stopped {what} part way with an error event: {message}")]
    QueryFailed { what: String, message: String },
    #[error("{what} is not a {service} export page: {cause}")]
    BadPage {
        what: String,
        service: &'static str,
        cause: String,
    },
    #[error(
        "the server sent the cursor {cursor} again for {what}: the export would loop for ever"
    )]
    CursorRepeated { what: String, cursor: String },
    #[error("stopped at the --max-pages limit of {0} pages")]
    MaxPages(u64),
    #[error("stopped at the --max-lines limit of {0} lines")]
    MaxLines(u64),
    #[error("interrupted by {}", interrupt::name(*.0))]
    Interrupted(i32),
    #[error("writing the export: {0}")]
    Write(#[source] std::io::Error),
    #[error("cannot start the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("cannot start the fetch's runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// A fetch that stopped: why, how far it came, and (set by the caller, who
/// knows) where the lines fetched so far are.
#[derive(Debug)]
pub struct FetchError {
    pub stop: Box<Stop>,
    pub progress: Progress,
    pub kept: Option<String>,
}

impl FetchError {
    /// A stop, with what was fetched before it; nothing kept yet.
    pub fn new(stop: Stop, progress: Progress) -> FetchError {
        FetchError {
            stop: Box::new(stop),
            progress,
            kept: None,
        }
    }

    /// The signal that interrupted the fetch, if one did.
    pub fn signal(&self) -> Option<i32> {
        match *self.stop {
            Stop::Interrupted(s) => Some(s),
            _ => None,
        }
    }

    /// A failure to write the export, before or after the fetch itself.
    pub fn write(e: std::io::Error) -> FetchError {
        FetchError::new(Stop::Write(e), Progress::default())
    }

    /// Says where the lines fetched so far are ("they are kept in X").
    pub fn kept(mut self, note: impl Into<String>) -> Self {
        self.kept = Some(note.into());
        self
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}. ", self.stop)?;
        let p = &self.progress;
        if p.lines == 0 {
            return f.write_str(match self.kept {
                Some(ref k) => k,
                None => "Nothing was fetched.",
            });
        }
        write!(f, "{}", p.fetched())?;
        if let Some(k) = &self.kept {
            write!(f, "; {k}")?;
        }
        write!(f, ". {}.", p.resume())
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.stop)
    }
}

/// What a fetch tells its caller while it runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// A page was written.
    Page(&'a Progress),
    /// Something to say on stderr now: a wait, a retry, a doubtful line.
    Notice(&'a str),
}

/// A request's failure in a service's words: `refused` says what to check
/// on a 401 or 403, `rejected` on a 400; the rest is the same everywhere.
pub(crate) fn stop_of(
    f: http::Failure,
    what: &str,
    service: &str,
    refused: impl FnOnce(u16, &str) -> String,
    rejected: impl FnOnce(&str) -> String,
) -> Stop {
    use http::Failure;
    let what = what.to_string();
    match f {
        Failure::Status {
            status: status @ (401 | 403),
            detail,
        } => Stop::Refused(refused(status, &detail)),
        Failure::Status {
            status: 400,
            detail,
        } => Stop::Refused(rejected(&detail)),
        Failure::Status { status, detail } => {
            Stop::Refused(format!("HTTP {status} from {service} for {what}{detail}"))
        }
        Failure::GaveUp { attempts, cause } => Stop::GaveUp {
            what,
            attempts,
            cause,
        },
        Failure::TooLarge { max } => Stop::TooLarge { what, max },
        Failure::Redirect(why) => Stop::Redirect { what, why },
        Failure::Certificate(why) => Stop::Certificate { what, why },
        Failure::Corrupt(cause) => Stop::NotUnderstood {
            what,
            found: format!("the answer's Content-Encoding did not decode ({cause})"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_formats() {
        let k = ServiceKey::new("0123456789abcdef0123456789abcdef\n").unwrap();
        assert_eq!(k.expose(), "0123456789abcdef0123456789abcdef");
        assert!(!format!("{k:?}").contains("0123"));
        assert!(ServiceKey::new("  \n").is_none());
    }

    #[test]
    fn the_key_has_its_wire_forms() {
        let k = ServiceKey::new("abc").unwrap();
        assert_eq!(k.wire_forms(), ["abc", "YWJjOg==", "YWJj"]);
    }

    #[test]
    fn an_error_says_what_was_fetched_and_how_to_resume() {
        let mut e = FetchError {
            stop: Box::new(Stop::MaxPages(2)),
            progress: Progress::default(),
            kept: None,
        };
        assert!(e.to_string().ends_with("Nothing was fetched."), "{e}");
        e.progress = Progress {
            pages: 2,
            lines: 3,
            retries: 0,
            oldest: Ts::from_epoch_millis(1_763_607_600_000),
            done_to: None,
        };
        let e = e.kept("they are kept in x.partial");
        assert_eq!(
            e.to_string(),
            "stopped at the --max-pages limit of 2 pages. 3 lines in 2 pages were fetched \
             (newest first, down to 2025-11-20T03:00:00Z); they are kept in x.partial. \
             To resume, fetch the rest with --to 2025-11-20T03:00:00Z."
        );
    }
}
