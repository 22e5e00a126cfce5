//! Prints what one family leaves wrong after repair, hunk by hunk: the clean text, the repaired
//! text and the damaged text around each difference.
//!
//! `cargo run --release -p hanfix-sim --example residue -- FAMILY FILE.jsonl [MAX_DOCS] [SEED]`
//! (with `RESIDUE_DUMP=DIR`, each document's clean and damaged text is also written to `DIR`).
use std::path::Path;

use hanfix_sim::eval::load_jsonl;
use hanfix_sim::metrics::lcs_alignment;
use hanfix_sim::Pipeline;

/// Hunks where `a` and `b` differ: (a range, b range), from an LCS alignment.
fn hunks(a: &[char], b: &[char]) -> Vec<((usize, usize), (usize, usize))> {
    let al = lcs_alignment(a, b);
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() {
        match al[i] {
            Some(k) if k == j => {
                i += 1;
                j += 1;
            }
            _ => {
                let i0 = i;
                while i < a.len() && al[i].is_none() {
                    i += 1;
                }
                let j1 = if i < a.len() {
                    al[i].unwrap_or(j)
                } else {
                    b.len()
                };
                out.push(((i0, i), (j, j1)));
                j = j1;
            }
        }
    }
    if j < b.len() {
        out.push(((a.len(), a.len()), (j, b.len())));
    }
    out
}

fn window(s: &[char], from: usize, to: usize) -> String {
    const CTX: usize = 6;
    let lo = from.saturating_sub(CTX);
    let hi = (to + CTX).min(s.len());
    let mut out: String = s[lo..from].iter().collect();
    out.push('[');
    out.extend(&s[from..to]);
    out.push(']');
    out.extend(&s[to..hi]);
    out.replace('\n', "⏎")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: residue FAMILY FILE.jsonl [MAX_DOCS] [SEED]");
        std::process::exit(2);
    }
    let max: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let docs: Vec<String> = match load_jsonl(Path::new(&args[1]), Some(max)) {
        Ok(docs) => docs.into_iter().map(|d| d.text).collect(),
        Err(e) => {
            eprintln!("{}: {e}", args[1]);
            std::process::exit(2);
        }
    };
    let fixer = hanfix::Fixer::default();
    for (i, clean) in docs.iter().enumerate() {
        let p = match Pipeline::parse(&args[0], seed.wrapping_add(i as u64 * 0x9E37_79B9)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let damaged = p.apply(clean);
        let fixed = fixer.fix(&damaged).into_owned();
        if let Ok(dir) = std::env::var("RESIDUE_DUMP") {
            // Keep each document's clean and damaged text for probing one case at a time.
            let _ = std::fs::write(format!("{dir}/{i}.clean.txt"), clean);
            let _ = std::fs::write(format!("{dir}/{i}.damaged.txt"), &damaged);
        }
        let (c, d, f): (Vec<char>, Vec<char>, Vec<char>) = (
            clean.chars().collect(),
            damaged.chars().collect(),
            fixed.chars().collect(),
        );
        let dal = lcs_alignment(&d, &c);
        for ((c0, c1), (f0, f1)) in hunks(&c, &f) {
            let (d0, d1) = hunk_in_damaged(&dal, c0, c1);
            println!(
                "#{i}  {}  ->  {}   dmg {}",
                window(&c, c0, c1),
                window(&f, f0, f1),
                window(&d, d0, d1)
            );
        }
    }
}

/// The damaged characters between the nearest damaged characters aligned outside `c0..c1`.
fn hunk_in_damaged(dal: &[Option<usize>], c0: usize, c1: usize) -> (usize, usize) {
    let left = dal
        .iter()
        .rposition(|m| m.is_some_and(|x| x < c0))
        .map_or(0, |p| p + 1);
    let right = dal
        .iter()
        .position(|m| m.is_some_and(|x| x >= c1))
        .unwrap_or(dal.len());
    (left, right.max(left))
}
