//! Opening inputs and writing outputs: compression by extension, atomic files.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{CliError, Result};

/// Compression of a file, from its extension (or, for input, its magic bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (`.gz`).
    Gzip,
    /// Zstandard (`.zst`, `.zstd`).
    Zstd,
}

/// Document format of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text: each file is one document.
    Plain,
    /// JSON Lines: each line is one document.
    Jsonl,
    /// Apache Parquet: each row is one document.
    Parquet,
}

/// The lower-cased file name of `path`, or an empty string.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Compression named by the extension of `path`.
pub fn compression_of(path: &Path) -> Compression {
    let name = file_name(path);
    if name.ends_with(".gz") || name.ends_with(".gzip") {
        Compression::Gzip
    } else if name.ends_with(".zst") || name.ends_with(".zstd") {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// Format named by the extension of `path` (after any compression extension), if any.
pub fn format_of(path: &Path) -> Option<Format> {
    let name = file_name(path);
    let base = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".gzip"))
        .or_else(|| name.strip_suffix(".zst"))
        .or_else(|| name.strip_suffix(".zstd"))
        .unwrap_or(&name);
    if base.ends_with(".parquet") || base.ends_with(".pq") {
        Some(Format::Parquet)
    } else if base.ends_with(".jsonl") || base.ends_with(".ndjson") || base.ends_with(".json") {
        Some(Format::Jsonl)
    } else {
        None
    }
}

/// One input: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// How the input is named in messages.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_owned(),
            Input::File(p) => p.display().to_string(),
        }
    }

    /// The path, if the input is a file.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Stdin => None,
            Input::File(p) => Some(p),
        }
    }

    /// Size in bytes, when known.
    pub fn size(&self) -> Option<u64> {
        self.path()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
    }
}

/// Expands the INPUT arguments: `-` is standard input, an existing path is a file, anything else
/// with glob characters is a pattern. No argument means standard input.
pub fn resolve_inputs(args: &[String]) -> Result<Vec<Input>> {
    if args.is_empty() {
        return Ok(vec![Input::Stdin]);
    }
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(arg);
        if path.exists() || !arg.contains(['*', '?', '[']) {
            if path.is_dir() {
                return Err(CliError::Usage(format!(
                    "{arg} is a directory; use a glob such as '{arg}/*.jsonl'"
                )));
            }
            if !path.exists() {
                return Err(CliError::Runtime(format!(
                    "cannot open {arg}: no such file"
                )));
            }
            inputs.push(Input::File(path.to_path_buf()));
            continue;
        }
        let paths = glob::glob(arg)
            .map_err(|e| CliError::Usage(format!("bad glob pattern {arg:?}: {e}")))?;
        let mut matched: Vec<PathBuf> = paths
            .filter_map(|p| p.ok())
            .filter(|p| p.is_file())
            .collect();
        if matched.is_empty() {
            return Err(CliError::Runtime(format!("no file matches {arg:?}")));
        }
        matched.sort();
        inputs.extend(matched.into_iter().map(Input::File));
    }
    if inputs.iter().filter(|i| **i == Input::Stdin).count() > 1 {
        return Err(CliError::Usage(
            "standard input (-) can be read only once".into(),
        ));
    }
    Ok(inputs)
}

/// A reader that counts the raw bytes read through it (for progress).
pub struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `input` for reading, decompressing by extension or, failing that, by magic bytes.
/// Raw (compressed) bytes read are added to `count`.
pub fn open_input(input: &Input, count: Arc<AtomicU64>) -> Result<Box<dyn BufRead + Send>> {
    let (raw, by_ext): (Box<dyn Read + Send>, Compression) = match input {
        Input::Stdin => (Box::new(io::stdin()), Compression::None),
        Input::File(p) => {
            let f = File::open(p).map_err(|e| CliError::io("cannot open", p, e))?;
            (Box::new(f), compression_of(p))
        }
    };
    let mut raw = BufReader::with_capacity(1 << 16, Counting { inner: raw, count });
    let compression = if by_ext != Compression::None {
        by_ext
    } else {
        let head = raw
            .fill_buf()
            .map_err(|e| CliError::Runtime(format!("cannot read {}: {e}", input.display())))?;
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    };
    Ok(match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(raw),
        )),
        Compression::Zstd => {
            let dec = zstd::stream::read::Decoder::with_buffer(raw)
                .map_err(|e| CliError::Runtime(format!("cannot read {}: {e}", input.display())))?;
            Box::new(BufReader::with_capacity(1 << 16, dec))
        }
    })
}

