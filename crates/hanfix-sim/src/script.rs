//! Script damage: converter-style Simplified→Traditional (`s2t`), article-spinner variants
//! (`spin`), and fullwidth folding (`fold`).

use std::sync::OnceLock;

use crate::rng::Rng;

/// A Simplified→Traditional candidate table, like [`hanfix::tables::s2t`].
pub type Table = fn(char) -> Option<&'static [char]>;

/// Whether `c` is a Han ideograph (URO, extension A, compatibility, extensions B and later).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Whether hanfix's generated script tables are present (they are stubs until generated).
pub fn tables_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY
        .get_or_init(|| hanfix::tables::s2t('发').is_some() || hanfix::tables::t2s('發').is_some())
}

/// Whether `c` is a Traditional-only character according to hanfix's tables.
pub fn is_traditional_only(c: char) -> bool {
    if hanfix::tables::class(c) & hanfix::tables::class::TRAD != 0 {
        return true;
    }
    matches!(hanfix::tables::t2s(c), Some(cands) if !cands.contains(&c))
}

/// Converter-style Simplified→Traditional with `table`: each character with candidates becomes
/// the first candidate, except ambiguous characters whose candidates include the character
/// itself (`云` [雲, 云] stays `云`, `发` [發, 髮] becomes `發`). `rate` < 1 converts only a share.
pub fn to_traditional_with(text: &str, rate: f64, rng: &mut Rng, table: Table) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match table(c) {
            Some(cands) if !cands.is_empty() && !cands.contains(&c) && rng.chance(rate) => {
                out.push(cands[0])
            }
            _ => out.push(c),
        }
    }
    out
}

/// [`to_traditional_with`] over [`hanfix::tables::s2t`].
pub fn to_traditional(text: &str, rate: f64, rng: &mut Rng) -> String {
    to_traditional_with(text, rate, rng, hanfix::tables::s2t)
}

/// Article-spinner damage.
#[derive(Debug, Clone, PartialEq)]
pub struct SpinParams {
    /// Share of convertible Simplified characters replaced by a Traditional or variant form.
    pub char_rate: f64,
    /// Probability that a known phrase is swapped for the spinner's "synonym".
    pub phrase_rate: f64,
}

impl Default for SpinParams {
    fn default() -> Self {
        SpinParams {
            char_rate: 0.15,
            phrase_rate: 0.5,
        }
    }
}

/// Over-conversions spinners and careless converters make even when tables are missing.
const OVERCONVERT: &[(char, char)] = &[
    ('了', '瞭'),
    ('只', '隻'),
    ('后', '後'),
    ('发', '髮'),
    ('面', '麵'),
    ('干', '幹'),
    ('里', '裏'),
    ('系', '係'),
    ('台', '檯'),
    ('表', '錶'),
];

/// Word-for-word "synonym" swaps typical of spun articles.
const PHRASES: &[(&str, &str)] = &[
    ("不能", "不克不及"),
    ("通过", "经由过程"),
    ("可以", "可以或许"),
    ("目前", "今朝"),
    ("因此", "是以"),
    ("问题", "成绩"),
    ("非常", "异常"),
    ("创始人", "开创人"),
    ("联合", "结合"),
    ("需要", "须要"),
    ("提高", "进步"),
    ("方法", "办法"),
];

fn variant(c: char, rng: &mut Rng, table: Table) -> Option<char> {
    let mut cands: Vec<char> = table(c)
        .map(|s| s.iter().copied().filter(|&t| t != c).collect())
        .unwrap_or_default();
    if let Some(&(_, v)) = OVERCONVERT.iter().find(|(s, _)| *s == c) {
        if !cands.contains(&v) {
            cands.push(v);
        }
    }
    rng.pick(&cands).copied()
}

/// Replaces a share of characters by Traditional or variant forms (including wrong ones for
/// ambiguous characters: `了`→`瞭`) and swaps some phrases for spinner synonyms.
pub fn spin_with(text: &str, p: &SpinParams, rng: &mut Rng, table: Table) -> String {
    let mut phrased = String::with_capacity(text.len() * 2);
    let mut rest = text;
    'outer: while let Some(c) = rest.chars().next() {
        for (from, to) in PHRASES {
            if rest.starts_with(from) && rng.chance(p.phrase_rate) {
                phrased.push_str(to);
                rest = &rest[from.len()..];
                continue 'outer;
            }
        }
        phrased.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let mut out = String::with_capacity(phrased.len());
    for c in phrased.chars() {
        if is_han(c) && rng.chance(p.char_rate) {
            if let Some(v) = variant(c, rng, table) {
                out.push(v);
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// [`spin_with`] over [`hanfix::tables::s2t`].
pub fn spin(text: &str, p: &SpinParams, rng: &mut Rng) -> String {
    spin_with(text, p, rng, hanfix::tables::s2t)
}

/// Folds fullwidth ASCII-range characters U+FF01–U+FF5E to ASCII and the ideographic space to a
/// space.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tiny stand-in table for tests that must not depend on generated data.
    pub fn toy_table(c: char) -> Option<&'static [char]> {
        match c {
            '云' => Some(&['雲', '云']),
            '后' => Some(&['後', '后']),
            '发' => Some(&['發', '髮']),
            '学' => Some(&['學']),
            '习' => Some(&['習']),
            '国' => Some(&['國']),
            '会' => Some(&['會']),
            '说' => Some(&['說']),
            '这' => Some(&['這']),
            '们' => Some(&['們']),
            '时' => Some(&['時']),
            '个' => Some(&['個']),
            _ => None,
        }
    }

    #[test]
    fn s2t_leaves_self_ambiguous_characters() {
        let mut rng = Rng::new(1);
        assert_eq!(
            to_traditional_with("云后发学习", 1.0, &mut rng, toy_table),
            "云后發學習"
        );
    }

    #[test]
    fn fold_maps_fullwidth_range() {
        assert_eq!(fold("你好，世界！（Ａ１）\u{3000}。"), "你好,世界!(A1) 。");
    }

    #[test]
    fn spin_changes_text() {
        let mut rng = Rng::new(5);
        let p = SpinParams {
            char_rate: 1.0,
            phrase_rate: 1.0,
        };
        let s = spin_with("我们不能只看发展", &p, &mut rng, toy_table);
        assert!(s.contains("不克不及"), "{s}");
        assert!(s.contains('隻') && s.contains('們'), "{s}");
    }
}
