//! The processing engine: reads records in bounded, ordered batches on a reader thread, repairs
//! each batch in parallel, and writes results in input order.

use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use hanfix::{Edit, Fixer, Report, ScriptDecision, StageKind, Summary};
use rayon::prelude::*;

use crate::cli::OnError;
use crate::error::{CliError, Result};
use crate::io::{open_input, Format, Input, Output};
use crate::jsonl::{Record, RecordError, Splices};
use crate::progress::Progress;
use crate::stats::Stats;

/// What the run produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Repaired documents.
    Fix,
    /// One JSON object per edit.
    Explain,
}

/// Everything a run needs to know, fixed before it starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// Fix or explain.
    pub mode: Mode,
    /// The repair pipeline.
    pub fixer: Fixer,
    /// Key path of the text field or column.
    pub text_key: String,
    /// Key naming documents.
    pub id_key: String,
    /// Where to keep the input text, if asked.
    pub keep_original: Option<String>,
    /// Name of the annotation field, if asked.
    pub annotate: Option<String>,
    /// Directory for attribute files, if asked.
    pub attributes: Option<PathBuf>,
    /// Bad-record policy.
    pub on_error: OnError,
    /// Skipped records allowed before exit code 3.
    pub max_errors: Option<u64>,
    /// Target piece size for plain text.
    pub chunk_bytes: usize,
    /// Whether several inputs are read (explain output then names the file).
    pub multi: bool,
}

impl Config {
    /// Whether per-edit positions are needed.
    pub fn wants_edits(&self) -> bool {
        self.mode == Mode::Explain || self.attributes.is_some()
    }
}

/// One unit of input: a JSON line or a piece of a plain-text file.
pub struct Rec {
    /// 1-based line number (JSON Lines) or piece index (plain text).
    pub no: u64,
    /// Byte offset of the piece in the (decompressed) input.
    pub offset: u64,
    /// The raw bytes, including the line ending.
    pub data: Vec<u8>,
}

/// An edit with its positions in the document's text.
#[derive(Debug, Clone)]
pub struct EditOut {
    /// Stage that made it.
    pub stage: StageKind,
    /// Byte range in the text.
    pub bytes: (usize, usize),
    /// Code-point range in the text.
    pub chars: (usize, usize),
    /// Text before.
    pub before: String,
    /// Text after.
    pub after: String,
    /// Confidence, 0..1.
    pub confidence: f32,
    /// Why.
    pub reason: String,
}

/// Converts edits to positioned edits. Code-point offsets are computed in one pass over `text`
/// (equivalent to [`Edit::char_span`], which would be quadratic over many edits).
pub fn position_edits(text: &str, edits: Vec<Edit>) -> Vec<EditOut> {
    let mut marks: Vec<usize> = edits.iter().flat_map(|e| [e.start, e.end]).collect();
    marks.sort_unstable();
    marks.dedup();
    let mut map = Vec::with_capacity(marks.len());
    let mut chars = 0usize;
    let mut it = text.char_indices().peekable();
    for &m in &marks {
        // Count every character that starts before m (rounding m down to a boundary).
        while let Some(&(i, c)) = it.peek() {
            if i + c.len_utf8() > m {
                break;
            }
            chars += 1;
            it.next();
        }
        map.push(chars);
    }
    let lookup = |b: usize| map[marks.binary_search(&b).unwrap_or(0)];
    edits
        .into_iter()
        .map(|e| EditOut {
            stage: e.stage,
            bytes: (e.start, e.end),
            chars: (lookup(e.start), lookup(e.end)),
            before: e.before,
            after: e.after,
            confidence: e.confidence,
            reason: e.reason.into_owned(),
        })
        .collect()
}

/// Result of one record.
#[derive(Default)]
pub struct Done {
    /// Bytes for the main output.
    pub out: Vec<u8>,
    /// Positioned edits (only when needed).
    pub edits: Vec<EditOut>,
    /// Raw JSON of the document id, when the record has one.
    pub id: Option<String>,
    /// Whether this is a document (blank lines are not).
    pub is_doc: bool,
    /// Text bytes and code points (plain text pieces, for offsets).
    pub text_len: (usize, usize),
    /// Edits per stage.
    pub per_stage: [usize; 7],
    /// What went wrong, if anything; `out` then holds the record unchanged.
    pub error: Option<String>,
}

