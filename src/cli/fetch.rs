//! The arguments of `fetch logdna` and `fetch cloudlogs`.

use super::cloudlogs::CloudlogsArgs;
use super::logdna::{self, LogdnaArgs};
use clap::{Args, Subcommand};
use kp_triage::config;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum FetchCommand {
    /// Fetch a LogDNA (IBM Log Analysis, Mezmo) export as JSON Lines.
    ///
    /// The service key comes from LOGDNA_SERVICE_KEY or --logdna-key-file and is
    /// sent as the basic-auth user; it never appears in output or errors.
    Logdna(FetchLogdnaArgs),
    /// Fetch IBM Cloud Logs query results as JSON Lines.
    ///
    /// The API key comes from IBMCLOUD_API_KEY or --apikey-file and is exchanged
    /// at IAM for a token; neither appears in output or errors.
    Cloudlogs(FetchCloudlogsArgs),
}

#[derive(Debug, Args)]
pub struct FetchCloudlogsArgs {
    #[command(flatten)]
    pub cloudlogs: CloudlogsArgs,

    /// The instance's region (us-south, eu-de, ...), with --instance.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The query (`--syntax`); the default selects the app's container in
    /// namespace armada.
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,

    /// Retries per request on HTTP 429, 5xx and dropped connections.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub retries: u32,

    /// Seconds for each request, from connecting to the last byte of its
    /// answer; also the longest wait a server's Retry-After gets.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub timeout: u64,

    /// Allow a plain http:// URL to a host other than this machine (the key
    /// or token then crosses the network unencrypted).
    #[arg(long)]
    pub allow_http: bool,

    /// Trust the CA certificates in this PEM file besides the public roots
    /// (a private CA, a TLS-inspecting proxy). SSL_CERT_FILE is read too.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,

    #[command(flatten)]
    pub window: FetchWindowArgs,

    /// The container the default query selects.
    #[arg(long, value_name = "NAME", default_value = config::DEFAULT_APP)]
    pub app: String,

    /// Write the results here instead of to stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The window a `fetch` command asks for.
#[derive(Debug, Args)]
pub struct FetchWindowArgs {
    /// Fetch the last SPAN (`2h`), counted back from now. The default is 1h.
    #[arg(long, value_name = "SPAN")]
    pub since: Option<String>,

    /// Start: RFC 3339 or epoch seconds/milliseconds.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,

    /// End: RFC 3339 or epoch seconds/milliseconds. The default is now.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
}

impl FetchWindowArgs {
    pub fn window(&self) -> logdna::FetchWindow<'_> {
        logdna::FetchWindow {
            since: self.since.as_deref(),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
        }
    }
}

#[derive(Debug, Args)]
pub struct FetchLogdnaArgs {
    #[command(flatten)]
    pub logdna: LogdnaArgs,

    #[command(flatten)]
    pub window: FetchWindowArgs,

    /// The app to fetch (LogDNA's `apps` filter).
    #[arg(long, value_name = "NAME", default_value = config::DEFAULT_APP)]
    pub app: String,

    /// Write the export here instead of to stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}
