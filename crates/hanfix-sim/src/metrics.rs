//! Character-level distances: Levenshtein by Myers' bit-parallel algorithm (Hyyrö's block
//! formulation, `O(⌈m/64⌉·n)`), and an LCS alignment by the bit-parallel LCS recurrence with
//! stored columns (`O(⌈m/64⌉·n)` time and words) for mapping damaged spans onto the reference.

use std::collections::HashMap;

/// Strips the common prefix and suffix of two character slices.
fn trim<'a>(a: &'a [char], b: &'a [char]) -> (&'a [char], &'a [char], usize) {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (&a[..a.len() - suf], &b[..b.len() - suf], pre)
}

/// Per-character match masks of a pattern, in 64-bit blocks.
struct Peq {
    blocks: usize,
    index: HashMap<char, usize>,
    masks: Vec<u64>,
}

impl Peq {
    fn new(p: &[char]) -> Self {
        let blocks = p.len().div_ceil(64).max(1);
        let mut index = HashMap::new();
        let mut masks = Vec::new();
        for (i, &c) in p.iter().enumerate() {
            let k = *index.entry(c).or_insert_with(|| {
                masks.extend(std::iter::repeat_n(0u64, blocks));
                masks.len() / blocks - 1
            });
            masks[k * blocks + i / 64] |= 1u64 << (i % 64);
        }
        Peq {
            blocks,
            index,
            masks,
        }
    }

    fn get(&self, c: char) -> Option<&[u64]> {
        self.index
            .get(&c)
            .map(|&k| &self.masks[k * self.blocks..(k + 1) * self.blocks])
    }
}

/// Levenshtein distance between `a` and `b` in characters (unit costs).
pub fn levenshtein(a: &[char], b: &[char]) -> usize {
    let (a, b, _) = trim(a, b);
    // The shorter string is the pattern (rows).
    let (p, t) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if p.is_empty() {
        return t.len();
    }
    let m = p.len();
    let peq = Peq::new(p);
    let blocks = peq.blocks;
    let mut pv = vec![!0u64; blocks];
    let mut mv = vec![0u64; blocks];
    let last_bit = 1u64 << ((m - 1) % 64);
    let zero = vec![0u64; blocks];
    let mut score = m;
    for &c in t {
        let eqs = peq.get(c).unwrap_or(&zero);
        // Row 0 is D[0][j] = j: the horizontal delta entering the first block is +1.
        let mut hin: i32 = 1;
        for k in 0..blocks {
            let high = if k == blocks - 1 {
                last_bit
            } else {
                1u64 << 63
            };
            let mut eq = eqs[k];
            let (p_v, m_v) = (pv[k], mv[k]);
            let xv = eq | m_v;
            if hin < 0 {
                eq |= 1;
            }
            let xh = (((eq & p_v).wrapping_add(p_v)) ^ p_v) | eq;
            let mut ph = m_v | !(xh | p_v);
            let mut mh = p_v & xh;
            let hout = if ph & high != 0 {
                1
            } else if mh & high != 0 {
                -1
            } else {
                0
            };
            ph <<= 1;
            mh <<= 1;
            if hin < 0 {
                mh |= 1;
            } else if hin > 0 {
                ph |= 1;
            }
            pv[k] = mh | !(xv | ph);
            mv[k] = ph & xv;
            hin = hout;
        }
        score = (score as i64 + hin as i64) as usize;
    }
    score
}

/// Levenshtein distance between two strings, in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    levenshtein(&a, &b)
}

