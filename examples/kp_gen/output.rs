//! Output files: plain or gzip, in log order or (LogDNA) newest first.

use flate2::write::GzEncoder;
use flate2::Compression;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// LogDNA exports are written newest first, through chunks of this size on disk.
const REVERSE_CHUNK: usize = 64 << 20;

pub(crate) enum Sink {
    Plain(BufWriter<File>),
    Gzip(GzEncoder<BufWriter<File>>),
}

impl Sink {
    fn open(path: &Path, gzip: bool) -> io::Result<Sink> {
        let w = BufWriter::with_capacity(1 << 20, File::create(path)?);
        Ok(if gzip {
            Sink::Gzip(GzEncoder::new(w, Compression::fast()))
        } else {
            Sink::Plain(w)
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Plain(w) => w,
            Sink::Gzip(w) => w,
        }
    }

    /// Flushes everything, the gzip trailer included, and syncs nothing (a benchmark input).
    fn finish(self) -> io::Result<()> {
        let mut w = match self {
            Sink::Plain(w) => w,
            Sink::Gzip(gz) => gz.finish()?,
        };
        w.flush()
    }
}

/// Writes records in order, or (LogDNA) newest first: records are gathered in chunks, each
/// chunk reversed to a temporary file, and the chunks joined last to first at the end.
pub(crate) enum Out {
    Forward(Sink),
    Reversed {
        base: PathBuf,
        buf: Vec<u8>,
        starts: Vec<usize>,
        chunks: Vec<PathBuf>,
    },
}

impl Out {
    /// `reversed` spools to chunk files next to `tmp` and opens `tmp` itself only in `finish`.
    pub(crate) fn open(tmp: &Path, reversed: bool, gzip: bool) -> io::Result<Out> {
        Ok(if reversed {
            Out::Reversed {
                base: tmp.to_path_buf(),
                buf: Vec::with_capacity(REVERSE_CHUNK + (1 << 20)),
                starts: Vec::new(),
                chunks: Vec::new(),
            }
        } else {
            Out::Forward(Sink::open(tmp, gzip)?)
        })
    }

    pub(crate) fn write(&mut self, record: &[u8]) -> io::Result<()> {
        match self {
            Out::Forward(w) => w.writer().write_all(record),
            Out::Reversed {
                base,
                buf,
                starts,
                chunks,
            } => {
                starts.push(buf.len());
                buf.extend_from_slice(record);
                if buf.len() >= REVERSE_CHUNK {
                    let path = PathBuf::from(format!("{}.chunk{}", base.display(), chunks.len()));
                    let mut f = BufWriter::with_capacity(1 << 20, File::create(&path)?);
                    write_reversed(&mut f, buf, starts)?;
                    f.flush()?;
                    chunks.push(path);
                    buf.clear();
                    starts.clear();
                }
                Ok(())
            }
        }
    }

    pub(crate) fn finish(self, tmp: &Path, gzip: bool) -> io::Result<()> {
        match self {
            Out::Forward(sink) => sink.finish(),
            Out::Reversed {
                buf,
                starts,
                chunks,
                ..
            } => {
                let mut sink = Sink::open(tmp, gzip)?;
                write_reversed(sink.writer(), &buf, &starts)?;
                for chunk in chunks.iter().rev() {
                    io::copy(&mut File::open(chunk)?, sink.writer())?;
                    fs::remove_file(chunk)?;
                }
                sink.finish()
            }
        }
    }
}

pub(crate) fn write_reversed(w: &mut dyn Write, buf: &[u8], starts: &[usize]) -> io::Result<()> {
    let mut end = buf.len();
    for &s in starts.iter().rev() {
        w.write_all(&buf[s..end])?;
        end = s;
    }
    Ok(())
}
