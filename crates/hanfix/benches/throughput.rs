//! Throughput driver for `bench/run.sh` (a `harness = false` bench, so it builds with the
//! workspace's release settings and may use `hanfix-sim`).
//!
//! ```text
//! throughput prepare OUT_DIR [--corpus DIR] [--damaged-bytes N]
//!     writes clean_hans.jsonl, clean_hant.jsonl and seed_hant.jsonl ({"text": ...} per line):
//!     the eval slices of DIR when present, else the simulator's built-in sentences; seed_hant
//!     is clean Simplified damaged in the reference crawl's order (s2t+pinyin_trad+gbshift+fold)
//! throughput time FILE.jsonl [--min-secs S]
//!     repairs every document with `Fixer::fix` on this thread, repeating whole passes until
//!     S seconds (default 1) have passed, and prints one JSON line with the bytes and seconds
//! throughput slowest FILE.jsonl [N]
//!     repairs every document once and lists the N (default 5) slowest with their times
//! throughput repeat IN.jsonl OUT.jsonl BYTES
//!     writes the lines of IN again and again until OUT holds at least BYTES bytes
//! ```
//!
//! Run by `cargo bench` (no command), it times the built-in sentences and prints MB/s.

use std::borrow::Cow;
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use hanfix_sim::corpus::{HANS, HANT};
use hanfix_sim::Pipeline;

mod common;

type Res<T> = Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let res = match args.first().map(String::as_str) {
        Some("prepare") => prepare(&args[1..]),
        Some("time") => time(&args[1..]),
        Some("repeat") => repeat(&args[1..]),
        Some("slowest") => slowest(&args[1..]),
        Some(other) if !other.starts_with('-') => Err(format!("unknown command {other:?}")),
        _ => builtin(),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("throughput: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The value after `flag` in `args`, if any.
fn opt<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// The `text` fields of a JSON Lines file.
fn read_texts(path: &Path) -> Res<Vec<String>> {
    let f = fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for line in BufReader::new(f).lines() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            out.push(t.to_owned());
        }
    }
    Ok(out)
}

