//! IBM Cloud Logs options, shared by `fetch cloudlogs` and `analyze --cloudlogs`.

use super::logdna::{window, FetchWindow};
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use kp_triage::fetch::cloudlogs::{self, Request, Syntax, Tier};
use kp_triage::fetch::http::{check_base_url, Net};
use kp_triage::fetch::{Limits, ServiceKey};
use std::path::PathBuf;
use std::time::Duration;

pub const KEY_ENV: &str = "IBMCLOUD_API_KEY";

#[derive(Debug, Args)]
pub struct CloudlogsArgs {
    /// The Cloud Logs instance's GUID; with --region it means
    /// https://GUID.api.REGION.logs.cloud.ibm.com.
    #[arg(long, value_name = "GUID", conflicts_with = "cloudlogs_url")]
    pub instance: Option<String>,

    /// The instance's API base URL instead of --instance and --region.
    #[arg(long, value_name = "URL")]
    pub cloudlogs_url: Option<String>,

    /// The IAM endpoint that turns the API key into a token.
    #[arg(long, value_name = "URL", default_value = cloudlogs::DEFAULT_IAM_URL)]
    pub iam_url: String,

    /// A file holding the API key. Without it the key comes from the
    /// IBMCLOUD_API_KEY environment variable; it is never an argument.
    #[arg(long, value_name = "PATH")]
    pub apikey_file: Option<PathBuf>,

    /// The query's syntax.
    #[arg(long, value_enum, default_value_t = SyntaxArg::Lucene)]
    pub syntax: SyntaxArg,

    /// Where to search: frequent_search (at most 12,000 results a query) or
    /// archive (50,000). A window that reaches the limit is split and queried again.
    #[arg(long, value_enum, default_value_t = TierArg::FrequentSearch)]
    pub tier: TierArg,

    /// Stop with an error after this many queries, keeping what was fetched.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_queries: u64,

    /// Stop with an error after this many results, keeping what was fetched.
    #[arg(long = "max-results", value_name = "N", default_value_t = Limits::default().max_lines)]
    pub max_results: u64,

    /// Refuse an answer larger than this many MiB.
    #[arg(long = "max-answer-mib", value_name = "MIB", default_value_t = Net::default().max_body >> 20)]
    pub max_answer_mib: u64,

    /// The result limit of one query (tests); the tier's by default.
    #[arg(long, value_name = "N", hide = true)]
    pub query_limit: Option<u64>,
}

/// The options `fetch cloudlogs` has of its own and `analyze` shares with
/// its LogDNA options (one `--region`, `--query`, `--retries`, `--timeout`,
/// `--allow-http` on one command line).
pub struct Shared<'a> {
    pub region: Option<&'a str>,
    /// The query; the default selects the app's container in namespace armada.
    pub query: Option<&'a str>,
    pub retries: u32,
    pub timeout: u64,
    pub allow_http: bool,
    pub cacert: Option<&'a std::path::Path>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SyntaxArg {
    Lucene,
    Dataprime,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum TierArg {
    FrequentSearch,
    Archive,
}

impl CloudlogsArgs {
    pub fn request(
        &self,
        sh: &Shared<'_>,
        w: &FetchWindow<'_>,
        app: Option<&str>,
    ) -> anyhow::Result<Request> {
        let base_url = match (&self.instance, sh.region, &self.cloudlogs_url) {
            (Some(g), Some(r), _) => cloudlogs::instance_url(g, r).map_err(anyhow::Error::msg)?,
            (None, _, Some(u)) => checked(u, "--cloudlogs-url", sh.allow_http)?,
            _ => bail!("give --instance GUID --region REGION, or --cloudlogs-url URL"),
        };
        let iam_url = checked(&self.iam_url, "--iam-url", sh.allow_http)?;
        let (from, to) = window(w)?;
        let syntax = match self.syntax {
            SyntaxArg::Lucene => Syntax::Lucene,
            SyntaxArg::Dataprime => Syntax::Dataprime,
        };
        let tier = match self.tier {
            TierArg::FrequentSearch => Tier::FrequentSearch,
            TierArg::Archive => Tier::Archive,
        };
        Ok(Request {
            base_url,
            iam_url,
            from,
            to,
            query: sh
                .query
                .map_or_else(|| cloudlogs::default_query(syntax, app), String::from),
            syntax,
            tier,
            limit: self
                .query_limit
                .unwrap_or(tier.limit())
                .clamp(1, tier.limit()),
        })
    }

    pub fn net(&self, sh: &Shared<'_>) -> anyhow::Result<Net> {
        Ok(Net {
            timeout: Duration::from_secs(sh.timeout.max(1)),
            retries: sh.retries,
            max_body: self.max_answer_mib.max(1).saturating_mul(1 << 20),
            roots: super::logdna::roots(sh.cacert)?,
            ..Net::default()
        })
    }

    pub fn limits(&self) -> Limits {
        Limits {
            max_pages: self.max_queries.max(1),
            max_lines: self.max_results.max(1),
        }
    }

    /// The key from --apikey-file, else from the environment.
    pub fn key(&self) -> anyhow::Result<ServiceKey> {
        let raw = match &self.apikey_file {
            Some(p) => kp_triage::source::read_key_file(p)?,
            None => std::env::var(KEY_ENV).unwrap_or_default(),
        };
        let key = ServiceKey::new(&raw).with_context(|| {
            format!("no IBM Cloud API key: set {KEY_ENV} or give --apikey-file PATH")
        })?;
        kp_triage::redact::remember(key.expose());
        Ok(key)
    }
}

fn checked(raw: &str, opt: &str, allow_http: bool) -> anyhow::Result<String> {
    let (url, userinfo) =
        check_base_url(raw, allow_http).map_err(|e| anyhow::anyhow!("{opt}: {e}"))?;
    if userinfo.is_some() {
        bail!(
            "{opt}: a user part is not accepted; the API key comes from {KEY_ENV} or --apikey-file"
        );
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}
