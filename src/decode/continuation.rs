//! Lines that continue the record above them: Go stack frames, panics and the
//! multi-line `errorVerbose` that pkg/errors prints with `%+v`.
//!
//! Judged by shape on the line after its transport wrapper, because kubectl
//! `--timestamps` stamps every physical line, frames included.

pub fn is_continuation(body: &[u8]) -> bool {
    match body.first() {
        Some(b'\t' | b' ') => true,
        Some(_) => {
            body.starts_with(b"goroutine ")
                || body.starts_with(b"[signal ")
                || body.starts_with(b"created by ")
                || body.starts_with(b"...additional frames elided...")
                || is_go_function_frame(body)
        }
        None => false,
    }
}

/// `pkg/path.(*Type).Method(0xc000...)`, `main.main()`, `runtime.goexit`: one
/// token with no spaces, starting with a letter, with a dot inside.
fn is_go_function_frame(b: &[u8]) -> bool {
    // Every line of a large input comes here: settle most of them on their
    // first byte, before searching the line for the arguments.
    if !(b[0].is_ascii_alphabetic() || b[0] == b'_') {
        return false;
    }
    let args_at = if b.ends_with(b")") {
        memchr::memrchr(b'(', b)
    } else {
        None
    };
    // Frame arguments are hex words and may contain spaces: `(0xc0001, {0x1, 0x2})`.
    let symbol = match args_at {
        Some(i) if i > 0 && b[i - 1] != b'.' => &b[..i],
        _ => b,
    };
    memchr::memchr(b'.', symbol).is_some()
        && !symbol.ends_with(b".")
        && symbol.iter().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'.' | b'/'
                        | b'_'
                        | b'-'
                        | b'*'
                        | b'$'
                        | b'('
                        | b')'
                        | b'['
                        | b']'
                        | b','
                        | b'~'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_stack_shapes_are_continuations() {
        for line in [
            "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:142 +0x1d",
            "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).rotateCluster",
            "main.main()",
            "runtime.goexit",
            "goroutine 1 [running]:",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4915e3]",
            "created by net/http.(*Server).Serve in goroutine 1",
            "k8s.io/client-go/rest.(*Request).Do(0xc000123, {0x1c, 0xc00})",
            "  indented detail",
        ] {
            assert!(is_continuation(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn records_are_not_continuations() {
        for line in [
            "panic: runtime error: invalid memory address",
            r#"{"level":"error"}"#,
            "E0102 15:04:05.067890    1234 rotate.go:88] msg",
            "Rotation attempt failed",
            "exit status 2",
            "done.",
            "2009/01/23 01:23:23 message",
            "v1.2.3 released",
        ] {
            assert!(!is_continuation(line.as_bytes()), "{line}");
        }
    }
}
