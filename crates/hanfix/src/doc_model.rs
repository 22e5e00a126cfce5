//! A document's own bigram statistics, interpolated with the embedded trigram model.
//!
//! A damaged span usually names the people, places and terms its document names elsewhere
//! (`拉包尔火山` three lines after `拉包尔附近`). The corpus model has never seen most of them, the
//! document has. [`DocModel`] counts the bigrams of the document's undamaged text and mixes their
//! relative frequency into the model's probability, the classic cache language model:
//!
//! `P(c | a, b) = (1 − λ) · P_model(c | a, b) + λ · n(b, c) / n(b)`
//!
//! for a context `b` the document has seen; other contexts keep the model's probability. Each row
//! of the mixture is still a distribution, so a reading cannot win by being longer or shorter.
//! The text it counts must exclude the damage under repair (see [`DocModel::new`]), or the
//! garbage itself would read as familiar.

use std::cmp::Ordering;
use std::ops::Deref;

use crate::model::{Context, Model};
use crate::tables::{self, class};
use crate::text::ascii_digit;

/// Weight of the document's bigram distribution in the mixture, chosen with a model that had not
/// seen the training subsets `hans_small`/`hant_small` (0.05, 0.1, 0.15, 0.2 and 0.3 tried, and
/// weights growing with the context's count: no better).
pub(crate) const LAMBDA: f32 = 0.1;

/// The embedded model with a document's bigram cache mixed in. Dereferences to [`Model`] for
/// everything but [`DocModel::logp3_id`].
pub(crate) struct DocModel {
    model: &'static Model,
    /// For each model id, as a context: how many counted bigrams it starts, and where its
    /// continuations are in `next`. Dense, since the lookup sits in the inner loop of the
    /// byte-shift search (a hash map there cost as much as the model itself).
    rows: Vec<Row>,
    /// Continuations `(id, count)` of each context, sorted by id within its row.
    next: Vec<(u32, u32)>,
    /// `log10(1 − λ)`: the model's share in a context the document has seen.
    keep: f32,
    /// The class bit ([`class::TRAD`] or [`class::SIMP`]) of the script the document does not
    /// write in, or 0 when it shows neither more.
    other_script: u8,
    /// Whether the document's punctuation was folded to ASCII before a byte shift damaged it, so
    /// that an ASCII mark inside a span may stand for a fullwidth one (set by the `byteshift`
    /// stage, which decides it per document).
    pub(crate) folded_before_shift: bool,
    /// Whether the document shows symbols lost to `?` (see the `byteshift` stage's
    /// `lost_symbols`), so that a run of question marks may stand for them.
    pub(crate) lost_symbols: bool,
    /// The first digit of each number in the counted text, keyed by the two characters after
    /// it, sorted: what [`DocModel::first_digit_before`] reads.
    first_digits: Vec<([char; 2], u8)>,
}

/// A context's counted bigrams: how many, and where its continuations start in
/// [`DocModel::next`] and how many distinct ones there are.
#[derive(Debug, Clone, Copy, Default)]
struct Row {
    n: u32,
    start: u32,
    len: u32,
}

/// log10 cost of a character of the script the document does not write in. The model gives a
/// Traditional character and its Simplified form one id (`國`, `国`), so where the bytes allow
/// both, only the document's script can choose.
pub(crate) const OTHER_SCRIPT: f32 = 2.0;

