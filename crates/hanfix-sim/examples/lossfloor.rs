//! How many characters a GB18030 one-byte shift destroys outright: no byte of theirs is left in
//! the damaged text, so any repair can only guess them from context. Prints the shares for the
//! stress density (`ShiftParams::default()`) and the reference article's (`seed_density()`), by
//! kind of character.
//!
//! With `--repair`, each damaged document (shifted, then folded) is also repaired, and the clean
//! characters the repair leaves wrong are counted by what the shift left of their bytes.
//!
//! `cargo run --release -p hanfix-sim --example lossfloor -- FILE.jsonl [MAX_DOCS] [--repair]`
use std::collections::HashMap;
use std::path::Path;

use hanfix_sim::eval::load_jsonl;
use hanfix_sim::gbshift::{shift_with_loss, Loss, ShiftParams};
use hanfix_sim::metrics::lcs_alignment;
use hanfix_sim::rng::Rng;
use hanfix_sim::script::{fold, is_han};

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
    let repair = args.iter().any(|a| a == "--repair");
    let fixer = hanfix::Fixer::default();
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
        // Clean characters the repair got wrong, by loss; characters the repair added.
        let mut wrong: HashMap<Loss, usize> = HashMap::new();
        let mut added = 0usize;
        for (i, doc) in docs.iter().enumerate() {
            let mut rng = Rng::new(1 + i as u64 * 0x9E37_79B9);
            let (damaged, loss) = shift_with_loss(&doc.text, &params, &mut rng);
            chars += loss.len();
            if repair {
                let fixed: Vec<char> = fixer.fix(&fold(&damaged)).chars().collect();
                let clean: Vec<char> = doc.text.chars().collect();
                let al = lcs_alignment(&clean, &fixed);
                for (m, l) in al.iter().zip(&loss) {
                    if m.is_none() {
                        *wrong.entry(*l).or_default() += 1;
                    }
                }
                added += fixed.len() - al.iter().filter(|m| m.is_some()).count();
            }
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
        if repair {
            let w = |l| wrong.get(&l).copied().unwrap_or(0);
            println!(
                "  after fold + repair, clean characters left wrong: bytes intact {:.2} %, some lost {:.2} %, all lost {:.2} %; characters added {:.2} %",
                pct(w(Loss::None)),
                pct(w(Loss::Partial)),
                pct(w(Loss::Total)),
                pct(added)
            );
        }
    }
}
