//! Stage `pinyin`: removes dictionary pinyin injected after characters.
//!
//! Converters that annotate text put a reading right after a character: `學(xué)`, `會(huì )`,
//! `的(de)(de)`, `中(zhong1)`. An annotation is removable when its syllable is a dictionary reading
//! of the character before it (any heteronym, of the character's Simplified or Traditional form;
//! tone marks, tone numbers or no tone; `ü` as `v`; stray spaces; repeats). Whether a document is
//! annotated at all is decided once per document: injected annotations sit between the characters
//! of words, so a document needs at least two annotations glued between Han characters (or one
//! plus other converter evidence). A lone gloss in teaching text (`读作“行(háng)”`) stays.

use pinyin::ToPinyinMulti;

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::tables::{self, class};
use crate::text::Replacement;

/// The `pinyin` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pinyin;

impl Stage for Pinyin {
    fn kind(&self) -> StageKind {
        StageKind::Pinyin
    }

    fn enabled(&self, doc: &Doc<'_>) -> bool {
        doc.opts.pinyin && doc.flags.paren
    }

    fn run(&self, text: &str, doc: &mut Doc<'_>, out: &mut Vec<Replacement>) {
        let found = find_annotations(text);
        if found.is_empty() {
            return;
        }
        let glued = found.iter().filter(|a| a.glued).count();
        let evidence = doc.shifts_repaired > 0 || doc.flags.classes & class::TRAD != 0;
        let quoted = found.iter().filter(|a| a.quoted).count();
        if !(glued >= 2 || (evidence && found.len() > quoted)) {
            return;
        }
        // A space between an annotation and the next Han character is part of the injection only
        // where most annotations carry one; otherwise it is the author's (`第五条 违反`).
        let spaced = found.iter().filter(|a| a.space).count();
        let spaces_injected = spaced * 2 > found.iter().filter(|a| a.glued).count();
        for a in &found {
            let end = if a.space && !spaces_injected {
                a.end - 1
            } else {
                a.end
            };
            out.push(Replacement::new(
                a.start,
                end,
                "",
                0.99,
                "dictionary reading injected after a character",
            ));
        }
        doc.pinyin_removed += found.len();
    }
}

/// One run of annotations after a character: `(xué)` or `(de)(de) `.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annotation {
    /// Byte offset of the first `(`.
    pub start: usize,
    /// Byte offset after the last `)` (and a trailing space, if any).
    pub end: usize,
    /// Whether `end` includes a space between the last `)` and a Han character.
    pub space: bool,
    /// Whether a Han character follows (after that space, if any), i.e. the annotation sits
    /// inside a word.
    pub glued: bool,
    /// Whether the annotated character stands in quotes, as a gloss in teaching text does.
    pub quoted: bool,
}

/// Finds every annotation run whose syllables are readings of the character before it.
pub fn find_annotations(text: &str) -> Vec<Annotation> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut search = 0;
    while let Some(rel) = memchr_paren(&bytes[search..]) {
        let open = search + rel;
        search = open + 1;
        let Some(prev) = text[..open].chars().next_back() else {
            continue;
        };
        if tables::class(prev) & class::HAN == 0 {
            continue;
        }
        let mut end = open;
        let mut count = 0;
        while let Some((syl, after)) = parse_group(text, end) {
            if !is_reading(prev, syl) {
                break;
            }
            end = after;
            count += 1;
        }
        if count == 0 {
            continue;
        }
        // A stray space after the group belongs to the annotation when Han text follows.
        let next = text[end..].chars().next();
        let next_is_han = |c: Option<char>| c.is_some_and(tables::is_han);
        let space = next == Some(' ') && next_is_han(text[end + 1..].chars().next());
        if space {
            end += 1;
        }
        let glued = next_is_han(text[end..].chars().next());
        let opens = |c: Option<char>| c.is_some_and(|c| "“「『‘《".contains(c));
        let closes = |c: Option<char>| c.is_some_and(|c| "”」』’》".contains(c));
        let quoted = opens(text[..open - prev.len_utf8()].chars().next_back())
            || closes(text[end..].chars().next());
        found.push(Annotation {
            start: open,
            end,
            space,
            glued,
            quoted,
        });
        search = end;
    }
    found
}

fn memchr_paren(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'(')
}

/// Longest inside of an annotation group, in bytes (`(zhuàng )` is 9).
const MAX_GROUP: usize = 12;

