//! Inputs shared by the benchmarks, built from the simulator's built-in sentences so the benches
//! need nothing outside the repository.

#![allow(dead_code)]

use hanfix::tables::class;
use hanfix_sim::corpus::{HANS, HANT};
use hanfix_sim::Pipeline;

/// Whether `s` surely takes the clean fast path under the default options: no ASCII
/// `?(<&,:;!`, no `（`, no Traditional-only, rare-Han or Latin-mojibake characters, no U+FFFD or
/// private use. (A sufficient condition: `Flags::is_clean` also passes some texts that fail it.)
pub fn fast_path_clean(s: &str) -> bool {
    s.chars().all(|c| {
        !matches!(
            c,
            '?' | '(' | '<' | '&' | ',' | ':' | ';' | '!' | '（' | '\u{FFFD}'
        ) && !('\u{E000}'..='\u{F8FF}').contains(&c)
            && class(c) & (class::TRAD | class::RARE | class::LATIN) == 0
    })
}

/// Repeats `parts` (joined with `sep`) until the text reaches at least `bytes` bytes.
pub fn repeat_to(parts: &[String], sep: &str, bytes: usize) -> String {
    assert!(!parts.is_empty());
    let mut out = String::with_capacity(bytes + 256);
    let mut i = 0;
    while out.len() < bytes {
        if !out.is_empty() {
            out.push_str(sep);
        }
        out.push_str(&parts[i % parts.len()]);
        i += 1;
    }
    out
}

/// Clean Simplified text of at least `bytes` bytes that the fast path accepts.
pub fn clean_hans(bytes: usize) -> String {
    let parts: Vec<String> = HANS
        .iter()
        .filter(|s| fast_path_clean(s))
        .map(|s| s.to_string())
        .collect();
    repeat_to(&parts, "\n", bytes)
}

/// Clean Traditional text of at least `bytes` bytes.
pub fn clean_hant(bytes: usize) -> String {
    let parts: Vec<String> = HANT.iter().map(|s| s.to_string()).collect();
    repeat_to(&parts, "", bytes)
}

/// A document of about `bytes` bytes: built-in Simplified sentences, each damaged by the
/// families in `spec` (a `+`-joined composition) under its own seed, joined into one paragraph.
pub fn damaged_hans(spec: &str, bytes: usize) -> String {
    let mut out = String::new();
    let mut seed = 1u64;
    while out.len() < bytes {
        let s = HANS[(seed as usize) % HANS.len()];
        let p = Pipeline::parse(spec, seed).expect("valid family spec");
        out.push_str(&p.apply(s));
        seed += 1;
    }
    out
}

/// [`damaged_hans`] with the reference crawl's layer order (`s2t+pinyin_trad+gbshift+fold`).
pub fn seed_style(bytes: usize) -> String {
    let mut out = String::new();
    let mut seed = 1u64;
    while out.len() < bytes {
        let s = HANS[(seed as usize) % HANS.len()];
        out.push_str(&Pipeline::seed_order(seed).apply(s));
        seed += 1;
    }
    out
}
