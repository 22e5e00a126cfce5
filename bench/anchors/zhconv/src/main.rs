//! Times zhconv's zh-Hans conversion (OpenCC tables only) over the `text` fields of a JSON Lines
//! file on one thread, repeating whole passes until `--min-secs` (default 1) have passed, and
//! prints one JSON line in the format of hanfix's throughput driver.
//!
//! `zhconv-anchor FILE.jsonl [--min-secs S]`

use std::io::BufRead;
use std::time::Instant;

use zhconv::{get_builtin_converter, Variant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: zhconv-anchor FILE.jsonl [--min-secs S]");
        std::process::exit(2);
    };
    let min_secs: f64 = args
        .iter()
        .position(|a| a == "--min-secs")
        .and_then(|i| args.get(i + 1))
        .map_or(1.0, |s| s.parse().expect("--min-secs takes a number"));
    let file = std::fs::File::open(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let texts: Vec<String> = std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l).ok()?;
            Some(v.get("text")?.as_str()?.to_owned())
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let conv = get_builtin_converter(Variant::ZhHans);
    // Build the automaton outside the timing.
    let _ = conv.convert("學習");
    let start = Instant::now();
    let mut passes = 0usize;
    let mut changed;
    let mut out = String::new();
    loop {
        changed = 0;
        for t in &texts {
            out.clear();
            conv.convert_to(std::hint::black_box(t), &mut out);
            changed += usize::from(out != *t);
        }
        passes += 1;
        if start.elapsed().as_secs_f64() >= min_secs {
            break;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "tool": "zhconv",
            "input": path,
            "docs": texts.len(),
            "bytes": bytes * passes,
            "seconds": secs,
            "passes": passes,
            "changed_docs": changed,
        })
    );
}
