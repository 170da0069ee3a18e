//! The command line (clap derive). Doc comments are the help text. Nothing
//! here does work: `to_config` only validates and converts, and `parse` only
//! layers the defaults (environment, config file) under the arguments.

pub mod cloudlogs;
pub mod color;
pub mod defaults;
mod env;
pub mod exit;
mod fetch;
pub mod help;
pub mod logdna;
mod parse;

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use cloudlogs::CloudlogsArgs;
use kp_triage::config::{self, Config, WindowSpec};
use kp_triage::live::kubectl;
use kp_triage::report::OutputFormat;
use kp_triage::source::InputSpec;
use logdna::LogdnaArgs;

pub use fetch::{FetchCloudlogsArgs, FetchCommand, FetchLogdnaArgs};
pub use parse::{parse, Invocation};
use std::path::PathBuf;

/// Triage armada-kp-events service IAM API key rotation failures from its logs.
///
/// `analyze --kubectl` reads every armada-kp-events pod's logs with kubectl
/// (`--alert FILE` adds the page's cluster and window); or pipe the logs in,
/// or name the files. kp-triage rebuilds every rotation attempt per cluster,
/// classifies each failure by the runbook, and says whether deleting the
/// armada-kp-events pod is safe. With no command and logs on stdin, it runs
/// `analyze`.
#[derive(Debug, Parser)]
#[command(
    name = "kp-triage",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// When to colour, with logs piped in and no command (`analyze --color`
    /// otherwise).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    #[command(subcommand)]
    pub command: Option<Command>,
}