impl DocModel {
    /// Counts the bigrams of `text` whose two characters both lie outside `excluded` (sorted,
    /// non-overlapping byte ranges: the suspected damage). Ids the model does not know (0) are
    /// not counted.
    pub(crate) fn new(text: &str, excluded: &[(usize, usize)]) -> DocModel {
        let model = Model::get();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut holes = excluded.iter().peekable();
        let mut prev = 0u32;
        let (mut trad, mut simp) = (0usize, 0usize);
        // The first digit of each number whose digit and next two characters lie outside the
        // holes, keyed by those two; the number still waiting for them; whether `c` follows a
        // digit.
        let mut first_digits: Vec<([char; 2], u8)> = Vec::new();
        let mut number: Option<(u8, Option<char>)> = None;
        let mut prev_digit = false;
        for (i, c) in text.char_indices() {
            while holes.peek().is_some_and(|&&(_, end)| end <= i) {
                holes.next();
            }
            let digit = digit_value(c);
            let after_digit = std::mem::replace(&mut prev_digit, digit.is_some());
            if holes.peek().is_some_and(|&&(start, _)| start <= i) {
                prev = 0;
                number = None;
                continue;
            }
            number = match number {
                Some((first, None)) => Some((first, Some(ascii_digit(c)))),
                Some((first, Some(a))) => {
                    first_digits.push(([a, ascii_digit(c)], first));
                    None
                }
                None => None,
            };
            if let (Some(d), false) = (digit, after_digit) {
                number = Some((d, None));
            }
            let cls = tables::class(c);
            trad += usize::from(cls & class::TRAD != 0);
            simp += usize::from(cls & class::SIMP != 0);
            let id = model.id(c);
            if prev != 0 && id != 0 {
                pairs.push((prev, id));
            }
            prev = id;
        }
        pairs.sort_unstable();
        first_digits.sort_unstable();
        let mut rows = vec![Row::default(); model.vocab_size() as usize];
        let mut next: Vec<(u32, u32)> = Vec::new();
        for &(b, c) in &pairs {
            let Some(row) = rows.get_mut(b as usize) else {
                continue;
            };
            if row.n == 0 {
                row.start = next.len() as u32;
            }
            row.n += 1;
            match next.last_mut() {
                Some(last) if row.len > 0 && last.0 == c => last.1 += 1,
                _ => {
                    next.push((c, 1));
                    row.len += 1;
                }
            }
        }
        DocModel {
            model,
            rows,
            next,
            keep: (1.0 - LAMBDA).log10(),
            other_script: match trad.cmp(&simp) {
                Ordering::Greater => class::SIMP,
                Ordering::Less => class::TRAD,
                Ordering::Equal => 0,
            },
            folded_before_shift: false,
            lost_symbols: false,
            first_digits,
        }
    }

    /// The digit the document's numbers most often start with when the two characters `next`
    /// follow that first digit (`4` before `号线` in a page that names line 4 ten times), if one
    /// digit does so more often than any other. The model has one class for all digits, so only
    /// the document can tell a swallowed one.
    pub(crate) fn first_digit_before(&self, next: [char; 2]) -> Option<char> {
        let next = next.map(ascii_digit);
        let from = self.first_digits.partition_point(|e| e.0 < next);
        let mut counts = [0u32; 10];
        for e in self.first_digits[from..].iter().take_while(|e| e.0 == next) {
            counts[usize::from(e.1)] += 1;
        }
        let best = (0..10).max_by_key(|&d| (counts[d], std::cmp::Reverse(d)))?;
        let unique = counts
            .iter()
            .enumerate()
            .all(|(d, &n)| d == best || n < counts[best]);
        (counts[best] > 0 && unique).then(|| char::from(b'0' + best as u8))
    }

    /// log10 prior of writing `c` in this document: [`OTHER_SCRIPT`] for a character of the
    /// script the document does not write in, 0 otherwise.
    #[inline]
    pub(crate) fn script_cost(&self, c: char) -> f32 {
        if self.other_script != 0 && tables::class(c) & self.other_script != 0 {
            -OTHER_SCRIPT
        } else {
            0.0
        }
    }

    /// log10 P(c | a, b): the embedded trigram, mixed with the document's bigram distribution
    /// after `b` when the document has one.
    #[inline]
    pub(crate) fn logp3_id(&self, a: u32, b: u32, c: u32) -> f32 {
        self.context(a, b).logp(c)
    }

    /// The context `(a, b)` looked up once, in the model and in the document, for scoring many
    /// characters after it: the same values as [`DocModel::logp3_id`].
    #[inline]
    pub(crate) fn context(&self, a: u32, b: u32) -> DocContext<'_> {
        let seen = self.rows.get(b as usize).filter(|r| r.n > 0).map(|row| {
            let start = row.start as usize;
            let cont = self
                .next
                .get(start..start + row.len as usize)
                .unwrap_or(&[]);
            (cont, row.n)
        });
        DocContext {
            model: self.model.context(a, b),
            seen,
            keep: self.keep,
        }
    }
}

