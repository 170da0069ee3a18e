//! Defaults for `analyze`'s options from the environment and a config file.
//! The command line beats the environment, which beats the config file,
//! which beats the built-in defaults.
//!
//! Each key of the config file (`output`, `color`, `patterns`, `evidence`,
//! `threads`, `app`) is also an environment variable, `KP_TRIAGE_` and the
//! key in capitals. An empty variable counts as unset.

use super::{given, AnalyzeArgs, ColorArg, FormatArg};
use anyhow::{anyhow, Context};
use clap::{ArgMatches, ValueEnum};
use serde::Deserialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Names the config file (`/dev/null`: none).
pub const CONFIG_ENV: &str = "KP_TRIAGE_CONFIG";

/// The defaults found; `None` where neither the environment nor the file
/// sets one.
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
    /// From this process's environment (and the file it names).
    pub fn load() -> anyhow::Result<Defaults> {
        Defaults::from_env(|k| std::env::var_os(k))
    }

    pub fn from_env(env: impl Fn(&str) -> Option<OsString>) -> anyhow::Result<Defaults> {
        let env = |k: &str| env(k).filter(|v| !v.is_empty());
        let mut d = match config_path(&env) {
            Some(p) => Defaults::from_file(&p)?,
            None => Defaults::default(),
        };
        d.overlay(&env)?;
        Ok(d)
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

    /// The environment over the file.
    fn overlay(&mut self, env: &impl Fn(&str) -> Option<OsString>) -> anyhow::Result<()> {
        let var = |key: &str| -> anyhow::Result<Option<(String, String)>> {
            let name = format!("KP_TRIAGE_{}", key.to_uppercase());
            match env(&name).map(OsString::into_string) {
                None => Ok(None),
                Some(Ok(v)) => Ok(Some((v.trim().to_string(), name))),
                Some(Err(_)) => Err(anyhow!("{name} is not UTF-8")),
            }
        };
        if let Some((v, name)) = var("output")? {
            self.output = Some(choice(&v).context(name)?);
        }
        if let Some((v, name)) = var("color")? {
            self.color = Some(choice(&v).context(name)?);
        }
        if let Some((v, name)) = var("evidence")? {
            self.evidence = Some(number(&v).context(name)?);
        }
        if let Some((v, name)) = var("threads")? {
            self.threads = Some(number(&v).context(name)?);
        }
        if let Some((v, _)) = var("app")? {
            self.app = Some(v);
        }
        // Paths may be any bytes: split as PATH is, not as a string.
        if let Some(v) = env("KP_TRIAGE_PATTERNS") {
            let packs = std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty());
            self.patterns = Some(packs.collect());
        }
        Ok(())
    }

    /// Fills what the command line left unset.
    pub fn apply(&self, a: &mut AnalyzeArgs, m: &ArgMatches) {
        if !given(m, "output") {
            a.output = self.output.unwrap_or(a.output);
        }
        if !given(m, "patterns") {
            a.patterns = self.patterns.clone().unwrap_or_default();
        }
        if !given(m, "evidence") {
            a.evidence = self.evidence.or(a.evidence);
        }
        if !given(m, "threads") {
            a.threads = self.threads.unwrap_or(a.threads);
        }
        if !given(m, "app") {
            a.app = self.app.clone().unwrap_or(std::mem::take(&mut a.app));
        }
    }
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

fn number(v: &str) -> anyhow::Result<usize> {
    v.parse().map_err(|_| anyhow!("{v:?} is not a number"))
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
    fn the_environment_beats_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(
            &file,
            "output = \"markdown\"\ncolor = \"never\"\npatterns = [\"team.toml\"]\nevidence = 9\n",
        )
        .unwrap();
        let f = file.to_str().unwrap();
        let d = load(&[(CONFIG_ENV, f)]).unwrap();
        assert_eq!(d.output, Some(FormatArg::Markdown));
        assert_eq!(d.color, Some(ColorArg::Never));
        assert_eq!(d.patterns, Some(vec![dir.path().join("team.toml")]));
        assert_eq!((d.evidence, d.threads), (Some(9), None));
        let d = load(&[
            (CONFIG_ENV, f),
            ("KP_TRIAGE_OUTPUT", "JSON"),
            ("KP_TRIAGE_PATTERNS", "/a.toml::/b.toml"),
            ("KP_TRIAGE_THREADS", "1"),
            ("KP_TRIAGE_EVIDENCE", ""),
        ])
        .unwrap();
        assert_eq!(d.output, Some(FormatArg::Json));
        let packs = Some(vec![PathBuf::from("/a.toml"), PathBuf::from("/b.toml")]);
        assert_eq!(d.patterns, packs);
        assert_eq!((d.evidence, d.threads), (Some(9), Some(1)));
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
        let e = load(&[("KP_TRIAGE_OUTPUT", "yaml")]).unwrap_err();
        assert_eq!(
            format!("{e:#}"),
            "KP_TRIAGE_OUTPUT: \"yaml\" is not one of table, json, markdown, html"
        );
        let e = load(&[("KP_TRIAGE_EVIDENCE", "lots")]).unwrap_err();
        assert!(
            format!("{e:#}").starts_with("KP_TRIAGE_EVIDENCE: "),
            "{e:#}"
        );
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