fn write_texts(path: &Path, texts: &[String]) -> Res<()> {
    let f = fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = BufWriter::new(f);
    for t in texts {
        let line = serde_json::json!({ "text": t });
        writeln!(w, "{line}").map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

fn prepare(args: &[String]) -> Res<()> {
    let out = PathBuf::from(args.first().ok_or("prepare needs OUT_DIR")?);
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let corpus = opt(args, "--corpus").map(PathBuf::from);
    let damaged_bytes: usize = opt(args, "--damaged-bytes")
        .unwrap_or("262144")
        .parse()
        .map_err(|e| format!("--damaged-bytes: {e}"))?;
    let from = |name: &str, builtin: &[&str]| -> Res<(Vec<String>, String)> {
        if let Some(dir) = &corpus {
            let p = dir.join(name);
            if p.exists() {
                return Ok((read_texts(&p)?, p.display().to_string()));
            }
        }
        // About 1 MB of the built-in sentences, a few to a document.
        let docs: Vec<String> = (0..(1 << 20) / 600)
            .map(|i| {
                (0..5)
                    .map(|k| builtin[(i * 5 + k) % builtin.len()])
                    .collect()
            })
            .collect();
        Ok((docs, "built-in sentences".into()))
    };
    let (hans, src_hans) = from("hans_eval.jsonl", HANS)?;
    let (hant, src_hant) = from("hant_eval.jsonl", HANT)?;
    let mut seed = Vec::new();
    let mut n = 0;
    for (i, t) in hans.iter().enumerate() {
        if n >= damaged_bytes {
            break;
        }
        let d = Pipeline::seed_order(i as u64 + 1).apply(t);
        n += d.len();
        seed.push(d);
    }
    for (name, texts, src) in [
        ("clean_hans.jsonl", &hans, &src_hans),
        ("clean_hant.jsonl", &hant, &src_hant),
        ("seed_hant.jsonl", &seed, &src_hans),
    ] {
        write_texts(&out.join(name), texts)?;
        let bytes: usize = texts.iter().map(String::len).sum();
        println!(
            "{name}: {} documents, {bytes} text bytes, from {src}",
            texts.len()
        );
    }
    Ok(())
}

/// Repairs `texts` once; returns how many documents changed.
fn pass(fixer: &hanfix::Fixer, texts: &[String]) -> usize {
    texts
        .iter()
        .filter(|t| matches!(fixer.fix(std::hint::black_box(t)), Cow::Owned(_)))
        .count()
}

/// Times whole passes over `texts` until `min_secs` have passed: (passes, seconds, changed).
fn timed(texts: &[String], min_secs: f64) -> (usize, f64, usize) {
    let fixer = hanfix::Fixer::default();
    // Load the embedded tables and model outside the timing.
    let _ = fixer.fix("學(xué)習關(guān)鍵詞,兩張合影");
    let start = Instant::now();
    let mut passes = 0;
    loop {
        let t0 = Instant::now();
        let changed = pass(&fixer, texts);
        if std::env::var_os("THROUGHPUT_DEBUG").is_some() {
            eprintln!("pass {passes}: {:.3} s", t0.elapsed().as_secs_f64());
        }
        passes += 1;
        let s = start.elapsed().as_secs_f64();
        if s >= min_secs {
            return (passes, s, changed);
        }
    }
}

fn time(args: &[String]) -> Res<()> {
    let path = PathBuf::from(args.first().ok_or("time needs FILE.jsonl")?);
    let min_secs: f64 = opt(args, "--min-secs")
        .unwrap_or("1")
        .parse()
        .map_err(|e| format!("--min-secs: {e}"))?;
    let texts = read_texts(&path)?;
    let bytes: usize = texts.iter().map(String::len).sum();
    let fast: Vec<&String> = texts
        .iter()
        .filter(|t| common::fast_path_clean(t))
        .collect();
    let fast_bytes: usize = fast.iter().map(|t| t.len()).sum();
    let (passes, secs, changed) = timed(&texts, min_secs);
    println!(
        "{}",
        serde_json::json!({
            "tool": "hanfix-lib",
            "input": path.display().to_string(),
            "docs": texts.len(),
            "bytes": bytes * passes,
            "seconds": secs,
            "passes": passes,
            "changed_docs": changed,
            "fast_path_docs": fast.len(),
            "fast_path_bytes": fast_bytes,
        })
    );
    Ok(())
}

fn slowest(args: &[String]) -> Res<()> {
    let path = PathBuf::from(args.first().ok_or("slowest needs FILE.jsonl")?);
    let n: usize = args
        .get(1)
        .map_or(Ok(5), |a| a.parse())
        .map_err(|e| format!("N: {e}"))?;
    let texts = read_texts(&path)?;
    let fixer = hanfix::Fixer::default();
    let _ = fixer.fix("學(xué)習關(guān)鍵詞,兩張合影");
    let mut times: Vec<(f64, usize)> = Vec::with_capacity(texts.len());
    let mut total = 0.0;
    for (i, t) in texts.iter().enumerate() {
        let start = Instant::now();
        let _ = fixer.fix(t);
        let s = start.elapsed().as_secs_f64();
        total += s;
        eprintln!("doc {i}: {:.1} ms, {} bytes", s * 1e3, t.len());
        times.push((s, i));
    }
    times.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "{}: {} documents, {total:.3} s in all",
        path.display(),
        texts.len()
    );
    for &(s, i) in times.iter().take(n) {
        let head: String = texts[i].chars().take(30).collect();
        println!(
            "  doc {i}: {:.1} ms ({:.0}% of the total), {} bytes: {head}",
            s * 1e3,
            100.0 * s / total,
            texts[i].len()
        );
    }
    Ok(())
}

fn repeat(args: &[String]) -> Res<()> {
    let [input, output, bytes, ..] = args else {
        return Err("repeat needs IN.jsonl OUT.jsonl BYTES".into());
    };
    let want: u64 = bytes.parse().map_err(|e| format!("BYTES: {e}"))?;
    let data = fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    if data.is_empty() {
        return Err(format!("{input} is empty"));
    }
    let mut w = BufWriter::new(fs::File::create(output).map_err(|e| format!("{output}: {e}"))?);
    let mut n = 0u64;
    'outer: loop {
        for line in data.split_inclusive(|&b| b == b'\n') {
            if n >= want {
                break 'outer;
            }
            w.write_all(line).map_err(|e| e.to_string())?;
            if !line.ends_with(b"\n") {
                w.write_all(b"\n").map_err(|e| e.to_string())?;
                n += 1;
            }
            n += line.len() as u64;
        }
    }
    w.flush().map_err(|e| e.to_string())
}

fn builtin() -> Res<()> {
    let sets: [(&str, Vec<String>); 3] = [
        (
            "clean Simplified",
            HANS.iter().map(|s| s.to_string()).collect(),
        ),
        (
            "clean Traditional",
            HANT.iter().map(|s| s.to_string()).collect(),
        ),
        (
            "seed-style damaged",
            HANS.iter()
                .enumerate()
                .map(|(i, s)| Pipeline::seed_order(i as u64 + 1).apply(s))
                .collect(),
        ),
    ];
    for (name, texts) in &sets {
        let bytes: usize = texts.iter().map(String::len).sum();
        let (passes, secs, _) = timed(texts, 0.5);
        let mbs = (bytes * passes) as f64 / secs / 1e6;
        println!("throughput/{name}: {mbs:.2} MB/s (built-in sentences, one thread)");
    }
    Ok(())
}