/// The value of an ASCII or fullwidth digit.
fn digit_value(c: char) -> Option<u8> {
    ascii_digit(c).to_digit(10).map(|d| d as u8)
}

/// A context `(a, b)` of a [`DocModel`], looked up once (see [`DocModel::context`]).
pub(crate) struct DocContext<'m> {
    model: Context<'m>,
    /// The document's continuations of `b` and their total, when it has any.
    seen: Option<(&'m [(u32, u32)], u32)>,
    keep: f32,
}

impl DocContext<'_> {
    /// log10 P(c | a, b), exactly [`DocModel::logp3_id`]`(a, b, c)`.
    #[inline]
    pub(crate) fn logp(&self, c: u32) -> f32 {
        let base = self.model.logp(c);
        let Some((cont, n)) = self.seen else {
            return base;
        };
        match cont.binary_search_by_key(&c, |&(id, _)| id) {
            Err(_) => base + self.keep,
            Ok(i) => {
                let k = cont[i].1;
                let p = (1.0 - LAMBDA) * 10f32.powf(base) + LAMBDA * k as f32 / n as f32;
                p.log10()
            }
        }
    }
}

impl Deref for DocModel {
    type Target = Model;

    fn deref(&self) -> &Model {
        self.model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_bigrams_gain_and_unseen_ones_pay_the_share() {
        let text = "拉包尔附近有一座火山。";
        let dm = DocModel::new(text, &[]);
        let m = Model::get();
        let id = |c| m.id(c);
        let (a, b, c) = (id('拉'), id('包'), id('尔'));
        assert!(dm.logp3_id(a, b, c) > m.logp3_id(a, b, c));
        // `包` was seen before `尔` only: every other continuation pays log10(1 − λ).
        let other = id('子');
        let diff = dm.logp3_id(a, b, other) - m.logp3_id(a, b, other);
        assert!((diff - (1.0 - LAMBDA).log10()).abs() < 1e-4);
        // A context the document never had is the model's.
        let (x, y) = (id('天'), id('气'));
        assert_eq!(dm.logp3_id(a, x, y), m.logp3_id(a, x, y));
    }

    #[test]
    fn the_script_the_document_does_not_write_in_costs() {
        let hans = DocModel::new("这里的国家公园很大。", &[]);
        assert_eq!(hans.script_cost('國'), -OTHER_SCRIPT);
        assert_eq!(hans.script_cost('国'), 0.0);
        let hant = DocModel::new("這裡的國家公園很大。", &[]);
        assert_eq!(hant.script_cost('国'), -OTHER_SCRIPT);
        assert_eq!(hant.script_cost('國'), 0.0);
        // Characters both scripts share say nothing; neither does damage under repair.
        let neither = DocModel::new("公司", &[]);
        assert_eq!(neither.script_cost('國'), 0.0);
        let excluded = DocModel::new("國家很大", &[(0, 6)]);
        assert_eq!(excluded.script_cost('国'), 0.0);
    }

    #[test]
    fn excluded_ranges_are_not_counted() {
        let text = "甲乙丙丁";
        // Exclude `乙丙` (bytes 3..9): no bigram touches them.
        let dm = DocModel::new(text, &[(3, 9)]);
        assert!(dm.next.is_empty());
        let whole = DocModel::new(text, &[]);
        assert_eq!(whole.next.len(), 3);
    }

    #[test]
    fn the_mixture_stays_a_distribution_per_context() {
        // Over every continuation the model knows, the mixed probabilities sum as the model's do.
        let dm = DocModel::new("一二一三", &[]);
        let m = Model::get();
        let b = m.id('一');
        let a = m.id('\n');
        let (mut mixed, mut plain) = (0f64, 0f64);
        for c in 1..m.vocab_size() {
            mixed += 10f64.powf(f64::from(dm.logp3_id(a, b, c)));
            plain += 10f64.powf(f64::from(m.logp3_id(a, b, c)));
        }
        assert!((mixed - ((1.0 - f64::from(LAMBDA)) * plain + f64::from(LAMBDA))).abs() < 1e-3);
    }
}
