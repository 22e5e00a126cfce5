//! Pinyin annotations inside and after shifted spans.

use crate::stages::pinyin::is_reading;

/// Length (in chars) of a pinyin annotation body `syllable)` at the start of `w`.
pub(super) fn annotation_body(w: &[char]) -> Option<(usize, String)> {
    let close = w.iter().take(10).position(|&c| c == ')')?;
    let syl: String = w[..close].iter().collect::<String>().trim().to_string();
    let ok = !syl.is_empty()
        && syl
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(c));
    ok.then_some((close + 1, syl))
}

/// Length of an annotation `(syllable)` at `w[pos]` that reads the damaged character before it,
/// or 0.
pub(super) fn annotation_at(w: &[char], pos: usize) -> usize {
    if pos == 0 || w.get(pos) != Some(&'(') {
        return 0;
    }
    match annotation_body(&w[pos + 1..]) {
        Some((len, syl)) if is_reading(w[pos - 1], &syl) => 1 + len,
        _ => 0,
    }
}

/// log10 bonus of a character whose reading an annotation right after it names: the annotation
/// is independent evidence for it (a random character shares one of its readings with about one
/// syllable in a few hundred). Chosen on the training subset `hans_small` (2.5, 4, 6, 9 tried:
/// the seed's layer order gains up to 6, the other orders are flat).
pub(super) const READING_BONUS: f32 = 6.0;

pub(super) fn reading_bonus(ch: char, ann: Option<(usize, String)>) -> f32 {
    match ann {
        Some((_, syl)) if is_reading(ch, &syl) => READING_BONUS,
        _ => 0.0,
    }
}
