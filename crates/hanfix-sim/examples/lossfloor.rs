//! How many characters a GB18030 one-byte shift destroys outright: no byte of theirs is left in
//! the damaged text, so any repair can only guess them from context. Prints the shares for the
//! stress density (`ShiftParams::default()`) and the reference article's (`seed_density()`), by
//! kind of character.
//!
//! `cargo run --release -p hanfix-sim --example lossfloor -- FILE.jsonl [MAX_DOCS]`
use std::collections::HashMap;
use std::path::Path;

use hanfix_sim::eval::load_jsonl;
use hanfix_sim::gbshift::{shift_with_loss, Loss, ShiftParams};
use hanfix_sim::rng::Rng;
use hanfix_sim::script::is_han;

fn kind(c: char) -> &'static str {
    if is_han(c) {
        "Han"
    } else if c.is_ascii() {
        "ASCII"
    } else {
        "other"
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("usage: lossfloor FILE.jsonl [MAX_DOCS]");
        std::process::exit(2);
    };
    let max = args.get(1).and_then(|s| s.parse().ok());
    let docs = match load_jsonl(Path::new(file), max) {
        Ok(docs) => docs,
        Err(e) => {
            eprintln!("{file}: {e}");
            std::process::exit(2);
        }
    };
    for (name, params) in [
        ("stress (default)", ShiftParams::default()),
        ("seed density", ShiftParams::seed_density()),
    ] {
        let mut chars = 0usize;
        let mut counts: HashMap<(&str, bool), usize> = HashMap::new();
        let mut top: HashMap<char, usize> = HashMap::new();
        for (i, doc) in docs.iter().enumerate() {
            let mut rng = Rng::new(1 + i as u64 * 0x9E37_79B9);
            let (_, loss) = shift_with_loss(&doc.text, &params, &mut rng);
            chars += loss.len();
            for (c, l) in doc.text.chars().zip(loss) {
                if l != Loss::None {
                    *counts.entry((kind(c), l == Loss::Total)).or_default() += 1;
                }
                if l == Loss::Total && !is_han(c) {
                    *top.entry(c).or_default() += 1;
                }
            }
        }
        let pct = |n: usize| 100.0 * n as f64 / chars.max(1) as f64;
        println!("{name}: {} docs, {chars} chars", docs.len());
        for k in ["Han", "other", "ASCII"] {
            let all = counts.get(&(k, true)).copied().unwrap_or(0);
            let some = counts.get(&(k, false)).copied().unwrap_or(0);
            println!(
                "  {k:6} every byte lost {:.2} %, some bytes lost {:.2} %",
                pct(all),
                pct(some)
            );
        }
        let mut top: Vec<_> = top.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let top: Vec<String> = top
            .iter()
            .take(8)
            .map(|(c, n)| format!("{c:?} {n}"))
            .collect();
        println!("  most often lost outright, not Han: {}", top.join(", "));
    }
}