// Parsed once per run: the size of `analyze`'s options costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse logs and print the triage.
    #[command(visible_alias = "analyse")]
    Analyze(AnalyzeArgs),
    /// Fetch logs from a log service, to share or to analyse later.
    #[command(subcommand)]
    Fetch(FetchCommand),
    /// Inspect or check pattern packs.
    #[command(subcommand)]
    Patterns(PatternsCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// bash: `kp-triage completions bash > ~/.local/share/bash-completion/completions/kp-triage`;
    /// zsh: write `_kp-triage` into a directory of your $fpath; fish: write
    /// `~/.config/fish/completions/kp-triage.fish`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), of kp-triage or of one of its commands.
    ///
    /// `kp-triage man | man -l -` reads it; `kp-triage man analyze` is the
    /// page of `analyze`.
    Man {
        /// A command (`analyze`, `fetch logdna`, ...) for its own page.
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// A pack path, or an empty entry of a `:` list (dropped later, as PATH
/// does): clap's own path parser refuses an empty one.
fn pack_path() -> impl TypedValueParser<Value = PathBuf> {
    clap::builder::OsStringValueParser::new().map(PathBuf::from)
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Log files: kubectl, stern, zap, klog, logrus or Go log lines, plain or
    /// gzipped (recognised by content, not name). None, or `-`, reads stdin.
    /// Several files are merged in time order (a pod restarted mid-incident).
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,

    /// Output format.
    #[arg(short, long, value_enum, value_name = "FORMAT", visible_alias = "format", default_value_t = FormatArg::Table, env = "KP_TRIAGE_OUTPUT")]
    pub output: FormatArg,

    /// When to colour the verdict and statuses: auto colours a terminal unless
    /// NO_COLOR is set (CLICOLOR=0 turns it off, CLICOLOR_FORCE=1 on).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto, env = "KP_TRIAGE_COLOR")]
    pub color: ColorArg,

    /// A pattern pack (TOML) that extends the built-in one. Repeatable, or
    /// separated by ':' as in PATH; replaces the packs of the config file.
    #[arg(long, value_name = "PATH", env = "KP_TRIAGE_PATTERNS", value_delimiter = ':', value_parser = pack_path())]
    pub patterns: Vec<PathBuf>,

    /// Use only the --patterns packs (or KP_TRIAGE_PATTERNS), not the built-in one.
    #[arg(long)]
    pub no_default_patterns: bool,

    /// Report only this cluster id. Repeatable.
    #[arg(long, value_name = "ID")]
    pub cluster: Vec<String>,

    /// Report only the cluster this CRN names (as the alert gives it). Repeatable.
    #[arg(long, value_name = "CRN")]
    pub crn: Vec<String>,

    /// Analyse only the last SPAN of the logs (`15m`, `2h`), counted back from
    /// the latest record in the input, not from now.
    #[arg(long, value_name = "SPAN")]
    pub since: Option<String>,

    /// Leave out the last SPAN of the logs, counted back from the latest record
    /// in the input.
    #[arg(long, value_name = "SPAN")]
    pub until: Option<String>,

    /// Start of the window: RFC 3339 (`2026-11-20T03:00:00Z`) or epoch seconds.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,

    /// End of the window: RFC 3339 or epoch seconds.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,

    /// Evidence lines shown per cluster [default: 5]. When given, rotated
    /// clusters also show the failures they got past; otherwise they keep
    /// only counts.
    #[arg(long, value_name = "N", env = "KP_TRIAGE_EVIDENCE")]
    pub evidence: Option<usize>,

    /// Fit the table to N columns [default: $COLUMNS, else the terminal's
    /// width, else 100].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    pub width: Option<u16>,

    /// Read the lines of this container (or app), in every input that names
    /// one: kubectl --prefix, stern (text or JSON), LogDNA, Cloud Logs. Other
    /// containers' lines are skipped and counted.
    #[arg(long, value_name = "NAME", default_value = config::DEFAULT_APP, env = "KP_TRIAGE_APP")]
    pub app: String,

    /// Threads to scan with (0: one per core). The report is the same for any
    /// number.
    #[arg(long, value_name = "N", default_value_t = 0, env = "KP_TRIAGE_THREADS")]
    pub threads: usize,

    /// Read the lines of every container and app.
    #[arg(long, conflicts_with = "app")]
    pub all_apps: bool,

    /// Fetch the logs from LogDNA's export API and analyse them: --since,
    /// --from and --to then choose what to fetch (--since counted back from now).
    #[arg(long, conflicts_with_all = ["files", "kubectl"])]
    pub logdna: bool,

    /// Follow a live stream: stdin from `kubectl logs -f` or stern, a file
    /// that grows, or with --kubectl every pod. On a terminal a status panel
    /// is redrawn in place; elsewhere one line per change (JSON Lines with
    /// -o json). Ctrl-C or the stream's end prints the full report and exits
    /// with the verdict's status.
    #[arg(short, long, conflicts_with_all = ["logdna", "cloudlogs"])]
    pub follow: bool,

    /// Read the logs with kubectl: every container of every pod that
    /// --selector matches in --namespace (and the log before a restart),
    /// merged in time order. KUBECONFIG and --context choose the cluster;
    /// --since or --from (or the --alert's window) choose how far back.
    #[arg(long, conflicts_with = "files")]
    pub kubectl: bool,

    /// The pager's alert text, as pasted (`-`: stdin): the triage leads with
    /// its cluster (from the CRN), over its window ("in the last 15 mins",
    /// ending at its `Starts At` time when given). The verdict still weighs
    /// every cluster.
    #[arg(long, value_name = "FILE")]
    pub alert: Option<String>,

    /// The kubeconfig context (with --kubectl; also named in the next step's commands).
    #[arg(
        long,
        value_name = "CONTEXT",
        help_heading = "Cluster (--kubectl and the next step)"
    )]
    pub context: Option<String>,

    /// The service's namespace.
    #[arg(short = 'n', long, value_name = "NAMESPACE", default_value = kubectl::DEFAULT_NAMESPACE, help_heading = "Cluster (--kubectl and the next step)")]
    pub namespace: String,

    /// The label selector of the service's pods.
    #[arg(short = 'l', long, value_name = "SELECTOR", default_value = kubectl::DEFAULT_SELECTOR, help_heading = "Cluster (--kubectl and the next step)")]
    pub selector: String,

    /// Fetch the logs from IBM Cloud Logs and analyse them: --since, --from
    /// and --to then choose what to fetch (--since counted back from now).
    /// --region, --query, --retries, --timeout, --allow-http and --cacert
    /// (listed with LogDNA's options) apply to it too.
    #[arg(long, conflicts_with_all = ["files", "logdna", "kubectl"])]
    pub cloudlogs: bool,

    #[command(flatten, next_help_heading = "LogDNA (with --logdna)")]
    pub logdna_opts: LogdnaArgs,

    #[command(flatten, next_help_heading = "IBM Cloud Logs (with --cloudlogs)")]
    pub cloudlogs_opts: CloudlogsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Terminal tables.
    Table,
    /// A versioned JSON document (see the README for the schema).
    Json,
    /// A Markdown summary to attach to the CIE.
    Markdown,
    /// One self-contained HTML page (inline SVG timeline) to attach to the CIE.
    Html,
}