/// A file that appears at its path only when [`AtomicFile::commit`] is called: the data goes to
/// a temporary file in the same directory, which is synced and renamed into place. Dropping it
/// uncommitted removes the temporary file.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".hanfix-tmp")
            .tempfile_in(&dir)
            .map_err(|e| CliError::io("cannot create a temporary file for", path, e))?;
        Ok(AtomicFile {
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// Syncs the data and renames the temporary file to the target path.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| CliError::io("cannot sync", &path, e))?;
        self.tmp
            .persist(&path)
            .map_err(|e| CliError::io("cannot rename into", &path, e.error))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Make the rename itself durable; not all platforms can open a directory.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// The raw destination of an output stream.
pub enum Dest {
    /// Standard output.
    Stdout(io::Stdout),
    /// An atomic file.
    File(AtomicFile),
    /// Something that is not a regular file (`/dev/null`, a FIFO, a terminal), written in place:
    /// renaming a file over it would replace the device.
    Direct(File),
}

impl Dest {
    /// Opens `path` for writing: atomically when it is (or will be) a regular file, directly
    /// otherwise. A symbolic link is followed, so the link stays and its target is replaced.
    pub fn create(path: &Path) -> Result<Dest> {
        let mut target = path.to_path_buf();
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if meta.file_type().is_symlink() {
                if let Ok(real) = std::fs::canonicalize(path) {
                    target = real;
                }
            }
        }
        match std::fs::metadata(&target) {
            Ok(meta) if !meta.is_file() => {
                if meta.is_dir() {
                    return Err(CliError::Usage(format!(
                        "{} is a directory",
                        path.display()
                    )));
                }
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| CliError::io("cannot open", path, e))?;
                Ok(Dest::Direct(f))
            }
            _ => Ok(Dest::File(AtomicFile::create(&target)?)),
        }
    }

    /// Makes what was written final: commits an atomic file, flushes anything else.
    pub fn commit(self, name: &Path) -> Result<()> {
        match self {
            Dest::Stdout(mut s) => s.flush().map_err(|e| CliError::io("cannot write", name, e)),
            Dest::File(f) => f.commit(),
            Dest::Direct(mut f) => f.flush().map_err(|e| CliError::io("cannot write", name, e)),
        }
    }
}

impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::Stdout(s) => s.write(buf),
            Dest::File(f) => f.write(buf),
            Dest::Direct(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::Stdout(s) => s.flush(),
            Dest::File(f) => f.flush(),
            Dest::Direct(f) => f.flush(),
        }
    }
}

enum Encoder {
    Plain(BufWriter<Dest>),
    Gzip(flate2::write::GzEncoder<BufWriter<Dest>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<Dest>>),
}

/// An output stream: standard output or an atomic file, compressed by extension.
pub struct Output {
    enc: Encoder,
    name: String,
}

impl Output {
    /// Opens `path` (atomically) or standard output.
    pub fn open(path: Option<&Path>) -> Result<Output> {
        let (dest, compression, name) = match path {
            None => (
                Dest::Stdout(io::stdout()),
                Compression::None,
                "<stdout>".to_owned(),
            ),
            Some(p) => (Dest::create(p)?, compression_of(p), p.display().to_string()),
        };
        let buf = BufWriter::with_capacity(1 << 16, dest);
        let enc = match compression {
            Compression::None => Encoder::Plain(buf),
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(
                buf,
                flate2::Compression::default(),
            )),
            Compression::Zstd => Encoder::Zstd(
                zstd::stream::write::Encoder::new(buf, 3)
                    .map_err(|e| CliError::Runtime(format!("zstd: {e}")))?,
            ),
        };
        Ok(Output { enc, name })
    }

    /// Writes all of `buf`.
    pub fn write_all(&mut self, buf: &[u8]) -> Result<()> {
        let r = match &mut self.enc {
            Encoder::Plain(w) => w.write_all(buf),
            Encoder::Gzip(w) => w.write_all(buf),
            Encoder::Zstd(w) => w.write_all(buf),
        };
        r.map_err(|e| self.err(e))
    }

    fn err(&self, e: io::Error) -> CliError {
        CliError::io("cannot write", Path::new(&self.name), e)
    }

    /// Finishes compression, flushes, and (for a file) commits it into place.
    pub fn finish(self) -> Result<()> {
        let name = self.name;
        let err = |e: io::Error| CliError::io("cannot write", Path::new(&name), e);
        let buf = match self.enc {
            Encoder::Plain(w) => w,
            Encoder::Gzip(w) => w.finish().map_err(err)?,
            Encoder::Zstd(w) => w.finish().map_err(err)?,
        };
        let dest = buf.into_inner().map_err(|e| err(e.into_error()))?;
        dest.commit(Path::new(&name))
    }

    /// Flushes what was written so far (standard output keeps it even if the run fails later).
    pub fn flush(&mut self) -> Result<()> {
        let r = match &mut self.enc {
            Encoder::Plain(w) => w.flush(),
            Encoder::Gzip(w) => w.flush(),
            Encoder::Zstd(w) => w.flush(),
        };
        r.map_err(|e| self.err(e))
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.enc {
            Encoder::Plain(w) => w.write(buf),
            Encoder::Gzip(w) => w.write(buf),
            Encoder::Zstd(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.enc {
            Encoder::Plain(w) => w.flush(),
            Encoder::Gzip(w) => w.flush(),
            Encoder::Zstd(w) => w.flush(),
        }
    }
}