/// One repaired document: what the run writes. The edits are recorded only when the run writes
/// them (`explain`, `--attributes`); otherwise the pipeline only counts them, which takes less
/// memory and time.
pub struct Repaired {
    /// The repaired text.
    pub text: String,
    /// Edits per stage, in pipeline order.
    pub per_stage: [(StageKind, usize); 7],
    /// How damaged the input looked.
    pub garble: f32,
    /// What the script stage decided.
    pub script: ScriptDecision,
    /// Every edit, when the run wants them; empty otherwise.
    pub edits: Vec<Edit>,
}

impl Repaired {
    /// Repairs `text` as `cfg` asks.
    pub fn text(cfg: &Config, text: &str) -> Repaired {
        if cfg.wants_edits() {
            Repaired::from(cfg.fixer.fix_report(text))
        } else {
            Repaired::from(cfg.fixer.fix_summary(text))
        }
    }

    /// Decodes and repairs `bytes` as `cfg` asks.
    pub fn bytes(cfg: &Config, bytes: &[u8]) -> std::result::Result<Repaired, hanfix::Error> {
        if cfg.wants_edits() {
            cfg.fixer.fix_bytes(bytes).map(Repaired::from)
        } else {
            cfg.fixer.fix_bytes_summary(bytes).map(Repaired::from)
        }
    }

    /// Edits per stage, in pipeline order, without the stages.
    pub fn counts(&self) -> [usize; 7] {
        self.per_stage.map(|(_, n)| n)
    }
}

impl From<Report> for Repaired {
    fn from(r: Report) -> Repaired {
        Repaired {
            per_stage: r.edits_per_stage(),
            text: r.text,
            garble: r.garble,
            script: r.script,
            edits: r.edits,
        }
    }
}

impl From<Summary> for Repaired {
    fn from(s: Summary) -> Repaired {
        Repaired {
            text: s.text,
            per_stage: s.edits_per_stage,
            garble: s.garble,
            script: s.script,
            edits: Vec::new(),
        }
    }
}

/// The `--annotate` value.
pub fn annotation_json(report: &Repaired) -> String {
    let mut s = String::from("{\"edits_per_stage\":{");
    for (i, (k, n)) in report.per_stage.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("\"{}\":{n}", k.name()));
    }
    let garble = serde_json::to_string(&report.garble).unwrap_or_else(|_| "null".into());
    s.push_str(&format!(
        "}},\"garble\":{garble},\"script\":\"{}\"}}",
        report.script.name()
    ));
    s
}

fn split_ending(data: &[u8]) -> (&[u8], &[u8]) {
    let mut n = data.len();
    if n > 0 && data[n - 1] == b'\n' {
        n -= 1;
        if n > 0 && data[n - 1] == b'\r' {
            n -= 1;
        }
    }
    data.split_at(n)
}

fn do_line(cfg: &Config, rec: &Rec) -> Done {
    let (body, ending) = split_ending(&rec.data);
    // A byte-order mark before the first line is kept in the output but not parsed.
    let (bom, body) = match body.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) if rec.no == 1 => (&body[..3], rest),
        _ => (&body[..0], body),
    };
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        let out = if cfg.mode == Mode::Fix {
            rec.data.clone()
        } else {
            Vec::new()
        };
        return Done {
            out,
            ..Done::default()
        };
    }
    let fail = |msg: String| Done {
        out: if cfg.mode == Mode::Fix {
            rec.data.clone()
        } else {
            Vec::new()
        },
        error: Some(msg),
        ..Done::default()
    };
    let line = match std::str::from_utf8(body) {
        Ok(s) => s,
        Err(e) => {
            return fail(format!(
                "invalid UTF-8 at byte {} of the line",
                e.valid_up_to()
            ))
        }
    };
    match rewrite_line(cfg, line) {
        Ok((mut done, rewritten)) => {
            if cfg.mode == Mode::Fix {
                done.out.extend_from_slice(bom);
                match rewritten {
                    Some(bytes) => done.out = bytes,
                    None => done.out.extend_from_slice(body),
                }
                done.out.extend_from_slice(ending);
            }
            done
        }
        Err(e) => fail(e.to_string()),
    }
}

