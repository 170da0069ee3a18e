//! Defaults for `analyze`'s options from a config file. The command line
//! beats the environment (`KP_TRIAGE_*`, read by clap), which beats the
//! config file, which beats the built-in defaults.
//!
//! Each key of the config file (`output`, `color`, `patterns`, `evidence`,
//! `threads`, `app`) is also an environment variable, `KP_TRIAGE_` and the
//! key in capitals. An empty variable counts as unset.

use super::{AnalyzeArgs, ColorArg, FormatArg};
use anyhow::{anyhow, Context};
use clap::{ArgMatches, ValueEnum};
use serde::Deserialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Names the config file (`/dev/null`: none).
pub const CONFIG_ENV: &str = "KP_TRIAGE_CONFIG";

/// The defaults the config file sets; `None` where it sets none.
#[derive(Debug, Default, PartialEq)]
pub struct Defaults {
    pub output: Option<FormatArg>,
    pub color: Option<ColorArg>,
    /// Packs used when --patterns is not given.
    pub patterns: Option<Vec<PathBuf>>,
    pub evidence: Option<usize>,
    pub threads: Option<usize>,
    pub app: Option<String>,
}

/// The config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    output: Option<String>,
    color: Option<String>,
    patterns: Option<Vec<PathBuf>>,
    evidence: Option<usize>,
    threads: Option<usize>,
    app: Option<String>,
}

impl Defaults {
    /// From the config file this process's environment points at.
    pub fn load() -> anyhow::Result<Defaults> {
        Defaults::from_env(|k| std::env::var_os(k))
    }

    pub fn from_env(env: impl Fn(&str) -> Option<OsString>) -> anyhow::Result<Defaults> {
        let env = |k: &str| env(k).filter(|v| !v.is_empty());
        match config_path(&env) {
            Some(p) => Defaults::from_file(&p),
            None => Ok(Defaults::default()),
        }
    }

    fn from_file(path: &Path) -> anyhow::Result<Defaults> {
        let where_ = || format!("config file {}", path.display());
        let text = std::fs::read_to_string(path).with_context(where_)?;
        let f: File = toml::from_str(&text).with_context(where_)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        Ok(Defaults {
            output: f
                .output
                .map(|v| choice(&v))
                .transpose()
                .with_context(where_)?,
            color: f
                .color
                .map(|v| choice(&v))
                .transpose()
                .with_context(where_)?,
            // Relative to the file, so a file and its packs can move together.
            patterns: f
                .patterns
                .map(|ps| ps.into_iter().map(|p| dir.join(p)).collect()),
            evidence: f.evidence,
            threads: f.threads,
            app: f.app,
        })
    }

    /// Fills what neither the command line nor the environment set.
    pub fn apply(&self, a: &mut AnalyzeArgs, m: &ArgMatches) {
        let unset = |id: &str| !set(Some(m), id);
        if unset("output") {
            a.output = self.output.unwrap_or(a.output);
        }
        if unset("color") {
            a.color = self.color.unwrap_or(a.color);
        }
        if unset("patterns") {
            a.patterns = self.patterns.clone().unwrap_or_default();
        }
        // `KP_TRIAGE_PATTERNS=a.toml::b.toml`: an empty entry is no pack.
        a.patterns.retain(|p| !p.as_os_str().is_empty());
        if unset("evidence") {
            a.evidence = self.evidence.or(a.evidence);
        }
        if unset("threads") {
            a.threads = self.threads.unwrap_or(a.threads);
        }
        if unset("app") {
            a.app = self.app.clone().unwrap_or(std::mem::take(&mut a.app));
        }
    }
}

/// True when the command line or the environment set this argument: the
/// config file fills only what neither did.
pub fn set(m: Option<&ArgMatches>, id: &str) -> bool {
    use clap::parser::ValueSource::{CommandLine, EnvVariable};
    let source = m.and_then(|m| m.value_source(id));
    matches!(source, Some(CommandLine | EnvVariable))
}

/// KP_TRIAGE_CONFIG, else $XDG_CONFIG_HOME/kp-triage/config.toml (or
/// ~/.config/kp-triage/config.toml) when it exists.
fn config_path(env: &impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if let Some(p) = env(CONFIG_ENV) {
        return Some(PathBuf::from(p));
    }
    let base = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("kp-triage").join("config.toml")).filter(|p| p.is_file())
}

fn choice<T: ValueEnum>(v: &str) -> anyhow::Result<T> {
    T::from_str(v, true).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|x| x.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        anyhow!("{v:?} is not one of {}", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> anyhow::Result<Defaults> {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Defaults::from_env(|k| vars.get(k).cloned())
    }

    #[test]
    fn the_file_sets_each_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(
            &file,
            "output = \"markdown\"\ncolor = \"never\"\npatterns = [\"team.toml\"]\nevidence = 9\n",
        )
        .unwrap();
        let d = load(&[(CONFIG_ENV, file.to_str().unwrap())]).unwrap();
        assert_eq!(d.output, Some(FormatArg::Markdown));
        assert_eq!(d.color, Some(ColorArg::Never));
        assert_eq!(d.patterns, Some(vec![dir.path().join("team.toml")]));
        assert_eq!((d.evidence, d.threads), (Some(9), None));
    }

    #[test]
    fn the_file_is_found_under_xdg_config_home_then_home() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap();
        assert_eq!(load(&[("HOME", home)]).unwrap(), Defaults::default());
        std::fs::create_dir_all(dir.path().join(".config/kp-triage")).unwrap();
        std::fs::write(
            dir.path().join(".config/kp-triage/config.toml"),
            "threads = 3",
        )
        .unwrap();
        assert_eq!(load(&[("HOME", home)]).unwrap().threads, Some(3));
        let xdg = dir.path().join("xdg");
        std::fs::create_dir_all(xdg.join("kp-triage")).unwrap();
        std::fs::write(xdg.join("kp-triage/config.toml"), "threads = 4").unwrap();
        let d = load(&[("HOME", home), ("XDG_CONFIG_HOME", xdg.to_str().unwrap())]);
        assert_eq!(d.unwrap().threads, Some(4));
        let d = load(&[("HOME", home), (CONFIG_ENV, "")]).unwrap();
        assert_eq!(d.threads, Some(3), "empty counts as unset");
        let d = load(&[("HOME", home), (CONFIG_ENV, "/dev/null")]).unwrap();
        assert_eq!(d, Defaults::default(), "/dev/null turns the file off");
    }

    #[test]
    fn bad_defaults_say_where_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "colour = \"never\"\n").unwrap();
        let e = load(&[(CONFIG_ENV, file.to_str().unwrap())]).unwrap_err();
        let msg = format!("{e:#}");
        assert!(
            msg.contains("c.toml") && msg.contains("unknown field `colour`"),
            "{msg}"
        );
        let e = load(&[(CONFIG_ENV, "/no/such/config.toml")]).unwrap_err();
        assert!(format!("{e:#}").contains("/no/such/config.toml"), "{e:#}");
    }
}