/// For every character of `a`, the index of the character of `b` it is matched with in a
/// longest common subsequence (or `None`).
pub fn lcs_alignment(a: &[char], b: &[char]) -> Vec<Option<usize>> {
    let mut out = vec![None; a.len()];
    let (ta, tb, pre) = trim(a, b);
    for (i, slot) in out.iter_mut().enumerate().take(pre) {
        *slot = Some(i);
    }
    let suf = a.len() - pre - ta.len();
    for k in 0..suf {
        out[a.len() - 1 - k] = Some(b.len() - 1 - k);
    }
    if ta.is_empty() || tb.is_empty() {
        return out;
    }
    // Rows: ta (bits), columns: tb. V has a zero bit at row i where L(i+1, j) = L(i, j) + 1.
    let m = ta.len();
    let peq = Peq::new(ta);
    let blocks = peq.blocks;
    let zero = vec![0u64; blocks];
    let mut cols: Vec<u64> = Vec::with_capacity((tb.len() + 1) * blocks);
    cols.extend(std::iter::repeat_n(!0u64, blocks));
    for (j, &c) in tb.iter().enumerate() {
        let eqs = peq.get(c).unwrap_or(&zero);
        let mut carry = 0u64;
        for k in 0..blocks {
            let v = cols[j * blocks + k];
            let u = v & eqs[k];
            let (s1, c1) = v.overflowing_add(u);
            let (s2, c2) = s1.overflowing_add(carry);
            carry = (c1 || c2) as u64;
            cols.push(s2 | (v & !u));
        }
    }
    let bit = |j: usize, i: usize| cols[j * blocks + i / 64] >> (i % 64) & 1;
    let (mut i, mut j) = (m, tb.len());
    while i > 0 && j > 0 {
        if ta[i - 1] == tb[j - 1] {
            out[pre + i - 1] = Some(pre + j - 1);
            i -= 1;
            j -= 1;
        } else if bit(j, i - 1) == 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    out
}

/// The part of `clean` that corresponds to `damaged[start..end]` (character offsets) under
/// `alignment` (from [`lcs_alignment`] of damaged against clean): everything between the
/// nearest matched characters outside the span.
pub fn aligned_segment(
    alignment: &[Option<usize>],
    clean_len: usize,
    start: usize,
    end: usize,
) -> (usize, usize) {
    let left = alignment[..start.min(alignment.len())]
        .iter()
        .rev()
        .find_map(|m| *m)
        .map_or(0, |x| x + 1);
    let right = alignment[end.min(alignment.len())..]
        .iter()
        .find_map(|m| *m)
        .unwrap_or(clean_len);
    (left, right.max(left))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i; b.len() + 1];
            for j in 1..=b.len() {
                let sub = prev[j - 1] + (a[i - 1] != b[j - 1]) as usize;
                cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    fn lcs_len(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let al = lcs_alignment(&a, &b);
        let mut last = None;
        let mut n = 0;
        for (i, m) in al.iter().enumerate() {
            if let Some(j) = *m {
                assert_eq!(a[i], b[j]);
                assert!(last.is_none_or(|l| j > l), "alignment not monotone");
                last = Some(j);
                n += 1;
            }
        }
        n
    }

    #[test]
    fn known_distances() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("学习", "学习"), 0);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("學(xué)習", "学习"), 7);
        assert_eq!(distance("", "中文"), 2);
        assert_eq!(distance("鍚堝奖", "合影"), 3);
    }

    #[test]
    fn agrees_with_naive_on_long_random_strings() {
        let mut rng = crate::Rng::new(42);
        let alphabet: Vec<char> =
            "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要abc"
                .chars()
                .collect();
        for round in 0..60 {
            let la = rng.range(0, 300);
            let a: String = (0..la).map(|_| *rng.pick(&alphabet).unwrap()).collect();
            let mut b: Vec<char> = a.chars().collect();
            for _ in 0..rng.range(0, 40 + round) {
                let pos = rng.range(0, b.len());
                match rng.below(3) {
                    0 => b.insert(pos, *rng.pick(&alphabet).unwrap()),
                    1 if pos < b.len() => {
                        b.remove(pos);
                    }
                    _ if pos < b.len() => b[pos] = *rng.pick(&alphabet).unwrap(),
                    _ => {}
                }
            }
            let b: String = b.into_iter().collect();
            assert_eq!(distance(&a, &b), naive(&a, &b), "round {round}");
            assert_eq!(distance(&b, &a), naive(&a, &b), "round {round}");
            // An LCS has length (|a| + |b| - indel distance) / 2; check it against a naive LCS.
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let mut dp = vec![vec![0usize; bc.len() + 1]; ac.len() + 1];
            for i in 1..=ac.len() {
                for j in 1..=bc.len() {
                    dp[i][j] = if ac[i - 1] == bc[j - 1] {
                        dp[i - 1][j - 1] + 1
                    } else {
                        dp[i - 1][j].max(dp[i][j - 1])
                    };
                }
            }
            assert_eq!(lcs_len(&a, &b), dp[ac.len()][bc.len()], "round {round}");
        }
    }

    #[test]
    fn segments_between_anchors() {
        let d: Vec<char> = "我們鍚堝奖很好".chars().collect();
        let c: Vec<char> = "我們合影很好".chars().collect();
        let al = lcs_alignment(&d, &c);
        assert_eq!(aligned_segment(&al, c.len(), 2, 5), (2, 4));
    }
}
