//! Source stage: opens each input (a file or standard input), recognises
//! compression and text encoding by their first bytes, and hands out lines
//! from a rolling buffer.

pub mod batch;
mod keyfile;
mod lines;
mod tail;
mod unpack;
mod utf16;

pub use keyfile::{read_key_file, KEY_FILE_MAX};
pub use lines::{LineReader, MAX_LINE, MAX_PAGE};
pub use tail::{follow, Tail};
pub use unpack::Compression;
pub use utf16::ByteOrder;

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Where one input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSpec {
    Stdin,
    Path(PathBuf),
    /// A file shown under another name (a fetched export spooled to disk).
    Labeled {
        path: PathBuf,
        label: String,
    },
    /// A container's log, read from `kubectl logs` as it runs.
    Kubectl(crate::live::kubectl::LogStream),
}

impl InputSpec {
    pub fn from_arg(arg: &str) -> InputSpec {
        if arg == "-" {
            InputSpec::Stdin
        } else {
            InputSpec::Path(PathBuf::from(arg))
        }
    }

    /// The name used in evidence sources (`file:line`) and errors. It reaches
    /// every report and stderr, so it is redacted and neutralised: a file
    /// name or a label can hold a token, or an escape sequence.
    pub fn name(&self) -> String {
        let raw = match self {
            InputSpec::Stdin => return "<stdin>".to_string(),
            InputSpec::Path(p) => p.display().to_string(),
            InputSpec::Labeled { label, .. } => label.clone(),
            InputSpec::Kubectl(s) => s.label(),
        };
        let redacted = crate::redact::shared().redact_name(&raw);
        crate::term::safe(&redacted).into_owned()
    }
}

/// An opened input, decompressed and decoded to UTF-8 bytes.
pub struct Input {
    pub name: String,
    pub gzip: bool,
    pub compression: Option<Compression>,
    pub reader: Box<dyn Read + Send>,
}

pub fn open(spec: &InputSpec) -> Result<Input> {
    let name = spec.name();
    let raw = raw(spec, &name)?;
    unpacked(name, raw)
}

/// The input's bytes as they come, before any decompression.
pub fn raw(spec: &InputSpec, name: &str) -> Result<Box<dyn Read + Send>> {
    Ok(match spec {
        InputSpec::Stdin => {
            if stdin_is_closed() {
                return Err(Error::StdinClosed);
            }
            Box::new(io::stdin())
        }
        InputSpec::Path(p) | InputSpec::Labeled { path: p, .. } => Box::new(open_file(p, name)?),
        InputSpec::Kubectl(s) => Box::new(
            s.open()
                .map_err(|e| Error::read(name, io::Error::other(e)))?,
        ),
    })
}

/// An input from its raw bytes: compression and UTF-16 found by content
/// and undone. Reads the first bytes, so it waits for them.
pub fn unpacked(name: String, raw: Box<dyn Read + Send>) -> Result<Input> {
    let u = unpack::unpack(raw).map_err(|e| Error::read(&name, e))?;
    Ok(Input {
        name,
        gzip: u.compression == Some(Compression::Gzip),
        compression: u.compression,
        reader: u.reader,
    })
}

fn open_file(path: &Path, name: &str) -> Result<File> {
    let meta = std::fs::metadata(path).map_err(|e| Error::read(name, e))?;
    if meta.is_dir() {
        return Err(Error::IsDirectory {
            path: name.to_string(),
        });
    }
    File::open(path).map_err(|e| Error::read(name, e))
}

/// A closed standard input (`<&-`) reads as empty, which would triage to
/// "nothing failing". Rust's runtime reopens a closed descriptor 0 on
/// /dev/null before `main`, so /dev/null is what a closed stdin looks like;
/// there is no log to read from either.
#[cfg(unix)]
fn stdin_is_closed() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else {
        return true;
    };
    let Ok(meta) = File::from(fd).metadata() else {
        return true;
    };
    let null = std::fs::metadata("/dev/null").map(|m| m.rdev()).ok();
    meta.file_type().is_char_device() && Some(meta.rdev()) == null
}

