//! `kp-triage completions SHELL` and `kp-triage man [COMMAND]`: both generated
//! from the clap definition, so they cannot drift from the options.

use crate::cli::help::{self, Example};
use crate::Exit;
use anyhow::bail;
use clap::CommandFactory;
use roff::{bold, roman, Roff};
use std::io::{self, Write};

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<Exit> {
    let mut cmd = help::command("kp-triage");
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kp-triage", &mut script);
    if shell == clap_complete::Shell::Bash {
        script = bash_states_agree(&String::from_utf8(script)?).into_bytes();
    }
    let mut out = io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Exit::Clean)
}

/// clap_complete's bash script spells a state one way where it walks the
/// words (`kp__triage__subcmd__analyze`) and another in the arms that
/// complete it (`kp__subcmd__triage__subcmd__analyze`) when the name holds
/// a hyphen, so nothing completes after a subcommand
/// (<https://github.com/clap-rs/clap/issues/6421>). The arms are respelled
/// as the walk spells them; once clap_complete agrees with itself there is
/// nothing left to replace.
fn bash_states_agree(script: &str) -> String {
    script.replace("kp__subcmd__triage", "kp__triage")
}

/// The page of kp-triage, or of the command the words name (`fetch logdna`):
/// clap's sections, then examples, exit status and environment.
pub fn man(words: &[String]) -> anyhow::Result<Exit> {
    let mut page = crate::cli::Cli::command().bin_name("kp-triage");
    page.build();
    for w in words {
        let Some(sub) = page.find_subcommand(w).cloned() else {
            bail!("no command {:?} to print the man page of", words.join(" "));
        };
        page = sub;
    }
    let examples = match words.first().map(String::as_str) {
        None => help::EXAMPLES,
        Some("analyze" | "analyse") => help::ANALYZE_EXAMPLES,
        Some(_) => &[],
    };
    let has_subcommands = page.has_subcommands();
    let man = clap_mangen::Man::new(page);
    let mut out = io::BufWriter::new(io::stdout().lock());
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if has_subcommands {
        man.render_subcommands_section(&mut out)?;
    }
    out.write_all(sections(examples).render().as_bytes())?;
    man.render_version_section(&mut out)?;
    out.flush()?;
    Ok(Exit::Clean)
}

fn sections(examples: &[Example]) -> Roff {
    let mut r = Roff::new();
    if !examples.is_empty() {
        r.control("SH", ["EXAMPLES"]);
        for (what, run) in examples {
            r.control("PP", []).text([roman(format!("{what}:"))]);
            r.control("RS", ["4"]).control("nf", []);
            r.text([bold(run.replace("{bin}", "kp-triage"))]);
            r.control("fi", []).control("RE", []);
        }
    }
    r.control("SH", ["EXIT STATUS"]);
    for e in Exit::ALL {
        r.control("TP", []).text([bold(e.code().to_string())]);
        r.text([roman(e.meaning())]);
    }
    r.control("PP", []).text([roman(
        "A closed output pipe (| head) does not change the status.",
    )]);
    r.control("SH", ["ENVIRONMENT"]);
    for (name, what) in help::ENVIRONMENT {
        r.control("TP", []).text([bold(*name)]).text([roman(*what)]);
    }
    r.control("PP", []).text([roman(help::PRECEDENCE)]);
    r.control("SH", ["FILES"]);
    r.text([roman(format!(
        "Without KP_TRIAGE_CONFIG: {}.",
        help::CONFIG_FILES
    ))]);
    r
}
