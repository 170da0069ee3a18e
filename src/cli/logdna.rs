//! LogDNA options, shared by `fetch logdna` and `analyze --logdna`.

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use kp_triage::fetch::http::{check_base_url, Net};
use kp_triage::fetch::logdna::{self, Api, Request};
use kp_triage::fetch::tls::load_ca_file;
use kp_triage::fetch::{Limits, ServiceKey};
use kp_triage::time::{self, Ts};
use std::path::{Path, PathBuf};
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

    /// Seconds for each request, from connecting to the last byte of its
    /// answer; also the longest wait a server's Retry-After gets.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,

    /// Stop with an error after this many pages (v2), keeping what was fetched.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_pages)]
    pub max_pages: u64,

    /// Stop with an error after this many lines, keeping what was fetched.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_lines)]
    pub max_lines: u64,

    /// Refuse a page (or a v1 answer) larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = Net::default().max_body >> 20)]
    pub max_page_mib: u64,

    /// Allow a plain http:// --logdna-url to a host other than this machine
    /// (the key then crosses the network unencrypted).
    #[arg(long)]
    pub allow_http: bool,

    /// Trust the CA certificates in this PEM file besides the public roots
    /// (a private CA, a TLS-inspecting proxy). SSL_CERT_FILE is read too.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
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
            (None, Some(u)) => {
                let (url, userinfo) = check_base_url(u, self.allow_http)
                    .map_err(|e| anyhow::anyhow!("--logdna-url: {e}"))?;
                if userinfo.is_some() {
                    eprintln!(
                        "kp-triage: the user part of --logdna-url is not sent; \
                         the key comes from {KEY_ENV} or --logdna-key-file"
                    );
                }
                url.as_str().trim_end_matches('/').to_string()
            }
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

    pub fn net(&self) -> anyhow::Result<Net> {
        Ok(Net {
            timeout: Duration::from_secs(self.timeout.max(1)),
            retries: self.retries,
            max_body: self.max_page_mib.max(1).saturating_mul(1 << 20),
            roots: roots(self.cacert.as_deref())?,
            ..Net::default()
        })
    }

    pub fn limits(&self) -> Limits {
        Limits {
            max_pages: self.max_pages.max(1),
            max_lines: self.max_lines.max(1),
        }
    }

    /// The user part of --logdna-url, which is never sent but must be
    /// redacted wherever it could show.
    pub fn url_secret(&self) -> Option<String> {
        let u = self.logdna_url.as_deref()?;
        check_base_url(u, true).ok()?.1
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

/// The CA certificates to trust besides the public roots: `--cacert FILE`
/// and the file `SSL_CERT_FILE` names, as curl and OpenSSL read it.
pub fn roots(cacert: Option<&Path>) -> anyhow::Result<Vec<reqwest::Certificate>> {
    let env = std::env::var_os(SSL_CERT_FILE).filter(|v| !v.is_empty());
    let mut roots = Vec::new();
    if let Some(file) = env {
        let certs = load_ca_file(Path::new(&file)).context(SSL_CERT_FILE)?;
        roots.extend(certs);
    }
    if let Some(file) = cacert {
        roots.extend(load_ca_file(file).context("--cacert")?);
    }
    Ok(roots)
}

const SSL_CERT_FILE: &str = "SSL_CERT_FILE";

pub fn window(w: &FetchWindow<'_>) -> anyhow::Result<(Ts, Ts)> {
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