#[derive(Debug, Subcommand)]
pub enum PatternsCommand {
    /// List the categories and rules of the active pack.
    List {
        /// Packs that extend the built-in one.
        #[arg(long, value_name = "PATH", env = "KP_TRIAGE_PATTERNS", value_delimiter = ':', value_parser = pack_path())]
        patterns: Vec<PathBuf>,
    },
    /// Check packs: syntax, fields, regexes and every sample line.
    Check {
        /// Pack files to check, each on top of the built-in pack.
        #[arg(required = true, value_name = "PATH")]
        files: Vec<PathBuf>,
        /// Check each file alone, as with --no-default-patterns.
        #[arg(long)]
        standalone: bool,
    },
    /// Print the built-in pack, a starting point for your own.
    Default,
    /// Mine the lines about the rotation that a log's triage did not
    /// understand into templates, printed as pack rules whose event you fill
    /// in (`> mine.toml`, then `patterns check mine.toml`).
    Suggest {
        /// Log files (stdin when none), read as `analyze` reads them.
        #[arg(value_name = "FILE")]
        files: Vec<String>,
        /// Packs that extend the built-in one.
        #[arg(long, value_name = "PATH")]
        patterns: Vec<PathBuf>,
    },
    /// Print the prefilter keywords, one a line (for `rg -i -F -f`).
    Keywords,
    /// Show how log lines are read: wrapper, format, rules, words and
    /// cluster, one JSON object per line. Lines come from the arguments, or
    /// from stdin when there are none.
    Explain {
        /// Log lines to explain.
        #[arg(value_name = "LINE")]
        lines: Vec<String>,
        /// Packs that extend the built-in one.
        #[arg(long, value_name = "PATH")]
        patterns: Vec<PathBuf>,
    },
}

impl AnalyzeArgs {
    pub fn output_format(&self) -> OutputFormat {
        match self.output {
            FormatArg::Table => OutputFormat::Table,
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Markdown => OutputFormat::Markdown,
            FormatArg::Html => OutputFormat::Html,
        }
    }

    pub fn to_config(&self) -> kp_triage::error::Result<Config> {
        if self.no_default_patterns && self.patterns.is_empty() {
            return Err(kp_triage::error::Error::option(
                "--no-default-patterns",
                "needs a pack: --patterns PATH, KP_TRIAGE_PATTERNS or patterns in the config file",
            ));
        }
        let focus = self
            .cluster
            .iter()
            .chain(&self.crn)
            .map(|c| config::focus_cluster(c))
            .collect::<kp_triage::error::Result<Vec<_>>>()?;
        Ok(Config {
            inputs: self.files.iter().map(|f| InputSpec::from_arg(f)).collect(),
            pattern_files: self.patterns.clone(),
            replace_default_patterns: self.no_default_patterns,
            without_outcome_words: false,
            focus,
            window: WindowSpec::parse(
                self.since.as_deref(),
                self.until.as_deref(),
                self.from.as_deref(),
                self.to.as_deref(),
            )?,
            evidence: self.evidence.unwrap_or(config::DEFAULT_EVIDENCE),
            rotated_evidence: self.evidence.is_some(),
            app: (!self.all_apps).then(|| self.app.clone()),
            threads: self.threads,
            alert: None,
            kube: kubectl::Target {
                context: self.context.clone(),
                namespace: self.namespace.clone(),
                selector: self.selector.clone(),
                ..kubectl::Target::default()
            },
            now: None,
        })
    }
}