/// Repairs the text field of one JSON line. Returns the record's result and, when the line
/// changes, the new line (without ending).
fn rewrite_line(cfg: &Config, line: &str) -> Result<(Done, Option<Vec<u8>>), RecordError> {
    let rec = Record::parse(line)?;
    let (text, loc) = rec.text_at(&cfg.text_key)?;
    let report = Repaired::text(cfg, &text);
    let mut done = Done {
        id: rec.top_raw(&cfg.id_key).map(str::to_owned),
        is_doc: true,
        per_stage: report.counts(),
        text_len: (text.len(), 0),
        ..Done::default()
    };
    let mut splices = Splices::default();
    if cfg.mode == Mode::Fix {
        if report.text != text {
            let start = rec.offset(loc.value);
            let json = serde_json::to_string(&report.text)
                .map_err(|e| RecordError::Malformed(e.to_string()))?;
            splices.replace(start, start + loc.value.len(), json);
        }
        if let Some(key) = &cfg.keep_original {
            splices.set_member(&rec, loc.object, key, loc.value.to_owned())?;
        }
        if let Some(field) = &cfg.annotate {
            splices.set_member(&rec, rec.line().trim(), field, annotation_json(&report))?;
        }
    }
    if cfg.wants_edits() {
        done.edits = position_edits(&text, report.edits);
    }
    if splices.is_empty() {
        return Ok((done, None));
    }
    let mut out = Vec::with_capacity(line.len() + 64);
    splices.apply(line, &mut out);
    Ok((done, Some(out)))
}

fn do_chunk(cfg: &Config, rec: &Rec) -> Done {
    match Repaired::bytes(cfg, &rec.data) {
        Ok(report) => {
            let mut done = Done {
                is_doc: true,
                per_stage: report.counts(),
                text_len: (rec.data.len(), 0),
                ..Done::default()
            };
            if cfg.wants_edits() {
                // Edit spans refer to the decoded input, not to the repaired text.
                let data = rec.data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&rec.data);
                let decoded;
                let original = match std::str::from_utf8(data) {
                    Ok(s) => s,
                    Err(_) => {
                        decoded = hanfix::stages::decode::decode(data)
                            .map(|d| d.text)
                            .unwrap_or_default();
                        decoded.as_str()
                    }
                };
                done.text_len = (original.len(), original.chars().count());
                done.edits = position_edits(original, report.edits);
            }
            if cfg.mode == Mode::Fix {
                done.out = report.text.into_bytes();
            }
            done
        }
        Err(hanfix::Error::Binary { offset }) => Done {
            error: Some(format!(
                "looks like binary data, not text (control byte at offset {})",
                rec.offset + offset as u64
            )),
            ..Done::default()
        },
        Err(e) => Done {
            error: Some(e.to_string()),
            ..Done::default()
        },
    }
}

/// Limits of one batch.
#[derive(Debug, Clone, Copy)]
struct BatchLimits {
    records: usize,
    bytes: usize,
}

type BatchMsg = Result<Vec<Rec>>;

fn read_err(name: &str, e: std::io::Error) -> CliError {
    CliError::Runtime(format!("cannot read {name}: {e}"))
}

/// Reads JSON lines into batches.
fn read_lines(
    mut r: Box<dyn BufRead + Send>,
    name: &str,
    lim: BatchLimits,
    tx: std::sync::mpsc::SyncSender<BatchMsg>,
) {
    let mut no = 0u64;
    let mut offset = 0u64;
    loop {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while batch.len() < lim.records && bytes < lim.bytes {
            let mut data = Vec::new();
            match r.read_until(b'\n', &mut data) {
                Ok(0) => break,
                Ok(n) => {
                    no += 1;
                    bytes += n;
                    batch.push(Rec { no, offset, data });
                    offset += n as u64;
                }
                Err(e) => {
                    let _ = tx.send(Err(read_err(name, e)));
                    return;
                }
            }
        }
        let last = batch.len() < lim.records && bytes < lim.bytes;
        if !batch.is_empty() && tx.send(Ok(batch)).is_err() {
            return;
        }
        if last {
            return;
        }
    }
}

