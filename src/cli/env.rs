//! The `KP_TRIAGE_*` variables are clap's `env` attributes; two things clap
//! does not do are here: an empty variable counts as unset, and a bad value
//! from a variable names the variable, not the option it stands for.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command};
use std::ffi::{OsStr, OsString};

/// Drops the variables that are set but empty, in every command, as if unset
/// (`KP_TRIAGE_OUTPUT= kp-triage ...` is how a shell unsets one for a run).
pub fn unset_empty(cmd: Command) -> Command {
    cmd.mut_args(|a| match a.get_env().map(std::env::var_os) {
        Some(Some(v)) if v.is_empty() => a.env(None::<&'static str>),
        _ => a,
    })
    .mut_subcommands(unset_empty)
}

/// A usage error whose bad value came from a variable, said as
/// `KP_TRIAGE_OUTPUT: "yaml" is not one of table, json, markdown`; any other
/// error as clap made it.
pub fn name_the_variable(e: clap::Error, args: &[OsString], mut cmd: Command) -> clap::Error {
    let Some(ContextValue::String(value)) = e.get(ContextKind::InvalidValue) else {
        return e;
    };
    let Some(ContextValue::String(shown)) = e.get(ContextKind::InvalidArg) else {
        return e;
    };
    // clap reads a variable only when the command line left the option out.
    let on_the_line = |a: &OsString| {
        let a = a.to_string_lossy();
        a == value.as_str() || a.ends_with(&format!("={value}"))
    };
    if args.iter().any(on_the_line) {
        return e;
    }
    // An argument shows as clap shows it only once its command is built.
    cmd.build();
    let Some(var) = variable_of(&cmd, shown, value) else {
        return e;
    };
    let why = match e.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(valid)) if !valid.is_empty() => {
            format!("is not one of {}", valid.join(", "))
        }
        _ => std::error::Error::source(&e)
            .map(|s| format!("is not valid: {s}"))
            .unwrap_or_else(|| "is not valid".into()),
    };
    clap::Error::raw(ErrorKind::InvalidValue, format!("{var}: {value:?} {why}\n"))
}

/// The variable of the option clap shows as `shown`, when it holds `value`.
fn variable_of(cmd: &Command, shown: &str, value: &str) -> Option<String> {
    let holds = |a: &Arg| {
        let var = a.get_env()?;
        let now = std::env::var_os(var)?;
        let split = now.to_string_lossy().split(':').any(|v| v == value);
        (a.to_string() == shown && (now == OsStr::new(value) || split))
            .then(|| var.to_string_lossy().into_owned())
    };
    cmd.get_arguments().find_map(holds).or_else(|| {
        cmd.get_subcommands()
            .find_map(|s| variable_of(s, shown, value))
    })
}
