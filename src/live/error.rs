//! What goes wrong with kubectl, in the engineer's terms: its own message,
//! and what to do about the errors met most.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum KubectlError {
    #[error("cannot run {program}: {cause} (install kubectl, or put it on the PATH)")]
    Spawn { program: String, cause: io::Error },

    #[error("`{command}` failed ({status}): {stderr}{hint}")]
    Failed {
        command: String,
        status: String,
        stderr: String,
        hint: &'static str,
    },

    #[error("`{command}` did not print a pod list: {cause}")]
    BadList {
        command: String,
        cause: serde_json::Error,
    },

    #[error(
        "no pods match the selector {selector} in namespace {namespace} ({context}): \
         check --selector, --namespace and --context; \
         `kubectl get pods -n {namespace} --show-labels` lists the pods and their labels"
    )]
    NoPods {
        namespace: String,
        selector: String,
        context: String,
    },
}

pub(super) fn failed(
    command: String,
    status: &std::process::ExitStatus,
    stderr: &[u8],
) -> KubectlError {
    let text = String::from_utf8_lossy(stderr);
    let stderr = gist(&text);
    let status = match status.code() {
        Some(c) => format!("exit status {c}"),
        None => "killed by a signal".to_string(),
    };
    KubectlError::Failed {
        hint: hint(&stderr),
        command,
        status,
        stderr,
    }
}

/// kubectl's stderr in one line: its own last word first, the lines that
/// led to it after, each said once. kubectl retries a request several times
/// and logs each try with a klog header (`E1207 03:01:02.123456 12345
/// memcache.go:265] ...`) that differs only in its time.
fn gist(text: &str) -> String {
    let mut said: Vec<&str> = Vec::new();
    for line in text.lines().map(without_klog_header).map(str::trim) {
        if !line.is_empty() && !said.contains(&line) {
            said.push(line);
        }
    }
    match said.split_last() {
        None => "no message".to_string(),
        Some((last, [])) => last.to_string(),
        Some((last, before)) => format!("{last} (before it: {})", before.join("; ")),
    }
}

/// A klog line's text without its header, or the line as it is.
fn without_klog_header(line: &str) -> &str {
    let b = line.as_bytes();
    let klog = b.len() > 22
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' ';
    match line.find("] ") {
        Some(i) if klog => &line[i + 2..],
        _ => line,
    }
}

/// What to do about the errors an engineer meets most.
fn hint(stderr: &str) -> &'static str {
    let s = stderr.to_ascii_lowercase();
    if s.contains("context") && s.contains("does not exist") {
        " (`kubectl config get-contexts` lists the contexts; choose one with --context)"
    } else if s.contains("forbidden") {
        " (your user may not read pods or their logs there: check the namespace, the context and your access)"
    } else if s.contains("unauthorized") || s.contains("must be logged in") {
        " (log in to the cluster again: the credentials in the kubeconfig were refused)"
    } else if s.contains("connection refused")
        || s.contains("no such host")
        || s.contains("timeout")
    {
        " (the API server did not answer: check the context, the VPN and KUBECONFIG)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn failures_quote_stderr_with_a_hint() {
        let e = failed(
            "kubectl get pods".into(),
            &exit_status(1),
            b"error: context \"nope\" does not exist\n",
        );
        let text = e.to_string();
        assert!(text.contains("exit status 1"), "{text}");
        assert!(text.contains("context \"nope\" does not exist"), "{text}");
        assert!(text.contains("get-contexts"), "{text}");
    }

    #[test]
    fn repeated_retries_are_said_once_after_kubectls_last_word() {
        let retry = |t: &str| {
            format!("E1207 02:19:{t}.123456   12345 memcache.go:265] couldn't get current server API group list: Get \"https://127.0.0.1:1/api\": dial tcp 127.0.0.1:1: connect: connection refused\n")
        };
        let mut stderr: String = ["24", "25", "26", "27", "28"]
            .iter()
            .map(|t| retry(t))
            .collect();
        stderr.push_str("The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n");
        let g = gist(&stderr);
        assert!(g.starts_with("The connection to the server"), "{g}");
        assert_eq!(
            g.matches("couldn't get current server API group list")
                .count(),
            1,
            "{g}"
        );
        assert!(g.len() < 400, "{g}");
    }

    #[cfg(unix)]
    fn exit_status(code: i32) -> std::process::ExitStatus {
        use std::os::unix::process::ExitStatusExt;
        std::process::ExitStatus::from_raw(code << 8)
    }
}