/// Where a piece of plain text that has no line break within `hard` bytes can be cut: after the
/// last ASCII space or punctuation byte below `0`, which no supported encoding uses inside a
/// multi-byte character; else before the last UTF-8 lead byte; else at the end.
fn safe_cut(buf: &[u8]) -> usize {
    let window = buf.len().saturating_sub(1 << 20);
    if let Some(i) = buf[window..].iter().rposition(|&b| b < 0x30) {
        return window + i + 1;
    }
    if let Some(i) = buf[window..].iter().rposition(|&b| b & 0xC0 != 0x80) {
        if window + i > 0 {
            return window + i;
        }
    }
    buf.len()
}

/// Reads a plain-text input as pieces of about `chunk` bytes cut after a line break (a line
/// longer than four pieces is cut at a safe byte). An empty input is one empty piece.
fn read_chunks(
    mut r: Box<dyn BufRead + Send>,
    name: &str,
    chunk: usize,
    per_batch: usize,
    tx: std::sync::mpsc::SyncSender<BatchMsg>,
) {
    let chunk = chunk.max(1);
    let hard = chunk.saturating_mul(4);
    let mut carry: Vec<u8> = Vec::new();
    let mut no = 0u64;
    let mut offset = 0u64;
    let mut eof = false;
    let mut sent_any = false;
    while !eof {
        let mut batch = Vec::new();
        while batch.len() < per_batch && !eof {
            let mut buf = std::mem::take(&mut carry);
            while buf.len() < chunk {
                let limit = (hard - buf.len().min(hard)) as u64;
                match r.by_ref().take(limit).read_until(b'\n', &mut buf) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(_) => {
                        if buf.len() >= hard && buf.last() != Some(&b'\n') {
                            let cut = safe_cut(&buf);
                            carry = buf.split_off(cut);
                            break;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(read_err(name, e)));
                        return;
                    }
                }
            }
            if buf.is_empty() && (sent_any || !batch.is_empty()) {
                continue;
            }
            let len = buf.len() as u64;
            batch.push(Rec {
                no,
                offset,
                data: buf,
            });
            no += 1;
            offset += len;
        }
        if batch.is_empty() {
            break;
        }
        sent_any = true;
        if tx.send(Ok(batch)).is_err() {
            return;
        }
    }
}

/// Writes explain lines and attribute lines for documents.
pub fn explain_line(
    out: &mut Vec<u8>,
    doc: &str,
    file: Option<&str>,
    e: &EditOut,
    base: (usize, usize),
) {
    out.extend_from_slice(b"{\"doc\":");
    out.extend_from_slice(doc.as_bytes());
    if let Some(f) = file {
        out.extend_from_slice(b",\"file\":");
        out.extend_from_slice(serde_json::to_string(f).unwrap_or_default().as_bytes());
    }
    let s = |v: &str| serde_json::to_string(v).unwrap_or_default();
    let conf = serde_json::to_string(&e.confidence).unwrap_or_else(|_| "null".into());
    out.extend_from_slice(
        format!(
            ",\"stage\":\"{}\",\"start\":{},\"end\":{},\"byte_start\":{},\"byte_end\":{},\"before\":{},\"after\":{},\"confidence\":{},\"reason\":{}}}\n",
            e.stage.name(),
            base.1 + e.chars.0,
            base.1 + e.chars.1,
            base.0 + e.bytes.0,
            base.0 + e.bytes.1,
            s(&e.before),
            s(&e.after),
            conf,
            s(&e.reason),
        )
        .as_bytes(),
    );
}

/// One Dolma attribute line.
pub fn attribute_line(id: &str, edits: &[EditOut]) -> Vec<u8> {
    let mut s = format!("{{\"id\":{id},\"attributes\":{{");
    for (i, k) in StageKind::ALL.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("\"hanfix__{}\":[", k.name()));
        let mut first = true;
        for e in edits.iter().filter(|e| e.stage == *k) {
            if !first {
                s.push(',');
            }
            first = false;
            let score = serde_json::to_string(&e.confidence).unwrap_or_else(|_| "null".into());
            s.push_str(&format!("[{},{},{score}]", e.chars.0, e.chars.1));
        }
        s.push(']');
    }
    s.push_str("}}\n");
    s.into_bytes()
}

/// The attribute file name for `input`.
pub fn attribute_name(input: &Input) -> String {
    match input.path() {
        None => "stdin.jsonl".to_owned(),
        Some(p) => {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match name.strip_suffix(".parquet") {
                Some(stem) => format!("{stem}.jsonl"),
                None => name,
            }
        }
    }
}

