//! Source stage: opens each input (a file or standard input), recognises gzip by
//! its magic bytes, and hands out lines from a rolling buffer.

mod lines;

pub use lines::{LineReader, MAX_LINE};

use crate::error::{Error, Result};
use flate2::bufread::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const READ_BUFFER: usize = 256 * 1024;

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
}

impl InputSpec {
    pub fn from_arg(arg: &str) -> InputSpec {
        if arg == "-" {
            InputSpec::Stdin
        } else {
            InputSpec::Path(PathBuf::from(arg))
        }
    }

    /// The name used in evidence sources (`file:line`).
    pub fn name(&self) -> String {
        match self {
            InputSpec::Stdin => "<stdin>".to_string(),
            InputSpec::Path(p) => p.display().to_string(),
            InputSpec::Labeled { label, .. } => label.clone(),
        }
    }
}

/// An opened input, decompressed if it was gzip.
pub struct Input {
    pub name: String,
    pub gzip: bool,
    pub reader: Box<dyn Read + Send>,
}

pub fn open(spec: &InputSpec) -> Result<Input> {
    let name = spec.name();
    let raw: Box<dyn Read + Send> = match spec {
        InputSpec::Stdin => Box::new(io::stdin()),
        InputSpec::Path(p) | InputSpec::Labeled { path: p, .. } => Box::new(open_file(p, &name)?),
    };
    let mut buffered = BufReader::with_capacity(READ_BUFFER, raw);
    let gzip = starts_with_gzip_magic(&mut buffered).map_err(|e| Error::read(&name, e))?;
    let reader: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    Ok(Input { name, gzip, reader })
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

/// Peeks without consuming, so a short first read cannot hide the magic.
fn starts_with_gzip_magic(r: &mut impl BufRead) -> io::Result<bool> {
    loop {
        match r.fill_buf() {
            Ok(buf) => return Ok(buf.len() >= 2 && buf[..2] == GZIP_MAGIC),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
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