#[cfg(not(unix))]
fn stdin_is_closed() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn read_all(spec: &InputSpec) -> (bool, String) {
        let mut input = open(spec).unwrap();
        let mut s = String::new();
        input.reader.read_to_string(&mut s).unwrap();
        (input.gzip, s)
    }

    fn read_bytes(bytes: &[u8]) -> (Option<Compression>, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.log");
        std::fs::write(&path, bytes).unwrap();
        let mut input = open(&InputSpec::Path(path)).unwrap();
        let mut s = String::new();
        input.reader.read_to_string(&mut s).unwrap();
        (input.compression, s)
    }

    const TEXT: &str = "Rotation attempt failed for cluster c23h5icd0sr2mu96rcig\nnext line\n";

    #[test]
    fn bzip2_xz_and_zstd_like_gzip() {
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        bz.write_all(TEXT.as_bytes()).unwrap();
        let bz = bz.finish().unwrap();
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
        xz.write_all(TEXT.as_bytes()).unwrap();
        let xz = xz.finish().unwrap();
        let zst = zstd::encode_all(TEXT.as_bytes(), 1).unwrap();
        for (bytes, c) in [
            (bz, Compression::Bzip2),
            (xz, Compression::Xz),
            (zst, Compression::Zstd),
        ] {
            assert_eq!(read_bytes(&bytes), (Some(c), TEXT.to_string()));
        }
    }

    #[test]
    fn byte_order_marks() {
        let mut utf8 = vec![0xef, 0xbb, 0xbf];
        utf8.extend_from_slice(TEXT.as_bytes());
        assert_eq!(read_bytes(&utf8), (None, TEXT.to_string()));
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(TEXT.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(TEXT.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(read_bytes(&le), (None, TEXT.to_string()));
        assert_eq!(read_bytes(&be), (None, TEXT.to_string()));
        // Compressed UTF-16: decompressed first, then decoded.
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&le).unwrap();
        let (c, s) = read_bytes(&enc.finish().unwrap());
        assert_eq!((c, s.as_str()), (Some(Compression::Gzip), TEXT));
        // Short inputs are still read whole.
        assert_eq!(read_bytes(b"ab").1, "ab");
        assert_eq!(read_bytes(b"").1, "");
    }

    #[test]
    fn names_are_redacted_and_neutralised() {
        let spec = InputSpec::Path(PathBuf::from("token=Zx9Qw8Er7Ty6\u{1b}]52;c;x\u{7}.log"));
        let name = spec.name();
        assert!(
            !name.contains("Zx9Qw8Er7Ty6") && !name.contains('\u{1b}'),
            "{name:?}"
        );
        let label = InputSpec::Labeled {
            path: PathBuf::from("/tmp/x"),
            label: "logdna:user:s3cr3tT0ken@api.example.com".into(),
        };
        assert!(!label.name().contains("s3cr3tT0ken"), "{}", label.name());
    }

    #[test]
    fn gzip_is_detected_by_magic_not_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain-name.log");
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"hello\nworld\n").unwrap();
        std::fs::write(&path, enc.finish().unwrap()).unwrap();
        assert_eq!(
            read_all(&InputSpec::Path(path)),
            (true, "hello\nworld\n".into())
        );

        let named_gz = dir.path().join("not-really.gz");
        std::fs::write(&named_gz, b"plain text\n").unwrap();
        assert_eq!(
            read_all(&InputSpec::Path(named_gz)),
            (false, "plain text\n".into())
        );
    }

    #[test]
    fn directories_and_missing_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = open(&InputSpec::Path(dir.path().to_path_buf()))
            .err()
            .unwrap();
        assert!(err.to_string().contains("is a directory"), "{err}");
        let missing = dir.path().join("nope.log");
        let err = open(&InputSpec::Path(missing)).err().unwrap();
        assert!(err.to_string().starts_with("cannot read"), "{err}");
        assert!(err.to_string().contains("nope.log"), "{err}");
    }
}
