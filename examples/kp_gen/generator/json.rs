//! zap's JSON: the app line, and its keys as LogDNA merges them into an export entry.

use super::records::{Entry, Val};
use super::NS;
use std::fmt::Write as _;

pub(crate) fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(crate) fn json_val(out: &mut String, v: &Val) {
    match v {
        Val::S(s) => json_str(out, s),
        Val::St(s) => json_str(out, s),
        Val::I(i) => {
            let _ = write!(out, "{i}");
        }
        Val::F(f, d) => {
            let _ = write!(out, "{f:.d$}");
        }
    }
}

/// zap's epoch-seconds float (microsecond precision, trailing zeros dropped).
pub(crate) fn push_epoch(out: &mut String, t_ns: u64) {
    let secs = t_ns / NS;
    let micros = (t_ns % NS) / 1_000;
    let mut frac = format!("{micros:06}");
    while frac.len() > 1 && frac.ends_with('0') {
        frac.pop();
    }
    let _ = write!(out, "{secs}.{frac}");
}

/// pkg/errors' `%+v` of `Wrap(cause, msg)`: the cause, the wrap message, then the stack.
pub(crate) fn error_verbose(error: &str, stack: &[&str]) -> String {
    let mut s = match error.split_once(": ") {
        Some((wrap, cause)) => format!("{cause}\n{wrap}"),
        None => error.to_string(),
    };
    for f in stack {
        s.push('\n');
        s.push_str(f);
    }
    s
}

pub(crate) fn push_error_fields(out: &mut String, e: &Entry) {
    if let Some(err) = &e.error {
        out.push_str(",\"error\":");
        json_str(out, err);
        if let Some(stack) = e.stack {
            out.push_str(",\"errorVerbose\":");
            json_str(out, &error_verbose(err, stack));
        }
    }
    if let Some(stack) = e.stack {
        out.push_str(",\"stacktrace\":");
        json_str(out, &stack.join("\n"));
    }
}

/// The app line's keys after `level`, from `ts` to the closing brace. LogDNA merges them into
/// its entry, where a field named like one of its own keys (`reserved`) gets a leading `_`.
pub(crate) fn push_app_keys(out: &mut String, e: &Entry, reserved: &[&str]) {
    out.push_str(",\"ts\":");
    push_epoch(out, e.t_ns);
    out.push_str(",\"logger\":");
    json_str(out, e.logger);
    out.push_str(",\"caller\":");
    json_str(out, e.caller);
    out.push_str(",\"msg\":");
    json_str(out, &e.msg);
    for (k, v) in &e.fields {
        out.push(',');
        if reserved.contains(k) {
            json_str(out, &format!("_{k}"));
        } else {
            json_str(out, k);
        }
        out.push(':');
        json_val(out, v);
    }
    push_error_fields(out, e);
    out.push('}');
}

pub(crate) fn zap_json(out: &mut String, e: &Entry) {
    out.push_str("{\"level\":");
    json_str(out, e.level.zap());
    push_app_keys(out, e, &[]);
}
