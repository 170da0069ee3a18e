//! The docs cannot go stale: every `$` command of the README's and the
//! guide's `console` blocks runs as written, in a directory that holds the
//! shipped fixtures, and must end with the status its `# exit N` comment
//! gives (0 without one) and print the lines shown under it, in order (each
//! shown line within a line of the output; `...` stands for any lines). A
//! command marked `needs kube` runs against the local Kubernetes API server.
//! Every relative link of the docs points at a file and heading that exist.

use crate::kube_server::Behaviour;
use crate::live::Live;
use crate::util::*;
use std::path::{Path, PathBuf};

const DOCS: &[&str] = &["README.md", "docs/GUIDE.md"];

struct Example {
    doc: &'static str,
    command: String,
    status: i32,
    kube: bool,
    shown: Vec<String>,
}

fn examples(doc: &'static str) -> Vec<Example> {
    let text = std::fs::read_to_string(root().join(doc)).unwrap();
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_console = !in_console && line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            let (status, kube) = marks(cmd);
            out.push(Example {
                doc,
                command: cmd.to_string(),
                status,
                kube,
                shown: Vec::new(),
            });
        } else if let Some(e) = out.last_mut() {
            e.shown.push(line.trim_end().to_string());
        }
    }
    out
}

/// The `# exit N` and `needs kube` marks of a command's comment.
fn marks(cmd: &str) -> (i32, bool) {
    let comment = cmd.rsplit_once(" # ").map_or("", |(_, c)| c);
    let status = comment
        .split_once("exit ")
        .and_then(|(_, n)| n.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (status, comment.contains("needs kube"))
}

/// A directory like the repository's root for the commands to write in.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root().join("fixtures"), dir.path().join("fixtures")).unwrap();
    dir
}

fn run(e: &Example, dir: &Path, live: Option<&Live>) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("kp-triage");
    let mut path: Vec<PathBuf> = vec![bin.parent().unwrap().to_path_buf()];
    let mut c = std::process::Command::new("bash");
    c.args(["-c", &e.command])
        .env_clear()
        .env("COLUMNS", "100")
        .env("HOME", dir)
        .current_dir(dir);
    if let Some(live) = live {
        let (vars, kubectl) = live.shell_env();
        path.push(kubectl);
        c.envs(vars);
    }
    path.extend(["/usr/bin", "/bin"].map(PathBuf::from));
    c.env("PATH", std::env::join_paths(path).unwrap());
    c.output().unwrap()
}

/// The shown lines, in order, each within a line of `out`.
fn shows(out: &str, shown: &[String]) -> Result<(), String> {
    let mut lines = out.lines();
    for want in shown.iter().filter(|w| !w.is_empty() && *w != "...") {
        if !lines.any(|l| l.contains(want.as_str())) {
            return Err(format!("no line with {want:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_documented_command_runs_as_shown() {
    let all: Vec<Example> = DOCS.iter().flat_map(|d| examples(d)).collect();
    assert!(all.len() >= 15, "too few examples found: {}", all.len());
    let live = all
        .iter()
        .any(|e| e.kube)
        .then(|| Live::start(Behaviour::default()));
    let dir = workdir();
    let mut failed = Vec::new();
    for e in &all {
        let live = match (e.kube, &live) {
            (false, _) => None,
            (true, Some(Some(l))) => Some(l),
            // No kubectl here: Live::start said so.
            (true, _) => continue,
        };
        let out = run(e, dir.path(), live);
        let text = all_output(&out);
        let code = out.status.code().unwrap_or(-1);
        let shown = shows(&String::from_utf8_lossy(&out.stdout), &e.shown);
        if code != e.status || shown.is_err() {
            failed.push(format!(
                "{}: `{}`: exit {code} (documented {}); {}\n{text}",
                e.doc,
                e.command,
                e.status,
                shown.err().unwrap_or_default()
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n---\n"));
}

#[test]
fn the_marks_are_read() {
    assert_eq!(marks("kp-triage analyze x.log   # exit 1"), (1, false));
    assert_eq!(
        marks("kp-triage analyze --kubectl   # exit 3, needs kube"),
        (3, true)
    );
    assert_eq!(marks("echo '# exit 5'"), (0, false));
    let shown = ["a".to_string(), "...".to_string(), "c".to_string()];
    assert!(shows("xa\nb\nc", &shown).is_ok());
    assert!(shows("c\na", &shown).is_err());
}

/// GitHub's anchor of a heading: lower case, punctuation gone, spaces to `-`.
fn anchor(heading: &str) -> String {
    let kept = heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .collect::<String>();
    kept.replace(' ', "-")
}

fn markdown_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["README.md", "benches/README.md", "fuzz/README.md"]
        .iter()
        .map(PathBuf::from)
        .collect();
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p.strip_prefix(root()).unwrap().to_path_buf());
        }
    }
    files
}

/// The text outside code blocks, where links are links.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut code = false;
    for line in text.lines() {
        if line.starts_with("```") {
            code = !code;
        } else if !code {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn anchors(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(file)).unwrap_or_default();
    prose(&text)
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| anchor(l.trim_start_matches('#')))
        .collect()
}

#[test]
fn every_link_of_the_docs_leads_somewhere() {
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let mut broken = Vec::new();
    for file in markdown_files() {
        let text = prose(&std::fs::read_to_string(root().join(&file)).unwrap());
        for m in link.captures_iter(&text) {
            let target = &m[1];
            if target.starts_with("http") || target.starts_with("mailto:") {
                continue;
            }
            let (path, frag) = target.split_once('#').unwrap_or((target, ""));
            let dest = match path {
                "" => file.clone(),
                p => file.parent().unwrap().join(p),
            };
            let dest = PathBuf::from(dest.to_str().unwrap().replace("docs/../", ""));
            if !root().join(&dest).exists() {
                broken.push(format!("{}: {target}: no such file", file.display()));
            } else if !frag.is_empty() && !anchors(&dest).iter().any(|a| a == frag) {
                broken.push(format!("{}: {target}: no such heading", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}
