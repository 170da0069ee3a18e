//! LogDNA options, shared by `fetch logdna` and `analyze --logdna`.

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use kp_triage::fetch::logdna::{self, Api, Net, Request};
use kp_triage::fetch::ServiceKey;
use kp_triage::time::{self, Ts};
use std::path::PathBuf;
use std::time::Duration;

pub const KEY_ENV: &str = "LOGDNA_SERVICE_KEY";

#[derive(Debug, Args)]
pub struct LogdnaArgs {
    /// IBM Log Analysis region: the API is https://api.REGION.logging.cloud.ibm.com
    /// (`private.REGION` for the private endpoint).
    #[arg(long, value_name = "REGION", conflicts_with = "logdna_url")]
    pub region: Option<String>,

    /// The export API's base URL instead, for Mezmo or other endpoints.
    #[arg(long, value_name = "URL")]
    pub logdna_url: Option<String>,

    /// A file holding the service key. Without it the key comes from the
    /// LOGDNA_SERVICE_KEY environment variable; it is never an argument.
    #[arg(long, value_name = "PATH")]
    pub logdna_key_file: Option<PathBuf>,

    /// Export API version: v2 pages through everything, v1 is one capped response.
    #[arg(long, value_enum, default_value_t = ApiArg::V2)]
    pub api: ApiArg,

    /// A LogDNA search query (web UI syntax).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,

    /// Retries per request on HTTP 429, 5xx and dropped connections.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub retries: u32,

    /// Seconds to wait for a connection, and for each read.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ApiArg {
    V1,
    V2,
}

/// The window to fetch: `since` counts back from now (the default is 1h).
pub struct FetchWindow<'a> {
    pub since: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

impl LogdnaArgs {
    pub fn request(&self, w: &FetchWindow<'_>, app: Option<String>) -> anyhow::Result<Request> {
        let base_url = match (&self.region, &self.logdna_url) {
            (Some(r), _) => logdna::region_url(r).map_err(anyhow::Error::msg)?,
            (None, Some(u)) => u.clone(),
            (None, None) => bail!("give --region REGION (e.g. us-south) or --logdna-url URL"),
        };
        let (from, to) = window(w)?;
        Ok(Request {
            base_url,
            api: match self.api {
                ApiArg::V1 => Api::V1,
                ApiArg::V2 => Api::V2,
            },
            from,
            to,
            app,
            query: self.query.clone(),
            page_size: 10_000,
        })
    }

    pub fn net(&self) -> Net {
        let t = Duration::from_secs(self.timeout.max(1));
        Net {
            connect_timeout: t.min(Duration::from_secs(30)),
            read_timeout: t,
            retries: self.retries,
            ..Net::default()
        }
    }

    /// The key from --logdna-key-file, else from the environment.
    pub fn key(&self) -> anyhow::Result<ServiceKey> {
        let raw = match &self.logdna_key_file {
            Some(p) => kp_triage::source::read_key_file(p)?,
            None => std::env::var(KEY_ENV).unwrap_or_default(),
        };
        let key = ServiceKey::new(&raw).with_context(|| {
            format!("no LogDNA service key: set {KEY_ENV} or give --logdna-key-file PATH")
        })?;
        kp_triage::redact::remember(key.expose());
        Ok(key)
    }
}

fn window(w: &FetchWindow<'_>) -> anyhow::Result<(Ts, Ts)> {
    let point = |opt: &str, v: &str| {
        time::parse_point(v)
            .with_context(|| format!("{opt} {v:?} is not an RFC 3339 time or epoch seconds"))
    };
    let now = time::now();
    let to = w.to.map(|v| point("--to", v)).transpose()?.unwrap_or(now);
    let from = match (w.from, w.since) {
        (Some(_), Some(_)) => bail!("give --since or --from, not both"),
        (Some(f), None) => point("--from", f)?,
        (None, since) => {
            let span = time::parse_span(since.unwrap_or("1h"))
                .map_err(|e| anyhow::anyhow!("--since: {e}"))?;
            now.saturating_sub(span)
        }
    };
    if from >= to {
        bail!("the window to fetch is empty: {from} is not before {to}");
    }
    Ok((from, to))
}