/// Runs inputs through the pipeline, writing to one output.
pub struct Runner<'a> {
    cfg: &'a Config,
    pool: Arc<rayon::ThreadPool>,
    /// Counters.
    pub stats: Stats,
    progress: &'a Progress,
    warned: u64,
}

impl<'a> Runner<'a> {
    /// A runner with `threads` workers (0: all cores).
    pub fn new(cfg: &'a Config, threads: usize, progress: &'a Progress) -> Result<Runner<'a>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("hanfix-{i}"))
            .build()
            .map_err(|e| CliError::Runtime(format!("cannot start worker threads: {e}")))?;
        Ok(Runner {
            cfg,
            pool: Arc::new(pool),
            stats: Stats::default(),
            progress,
            warned: 0,
        })
    }

    /// Redraws the progress bar.
    pub fn progress_update(&self) {
        self.progress.update(&self.stats);
    }

    /// Worker threads in use.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Handles a bad record: fails, or counts and reports it.
    pub fn bad_record(&mut self, location: &str, msg: &str) -> Result<()> {
        let full = format!("{location}: {msg}");
        if self.cfg.on_error == OnError::Fail {
            return Err(CliError::Runtime(full));
        }
        self.stats.skipped += 1;
        if self.warned < 20 {
            self.progress.println(&format!("hanfix: skipped {full}"));
        } else if self.warned == 20 {
            self.progress
                .println("hanfix: further skipped records are not shown");
        }
        self.warned += 1;
        if let Some(max) = self.cfg.max_errors {
            if self.stats.skipped > max {
                return Err(CliError::TooManyErrors(self.stats.skipped));
            }
        }
        Ok(())
    }

    /// Repairs a list of records in parallel, keeping their order.
    pub fn map<T: Sync, R: Send>(&self, items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
        self.pool.install(|| items.par_iter().map(f).collect())
    }

    fn spawn_reader(
        &self,
        input: &Input,
        format: Format,
        raw: Arc<AtomicU64>,
    ) -> Result<Receiver<BatchMsg>> {
        let reader = open_input(input, raw)?;
        let (tx, rx) = sync_channel::<BatchMsg>(2);
        let name = input.display();
        let per_batch = self.threads().max(1);
        let chunk = self.cfg.chunk_bytes;
        std::thread::Builder::new()
            .name("hanfix-reader".into())
            .spawn(move || match format {
                Format::Plain => read_chunks(reader, &name, chunk, per_batch, tx),
                _ => read_lines(
                    reader,
                    &name,
                    BatchLimits {
                        records: 4096,
                        bytes: 8 << 20,
                    },
                    tx,
                ),
            })
            .map_err(|e| CliError::Runtime(format!("cannot start reader thread: {e}")))?;
        Ok(rx)
    }

    /// Processes one plain-text or JSON Lines input.
    pub fn run_text(
        &mut self,
        index: usize,
        input: &Input,
        format: Format,
        out: &mut Output,
    ) -> Result<()> {
        let raw = self.progress.counter();
        let rx = self.spawn_reader(input, format, raw)?;
        let name = input.display();
        let file_field = if self.cfg.multi {
            Some(name.as_str())
        } else {
            None
        };
        let mut attrs = match &self.cfg.attributes {
            Some(dir) => Some(Output::open(Some(&dir.join(attribute_name(input))))?),
            None => None,
        };
        // Plain text: the whole file is one document.
        let mut base = (0usize, 0usize);
        let mut plain_edits: Vec<EditOut> = Vec::new();
        let mut plain_stats = [0usize; 7];
        let mut plain_bytes = 0usize;
        let mut plain_ok = false;
        let mut buf = Vec::new();
        // Repair batch k+1 on the workers while this thread writes batch k: a mapper thread sits
        // between the reader and the writer, one batch of slack each way.
        let pool = Arc::clone(&self.pool);
        let cfg = self.cfg;
        let (mtx, mrx) = std::sync::mpsc::sync_channel::<Result<(Vec<Rec>, Vec<Done>)>>(1);
        std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || {
                for batch in rx {
                    let msg = batch.map(|batch| {
                        let done: Vec<Done> = pool.install(|| {
                            batch
                                .par_iter()
                                .map(|rec| match format {
                                    Format::Plain => do_chunk(cfg, rec),
                                    _ => do_line(cfg, rec),
                                })
                                .collect()
                        });
                        (batch, done)
                    });
                    if mtx.send(msg).is_err() {
                        break;
                    }
                }
            });
            for item in mrx {
                let (batch, done) = item?;
                for (rec, d) in batch.iter().zip(done) {
                    buf.clear();
                    if let Some(err) = &d.error {
                        let loc = match format {
                            Format::Plain => name.clone(),
                            _ => format!("{name}:{}", rec.no),
                        };
                        self.bad_record(&loc, err)?;
                        if format == Format::Jsonl {
                            out.write_all(&d.out)?;
                            if let Some(a) = attrs.as_mut() {
                                a.write_all(&attribute_line(&rec.no.to_string(), &[]))?;
                            }
                        }
                        continue;
                    }
                    if format == Format::Plain {
                        plain_ok = true;
                        plain_bytes += d.text_len.0;
                        for (a, b) in plain_stats.iter_mut().zip(d.per_stage) {
                            *a += b;
                        }
                        if self.cfg.mode == Mode::Explain {
                            for e in &d.edits {
                                explain_line(&mut buf, &index.to_string(), file_field, e, base);
                            }
                        }
                        if attrs.is_some() {
                            plain_edits.extend(d.edits.iter().cloned().map(|mut e| {
                                e.chars = (e.chars.0 + base.1, e.chars.1 + base.1);
                                e.bytes = (e.bytes.0 + base.0, e.bytes.1 + base.0);
                                e
                            }));
                        }
                        base = (base.0 + d.text_len.0, base.1 + d.text_len.1);
                    } else if d.is_doc {
                        let stages = StageKind::ALL.map(|k| (k, d.per_stage[k as usize]));
                        self.stats.add_doc(d.text_len.0, &stages);
                        let doc = d.id.clone().unwrap_or_else(|| (rec.no - 1).to_string());
                        if self.cfg.mode == Mode::Explain {
                            for e in &d.edits {
                                explain_line(&mut buf, &doc, file_field, e, (0, 0));
                            }
                        }
                        if let Some(a) = attrs.as_mut() {
                            let id = d.id.clone().unwrap_or_else(|| rec.no.to_string());
                            a.write_all(&attribute_line(&id, &d.edits))?;
                        }
                    }
                    out.write_all(&d.out)?;
                    out.write_all(&buf)?;
                }
                self.progress.update(&self.stats);
            }
            Ok(())
        })?;
        if format == Format::Plain && plain_ok {
            let stages = StageKind::ALL.map(|k| (k, plain_stats[k as usize]));
            self.stats.add_doc(plain_bytes, &stages);
            if let Some(a) = attrs.as_mut() {
                let id = serde_json::to_string(&name).unwrap_or_default();
                a.write_all(&attribute_line(&id, &plain_edits))?;
            }
        }
        self.stats.files += 1;
        self.progress.update(&self.stats);
        if let Some(a) = attrs {
            a.finish()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn edit(start: usize, end: usize) -> Edit {
        Edit {
            start,
            end,
            stage: StageKind::Punct,
            before: String::new(),
            after: String::new(),
            confidence: 1.0,
            reason: Cow::Borrowed(""),
        }
    }

    #[test]
    fn positions_match_char_span() {
        let text = "a學b習,c";
        let edits: Vec<Edit> = [
            (0, 1),
            (1, 4),
            (4, 8),
            (8, 9),
            (0, 11),
            (9, 11),
            (11, 11),
            (2, 5),
        ]
        .iter()
        .map(|&(s, e)| edit(s, e))
        .collect();
        let out = position_edits(text, edits.clone());
        for (e, o) in edits.iter().zip(&out) {
            if text.is_char_boundary(e.start) && text.is_char_boundary(e.end) {
                assert_eq!(e.char_span(text), o.chars, "{e:?}");
            }
        }
    }

    #[test]
    fn safe_cut_prefers_ascii_separators() {
        assert_eq!(safe_cut("中文 中文".as_bytes()), 7);
        assert_eq!(safe_cut("中文中文".as_bytes()), 9);
    }
}
