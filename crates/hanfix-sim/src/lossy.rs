//! Symbols lost to `?`: emoji and pictographs that a page saved as GBK could not hold.
//!
//! Informal web text puts emoji after clauses and sentences (`太好了！😂😂`), and now and then
//! inside one. An encoder without them writes `?` for each: one per code point, or two where it
//! worked on UTF-16 units (an emoji outside the BMP is a surrogate pair). Nothing a repair can
//! read brings the symbols back, so the best output keeps the marks where they are; what this
//! family measures is what a repair breaks around them (`，??并且` read as a shifted span).
//!
//! The marks are inserted into the text, not substituted for anything in it: the clean text is
//! what the author wrote without the symbols, so every mark counts as one error before repair
//! and after it, and a repair that changes nothing leaves the error count as it found it.

use crate::rng::Rng;
use crate::script::is_han;

/// Where and how often symbols are lost.
#[derive(Debug, Clone, PartialEq)]
pub struct LossyParams {
    /// Probability of a lost symbol after a clause or sentence mark, or before a line break.
    pub clause_rate: f64,
    /// Probability of a lost symbol after any other Han character.
    pub han_rate: f64,
}

impl Default for LossyParams {
    fn default() -> Self {
        LossyParams {
            clause_rate: 0.25,
            han_rate: 0.01,
        }
    }
}

/// Marks that end a clause or a sentence, after which informal text puts its emoji.
const CLAUSE_MARKS: &[char] = &['，', '。', '！', '？', '；', '：', '、', '”', '）'];

/// How many `?` one lost run leaves: one symbol per code point or per UTF-16 unit, sometimes
/// several symbols in a row.
fn run_len(rng: &mut Rng) -> usize {
    match rng.below(20) {
        0..=9 => 1,
        10..=16 => 2,
        17..=18 => 3,
        _ => 4,
    }
}

/// Inserts runs of `?` where symbols were lost.
pub fn lose_symbols(text: &str, p: &LossyParams, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' && out.ends_with(|d: char| !d.is_ascii()) && rng.chance(p.clause_rate) {
            out.extend(std::iter::repeat_n('?', run_len(rng)));
        }
        out.push(c);
        let rate = if CLAUSE_MARKS.contains(&c) {
            p.clause_rate
        } else if is_han(c) {
            p.han_rate
        } else {
            0.0
        };
        // A mark before a line break gets its run there (once).
        if rate > 0.0 && chars.peek() != Some(&'\n') && rng.chance(rate) {
            out.extend(std::iter::repeat_n('?', run_len(rng)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_symbols_are_marks_inserted_after_clauses_and_nothing_else() {
        let text = "今天天气很好，我们去公园散步。\n公园里人很多！大家都很开心。";
        let p = LossyParams {
            clause_rate: 1.0,
            han_rate: 0.0,
        };
        let out = lose_symbols(text, &p, &mut Rng::new(3));
        assert_eq!(out.replace('?', ""), text);
        // Every clause mark is followed by a run (the one before a line break gets it after
        // the mark, before the break), and no Han character is.
        for mark in ["，?", "。?", "！?"] {
            assert!(out.contains(mark), "{out}");
        }
        assert!(!out.contains("很?"), "{out}");
        let none = LossyParams {
            clause_rate: 0.0,
            han_rate: 0.0,
        };
        assert_eq!(lose_symbols(text, &none, &mut Rng::new(3)), text);
    }
}
