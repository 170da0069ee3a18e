//! `kp-triage patterns`: list, check and print pattern packs.

use crate::cli::PatternsCommand;
use crate::Exit;
use kp_triage::analyze;
use kp_triage::classify::pack::{Pack, Target, DEFAULT_PACK};
use kp_triage::classify::Classifier;
use kp_triage::config::Config;
use kp_triage::redact::Redactor;
use kp_triage::scan::explain;
use kp_triage::source::InputSpec;
use kp_triage::term::{self, safe};
use std::io::{self, BufRead, IsTerminal, Write};

pub fn run(cmd: &PatternsCommand) -> anyhow::Result<Exit> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match cmd {
        PatternsCommand::Default => out.write_all(DEFAULT_PACK.as_bytes())?,
        PatternsCommand::Keywords => {
            for k in Pack::builtin()?.keywords() {
                writeln!(out, "{k}")?;
            }
        }
        PatternsCommand::List { patterns } => {
            let cfg = Config {
                pattern_files: patterns.clone(),
                ..Config::default()
            };
            list(&analyze::load_pack(&cfg)?, &mut out)?;
        }
        PatternsCommand::Explain { lines, patterns } => explain_lines(lines, patterns, &mut out)?,
        PatternsCommand::Suggest { files, patterns } => suggest(files, patterns, &mut out)?,
        PatternsCommand::Check { files, standalone } => {
            for f in files {
                let cfg = Config {
                    pattern_files: vec![f.clone()],
                    replace_default_patterns: *standalone,
                    ..Config::default()
                };
                let pack = analyze::load_pack(&cfg)?;
                let samples: usize = pack
                    .rules
                    .iter()
                    .map(|r| r.samples.len() + r.not_samples.len())
                    .sum();
                writeln!(
                    out,
                    "{}: ok ({} categories, {} rules, {samples} samples checked)",
                    safe(&f.display().to_string()),
                    pack.categories.len(),
                    pack.rules.len()
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Clean)
}

/// The triage's lines not understood, as rules to finish.
fn suggest(
    files: &[String],
    patterns: &[std::path::PathBuf],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let cfg = Config {
        inputs: files.iter().map(|f| InputSpec::from_arg(f)).collect(),
        pattern_files: patterns.to_vec(),
        threads: 1,
        ..Config::default()
    };
    let t = kp_triage::engine::analyze(&cfg, &Redactor::default())?;
    let found = analyze::suggest::suggestions(&t);
    let ids: Vec<&str> = t.categories.iter().map(|c| &*c.id).collect();
    out.write_all(analyze::suggest::render(&found, &ids).as_bytes())?;
    Ok(())
}

/// How each line is read (the arguments, or stdin's lines), as JSON.
fn explain_lines(
    lines: &[String],
    patterns: &[std::path::PathBuf],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let cfg = Config {
        pattern_files: patterns.to_vec(),
        ..Config::default()
    };
    let classifier = Classifier::new(analyze::load_pack(&cfg)?);
    let redactor = Redactor::default();
    // A person reads it indented; a program reads one object per line.
    let pretty = io::stdout().is_terminal();
    let mut explain = |line: &str| -> anyhow::Result<()> {
        let e = explain::explain(&classifier, line).redacted(&redactor);
        // Redacted again as JSON: escaping can join what the fields kept
        // apart. Then no control, bidi or tag character reaches the terminal
        // raw.
        let text = redactor.redact(&serde_json::to_string(&e)?).into_owned();
        let text = if pretty { indented(&text) } else { text };
        for line in text.lines() {
            writeln!(out, "{}", term::json_safe(line))?;
        }
        Ok(())
    };
    if lines.is_empty() {
        for line in io::stdin().lock().lines() {
            explain(&line?)?;
        }
    } else {
        for line in lines {
            explain(line)?;
        }
    }
    Ok(())
}

/// The redacted JSON, indented: read back and printed again, so it holds
/// exactly what the one-line form holds (the fields keep their order).
fn indented(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| text.to_string())
}

/// A pack's ids, titles and keywords come from files anyone may write, so
/// each is neutralised for the terminal.
fn list(pack: &Pack, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Pack: {}\n", safe(&pack.origins.join(" + ")))?;
    for (i, c) in pack.categories.iter().enumerate() {
        writeln!(
            out,
            "{} ({:?}): {}\n  action: {}",
            safe(&c.id),
            c.kind,
            safe(&c.title),
            safe(&c.action)
        )?;
        for r in pack
            .rules
            .iter()
            .filter(|r| r.target == Target::Category(i as u16))
        {
            writeln!(
                out,
                "  rule {} [{:?}] keywords: {}",
                safe(&r.id),
                r.strength,
                safe(&r.keywords.join(", "))
            )?;
        }
    }
    writeln!(out, "\nmarkers:")?;
    for r in pack
        .rules
        .iter()
        .filter(|r| matches!(r.target, Target::Marker(_)))
    {
        writeln!(
            out,
            "  rule {} keywords: {}",
            safe(&r.id),
            safe(&r.keywords.join(", "))
        )?;
    }
    Ok(())
}