/// Parses `(syllable)` at `at` (spaces allowed inside); returns the syllable and the end offset.
fn parse_group(text: &str, at: usize) -> Option<(&str, usize)> {
    let rest = text.get(at..)?;
    let inner_start = rest.strip_prefix('(')?;
    // A syllable is short: looking further for the `)` would make a text of unclosed `(` cost
    // quadratic time.
    let close = inner_start
        .bytes()
        .take(MAX_GROUP + 1)
        .position(|b| b == b')')?;
    let inner = &inner_start[..close];
    if inner.is_empty() || inner.len() > MAX_GROUP {
        return None;
    }
    let syl = inner.trim_matches(' ');
    if syl.is_empty() || !syl.chars().all(is_pinyin_char) {
        return None;
    }
    Some((syl, at + 1 + close + 1))
}

fn is_pinyin_char(c: char) -> bool {
    c.is_ascii_alphabetic()
        || ('1'..='5').contains(&c)
        || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ".contains(c)
}

/// Whether `syl` is a dictionary reading of `c` or of its other-script forms.
pub fn is_reading(c: char, syl: &str) -> bool {
    let syl = normalize(syl);
    let style = if syl.ends_with(|d: char| d.is_ascii_digit()) {
        Style::Num
    } else if syl.contains(|c: char| !c.is_ascii() && c != 'ü') {
        // Tone marks (a bare `ü` is toneless: `lü`).
        Style::Tone
    } else {
        Style::Plain
    };
    let check = |ch: char| -> bool {
        let Some(multi) = ch.to_pinyin_multi() else {
            return false;
        };
        multi.into_iter().any(|p| {
            let r = match style {
                Style::Tone => p.with_tone(),
                Style::Num => p.with_tone_num_end(),
                Style::Plain => p.plain(),
            };
            normalize(r) == syl
                || (style == Style::Num
                    && syl.strip_suffix('5') == Some(normalize(p.plain()).as_ref()))
        })
    };
    if check(c) {
        return true;
    }
    let others = tables::t2s(c)
        .into_iter()
        .flatten()
        .chain(tables::s2t(c).into_iter().flatten());
    others.copied().any(check)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Tone,
    Num,
    Plain,
}

fn normalize(s: &str) -> std::borrow::Cow<'_, str> {
    // Readings from the dictionary are already in this form: no allocation for them.
    if !s.contains(|c: char| c.is_uppercase() || c == 'v' || c == ':') {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.to_lowercase().replace("u:", "ü").replace('v', "ü"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_in_every_style() {
        assert!(is_reading('學', "xué"));
        assert!(is_reading('学', "xue2"));
        assert!(is_reading('的', "de"));
        assert!(is_reading('的', "dì"));
        assert!(is_reading('女', "nv3"));
        assert!(is_reading('女', "nǚ"));
        // Toneless `ü`, spelt either way.
        assert!(is_reading('女', "nü"));
        assert!(is_reading('律', "lü"));
        assert!(is_reading('略', "lüe"));
        assert!(is_reading('绿', "lv"));
        assert!(!is_reading('學', "xíng"));
        assert!(!is_reading('學', "hello"));
    }

    #[test]
    fn finds_runs_with_spaces_and_repeats() {
        let t = "會(huì )晤的(de)(de)人";
        let a = find_annotations(t);
        assert_eq!(a.len(), 2);
        assert_eq!(&t[a[0].start..a[0].end], "(huì )");
        assert_eq!(&t[a[1].start..a[1].end], "(de)(de)");
        assert!(a.iter().all(|x| x.glued));
    }

    #[test]
    fn a_gloss_that_is_not_a_reading_is_not_found() {
        assert!(find_annotations("蘋果(apple)很好吃").is_empty());
        assert!(find_annotations("价格(2020)上涨").is_empty());
    }

    fn fix(text: &str) -> String {
        crate::stages::run_alone(&Pinyin, text)
    }

    #[test]
    fn a_space_after_annotations_is_removed_only_where_most_carry_one() {
        // The author's space after an article number stays.
        assert_eq!(
            fix("第五条(tiao)(tiao) 违反(fan)本(ben)条例(li)的(de)规定"),
            "第五条 违反本条例的规定"
        );
        // Injected with a space throughout: the spaces go too.
        assert_eq!(fix("违(wei) 反(fan) 本条(tiao) 例"), "违反本条例");
    }
}
