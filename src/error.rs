//! The library's errors. Each variant carries the context a user needs to act:
//! the file, the entry, the line.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}")]
    Read {
        path: String,
        #[source]
        cause: std::io::Error,
    },

    #[error("{path} is a directory; give the log files inside it")]
    IsDirectory { path: String },

    #[error("{path}: gzip stream is corrupt or truncated after {lines} lines")]
    Gzip {
        path: String,
        lines: u64,
        #[source]
        cause: std::io::Error,
    },

    #[error("standard input is closed (or /dev/null): pipe the log in, or name the files")]
    StdinClosed,

    #[error("service key file {path}: {message}")]
    KeyFile { path: String, message: String },

    #[error("pattern pack {origin}: {message}")]
    PackSyntax { origin: String, message: String },

    #[error("pattern pack {origin}, {entry}: {message}")]
    Pack {
        origin: String,
        entry: String,
        message: String,
    },

    #[error("invalid option {option}: {message}")]
    Option { option: String, message: String },
}

impl Error {
    pub fn read(path: impl Into<String>, source: std::io::Error) -> Error {
        Error::Read {
            path: path.into(),
            cause: source,
        }
    }

    pub fn pack(origin: &str, entry: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Pack {
            origin: origin.to_string(),
            entry: entry.into(),
            message: message.into(),
        }
    }

    pub fn option(option: &str, message: impl Into<String>) -> Error {
        Error::Option {
            option: option.to_string(),
            message: message.into(),
        }
    }

    /// The message with every cause under it, each said once: what a report
    /// quotes of an input it could not read.
    pub fn full(&self) -> String {
        full(self)
    }

    /// A closed pipe downstream (`| head`) is a normal end, not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Read { cause, .. } if cause.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error and its sources in one line, `: ` between them; a source whose
/// text its error already says is left out.
pub fn full(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        next = cause.source();
    }
    msg
}

/// Display name of an input path (`-` is standard input).
pub fn display_path(p: &Option<PathBuf>) -> String {
    match p {
        Some(p) => p.display().to_string(),
        None => "<stdin>".to_string(),
    }
}
