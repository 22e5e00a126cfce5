//! Stage `punct`: ASCII punctuation where the author wrote fullwidth.
//!
//! Crawlers and converters fold `，：；！？` to `,:;!?`. With `--punct auto` an ASCII mark becomes
//! fullwidth when a Han character or a CJK punctuation mark stands right before or after it
//! (`24日,习近平` → `24日，习近平`, `1/6;高` → `1/6；高`). Between Latin letters or digits on both
//! sides it stays (`3,000`, `v1.2: fix`, `22:08:32`), and so does the syntax of MediaWiki's
//! language-conversion markup (`-{zh-hans:计算机;zh-tw:電腦;}-`), which wiki-derived text keeps.
//!
//! Brackets are ASCII in much clean Chinese text, so `(` and `)` are widened only in a document
//! whose punctuation was folded as a whole: at least [`FOLDED_MIN`] ASCII marks beside Chinese
//! text and at most one fullwidth form per [`FOLDED_RATIO`] of them (a damaged span may decode
//! to a stray fullwidth form). Of 7,891 clean training documents, 10 qualify, all legal texts
//! written with ASCII punctuation throughout. There a bracket pair on one line becomes
//! `（…）` when it encloses Chinese text or follows it, which is how 85 % of such pairs in the
//! Simplified training split are written (`（一）`, `县（市）`), or when it follows a Latin word
//! or a number and Chinese text follows it (`K9R（1581）及`); a pinyin gloss (`行(háng)`)
//! and a pair with Latin or digits on both sides (`(1250-1316)` after a space) stay ASCII.
//!
//! Folding also turns the ideographic space U+3000 into an ASCII space. Whether the author wrote
//! one depends on the convention of the text (`第 1 條　本辦法` in Taiwan's laws, `第六十条 违反`
//! in the mainland's), so in a folded document a run of spaces between Chinese text (or
//! indenting a line of it) becomes U+3000 only where the model prefers that reading by
//! [`SPACE_MARGIN`].

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::model::Model;
use crate::options::PunctMode;
use crate::tables;
use crate::text::Replacement;

/// The `punct` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Punct;

impl Stage for Punct {
    fn kind(&self) -> StageKind {
        StageKind::Punct
    }

    fn enabled(&self, doc: &Doc<'_>) -> bool {
        doc.opts.punct == PunctMode::Auto && doc.flags.ascii_punct
    }

    fn run(&self, text: &str, doc: &mut Doc<'_>, out: &mut Vec<Replacement>) {
        if doc.folded {
            widen_folded(text, Some(Model::get()), out);
        } else {
            widen(text, out);
        }
    }
}

/// ASCII marks beside Chinese text a document needs before it counts as folded.
pub const FOLDED_MIN: usize = 2;
/// ASCII marks beside Chinese text per fullwidth form, at least, in a folded document.
pub const FOLDED_RATIO: usize = 8;

/// Whether `text`'s fullwidth punctuation looks folded to ASCII as a whole.
pub fn looks_folded(text: &str) -> bool {
    let (mut ascii, mut wide) = (0usize, 0usize);
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
            wide += 1;
        } else if fullwidth(c).is_some() && (is_cjk(prev) || is_cjk(chars.peek().copied())) {
            ascii += 1;
        }
        prev = Some(c);
    }
    ascii >= FOLDED_MIN && wide * FOLDED_RATIO <= ascii
}

/// Proposes `（` `）` for ASCII bracket pairs on one line that enclose or follow Chinese text, or
/// that follow a Latin word or a number and precede Chinese text (25 of 31 such pairs in the
/// training splits are fullwidth; after a space, 1 of 8).
pub fn widen_brackets(text: &str, out: &mut Vec<Replacement>) {
    const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü";
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(rel) = bytes[from..].iter().position(|&b| b == b'(') {
        let open = from + rel;
        from = open + 1;
        let Some(len) = bytes[open + 1..]
            .iter()
            .position(|&b| matches!(b, b')' | b'(' | b'\n'))
        else {
            break;
        };
        let close = open + 1 + len;
        if bytes[close] != b')' {
            continue;
        }
        let inner = &text[open + 1..close];
        let before = text[..open].chars().next_back();
        let chinese_inside = inner.chars().any(|c| is_cjk(Some(c)));
        // After a Latin word or a number, a pair that Chinese text follows (`K9R(1581)及`).
        let chinese_after = before.is_some_and(|c| c.is_ascii_alphanumeric())
            && is_cjk(text[close + 1..].chars().next());
        if !(chinese_inside || is_cjk(before) || chinese_after)
            || inner.chars().any(|c| TONED.contains(c))
        {
            continue;
        }
        for (at, wide) in [(open, "（"), (close, "）")] {
            out.push(Replacement::new(
                at,
                at + 1,
                wide.to_string(),
                0.85,
                "ASCII bracket in a document whose punctuation was folded",
            ));
        }
        from = close + 1;
    }
    widen_mixed_pairs(text, out);
}

/// Proposes the fullwidth form for an ASCII bracket whose partner on the same line is fullwidth
/// (`（AI)`, `(d 869）`): a repair restored one of the two, folding had made both ASCII.
fn widen_mixed_pairs(text: &str, out: &mut Vec<Replacement>) {
    // One pass: the last bracket seen on the line (the partner of a `)`), and the last `(`
    // still waiting for the next bracket (its partner).
    let (mut last, mut open): (Option<char>, Option<usize>) = (None, None);
    for (at, c) in text.char_indices() {
        match c {
            '\n' => (last, open) = (None, None),
            '(' | ')' | '（' | '）' => {
                if let Some(p) = open.take().filter(|_| c == '）') {
                    out.push(mixed(p, "（"));
                }
                if c == ')' && last == Some('（') {
                    out.push(mixed(at, "）"));
                }
                if c == '(' {
                    open = Some(at);
                }
                last = Some(c);
            }
            _ => {}
        }
    }
}

fn mixed(at: usize, wide: &'static str) -> Replacement {
    Replacement::new(
        at,
        at + 1,
        wide,
        0.9,
        "ASCII bracket paired with a fullwidth one in a document whose punctuation was folded",
    )
}

/// log10 by which the model must prefer ideographic spaces to ASCII ones in a folded document.
pub const SPACE_MARGIN: f32 = 1.0;
/// Longest run of spaces considered for ideographic spaces.
const SPACE_RUN: usize = 4;

/// Proposes U+3000 for runs of ASCII spaces between Chinese text (or before Chinese text at the
/// start of a line) where the model prefers ideographic spaces by [`SPACE_MARGIN`], scored with
/// the two characters on each side. A `(` that `brackets` (sorted one-byte replacements) widens
/// counts as the `（` it becomes: `第 2 條 (刪除)` is `第 2 條　（刪除）` in Taiwan's laws. (The
/// same test for `－／～｜％．` folded to ASCII changed nothing on the training subsets: they are
/// rare beside Chinese text and the model rarely prefers them.)
pub fn widen_spaces(
    text: &str,
    brackets: &[Replacement],
    model: &Model,
    out: &mut Vec<Replacement>,
) {
    let widened = |at: usize| brackets.binary_search_by_key(&at, |r| r.start).is_ok();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(rel) = bytes[from..].iter().position(|&b| b == b' ') {
        let start = from + rel;
        let end = start + bytes[start..].iter().take_while(|&&b| b == b' ').count();
        from = end;
        let run = end - start;
        let mut before = text[..start].chars().rev();
        let (b1, b2) = (before.next(), before.next());
        let line_start = b1.is_none_or(|c| c == '\n');
        let bracket = bytes.get(end) == Some(&b'(') && widened(end);
        if run > SPACE_RUN
            || !(line_start || is_cjk(b1))
            || !(bracket || is_cjk(text[end..].chars().next()))
        {
            continue;
        }
        let (b1, b2) = (b1.unwrap_or('\n'), b2.unwrap_or('\n'));
        let mut after: String = text[end..].chars().take(2).collect();
        if bracket {
            after.replace_range(..1, "（");
        }
        let score = |space: char| {
            let mut s: String = std::iter::repeat_n(space, run).collect();
            s.push_str(&after);
            model.score2(b2, b1, &s)
        };
        let gain = score('\u{3000}') - score(' ');
        if gain >= SPACE_MARGIN {
            out.push(Replacement::new(
                start,
                end,
                "\u{3000}".repeat(run),
                (1.0 - 10f32.powf(-gain)).clamp(0.5, 0.99),
                "ideographic space folded to ASCII in a document whose punctuation was folded",
            ));
        }
    }
}

/// Whether the mark `text[start..end]` stands after spaces that follow Chinese text, with
/// Chinese text or a digit after it (past spaces too): `选民 ,62岁`, `《名门》 , 在`. On the
/// training splits, 8 of the 8 marks written so are fullwidth; with a Latin letter after it
/// (`中文 , English`) the mark is left alone.
fn spaced_from_cjk(text: &str, start: usize, end: usize) -> bool {
    let head = text[..start].trim_end_matches(' ');
    let tail = text[end..].trim_start_matches(' ');
    head.len() < start
        && is_cjk(head.chars().next_back())
        && tail
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || tables::is_chinese(c))
}

/// Lowercase letters after `zh-` in a variant tag of MediaWiki's language-conversion markup
/// (`zh-hans`, `zh-tw`, ...).
const VARIANT_LETTERS: std::ops::RangeInclusive<usize> = 2..=4;

/// Whether the ASCII mark at `i` is syntax of MediaWiki's language-conversion markup, which
/// wiki-derived text keeps (`-{zh-hans:谍中谍;zh-hk:职业特工队;}-`): the `:` after a variant tag
/// that opens a rule (it follows `{`, `;` or `|`), the `;` before the next tag or before the
/// closing `}-`. Widening them breaks the markup; every one of the 86 in the Simplified training
/// split is ASCII.
fn variant_markup(bytes: &[u8], i: usize) -> bool {
    let lowercase = |b: &&u8| b.is_ascii_lowercase();
    match bytes.get(i) {
        Some(b':') => {
            let head = &bytes[..i];
            let n = head.iter().rev().take_while(lowercase).count();
            VARIANT_LETTERS.contains(&n)
                && head[..i - n]
                    .strip_suffix(b"zh-")
                    .is_some_and(|before| matches!(before.last(), Some(b'{' | b';' | b'|')))
        }
        Some(b';') => {
            let rest = &bytes[i + 1..];
            rest.starts_with(b"}-")
                || rest.strip_prefix(b"zh-").is_some_and(|tag| {
                    let n = tag.iter().take_while(lowercase).count();
                    VARIANT_LETTERS.contains(&n) && tag.get(n) == Some(&b':')
                })
        }
        _ => false,
    }
}

/// The fullwidth form of an ASCII mark this stage handles.
pub fn fullwidth(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '!' => '！',
        '?' => '？',
        _ => return None,
    })
}

fn is_cjk(c: Option<char>) -> bool {
    c.is_some_and(tables::is_chinese)
}

/// [`widen_brackets`] in a folded document, sorted by position.
fn folded_brackets(text: &str) -> Vec<Replacement> {
    let mut brackets = Vec::new();
    widen_brackets(text, &mut brackets);
    brackets.sort_by_key(|r| r.start);
    brackets
}

/// [`widen_brackets`] and [`widen`] in a folded document, where a mark beside a bracket that
/// widens is beside Chinese punctuation, and with a `model`, [`widen_spaces`]. `out` is left
/// sorted.
fn widen_folded(text: &str, model: Option<&Model>, out: &mut Vec<Replacement>) {
    let brackets = folded_brackets(text);
    widen_beside(text, &brackets, out);
    if let Some(model) = model {
        widen_spaces(text, &brackets, model, out);
    }
    out.extend(brackets);
    out.sort_by_key(|r| r.start);
}

/// Whether `b` is a mark writers repeat for emphasis (`!!`, `??`, `?!`).
fn emphatic(b: u8) -> bool {
    matches!(b, b'!' | b'?')
}

/// Proposes a replacement for every ASCII mark with CJK text on either side.
pub fn widen(text: &str, out: &mut Vec<Replacement>) {
    widen_beside(text, &[], out);
}

/// [`widen`], where an ASCII bracket that `brackets` (sorted one-byte replacements) widens
/// counts as the CJK mark it becomes: `(今莒县),5万` → `（今莒县），5万`.
fn widen_beside(text: &str, brackets: &[Replacement], out: &mut Vec<Replacement>) {
    let widened = |at: usize| brackets.binary_search_by_key(&at, |r| r.start).is_ok();
    let bytes = text.as_bytes();
    // The run of `!` and `?` the scan is in (or last was in), as a byte range.
    let mut run = (0, 0);
    for (i, &b) in bytes.iter().enumerate() {
        let Some(wide) = fullwidth(b as char) else {
            continue;
        };
        // A run of `!` and `?` (`??`, `?!`) is one mark: each of them is beside what the run is.
        // The run is measured once, at its first mark (the scan goes left to right).
        let (start, end) = if emphatic(b) {
            if i >= run.1 {
                run = (
                    i,
                    i + bytes[i..].iter().take_while(|&&c| emphatic(c)).count(),
                );
            }
            run
        } else {
            (i, i + 1)
        };
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let bracket_before = start > 0 && bytes[start - 1] == b')' && widened(start - 1);
        let bracket_after = bytes.get(end) == Some(&b'(') && widened(end);
        if !(is_cjk(before)
            || is_cjk(after)
            || bracket_before
            || bracket_after
            || spaced_from_cjk(text, start, end))
        {
            continue;
        }
        if variant_markup(bytes, i) {
            continue;
        }
        // A time or a ratio written between digits stays ASCII even beside Han text: `8:30`.
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        if b == b':' && digit(before) && digit(after) {
            continue;
        }
        out.push(Replacement::new(
            i,
            i + 1,
            wide.to_string(),
            0.95,
            "ASCII punctuation beside Chinese text",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> String {
        crate::text::apply_with(text, widen)
    }

    #[test]
    fn widens_beside_han() {
        assert_eq!(apply("24日,习近平"), "24日，习近平");
        assert_eq!(apply("1/6;高"), "1/6；高");
        assert_eq!(apply("精选:"), "精选：");
        assert_eq!(apply("好!"), "好！");
        assert_eq!(apply("“好”,他说"), "“好”，他说");
        // A run of `!` and `?` widens as a whole.
        assert_eq!(apply("真的吗???太好了!!"), "真的吗？？？太好了！！");
        assert_eq!(apply("what?!你说"), "what？！你说");
        assert_eq!(apply("ok?! yes"), "ok?! yes");
    }

    fn apply_brackets(text: &str) -> String {
        crate::text::apply_with(text, |t, out| widen_folded(t, None, out))
    }

    #[test]
    fn folded_documents_are_told_from_mixed_ones() {
        assert!(looks_folded(
            "第一条 为了规范管理,制定本办法。\n(一)报告;(二)记录。"
        ));
        assert!(!looks_folded(
            "第一条 为了规范管理，制定本办法。\n（一）报告;(二)记录。"
        ));
        assert!(!looks_folded("只有一个逗号,其余都没有"));
    }

    #[test]
    fn brackets_widen_around_or_after_chinese_text() {
        assert_eq!(
            apply_brackets("(一)县(市)人民政府,(二)其他部门"),
            "（一）县（市）人民政府，（二）其他部门"
        );
        assert_eq!(
            apply_brackets("塔乌鲁火山(Tavurvur),位于"),
            "塔乌鲁火山（Tavurvur），位于"
        );
        // Latin or digits on both sides, a pinyin gloss, an unclosed bracket: left alone.
        assert_eq!(
            apply_brackets("彼得 (1250-1316),读作行(háng),见(上"),
            "彼得 (1250-1316)，读作行(háng)，见(上"
        );
        // A partner a repair already widened: the pair is made whole.
        assert_eq!(
            apply_brackets("人工智能（AI)计划,生于(d 869）年"),
            "人工智能（AI）计划，生于（d 869）年"
        );
        assert_eq!(apply_brackets("（甲)\n乙)"), "（甲）\n乙)");
        // A mark beside a bracket that widens is beside Chinese punctuation.
        assert_eq!(
            apply_brackets("莒州(今莒县),5万人;书记(市长);2004年"),
            "莒州（今莒县），5万人；书记（市长）；2004年"
        );
        assert_eq!(apply_brackets("彼得 (1250-1316),1"), "彼得 (1250-1316),1");
        // After a Latin word or a number, with Chinese text after the pair; not after a space.
        assert_eq!(
            apply_brackets("比亚迪K9R(1581)及N6105R(1810-1)型,彼得 (1250)生于"),
            "比亚迪K9R（1581）及N6105R（1810-1）型，彼得 (1250)生于"
        );
    }

    fn apply_spaces(text: &str) -> String {
        crate::text::apply_with(text, |t, out| {
            widen_spaces(t, &folded_brackets(t), Model::get(), out)
        })
    }

    #[test]
    fn spaces_become_ideographic_where_the_model_prefers_them() {
        assert_eq!(apply_spaces("第 3 條 本法"), "第 3 條\u{3000}本法");
        // The mainland convention, Latin text, digits: ASCII.
        assert_eq!(apply_spaces("第三条 本法"), "第三条 本法");
        assert_eq!(apply_spaces("第 3 條"), "第 3 條");
        // Before a bracket that widens, as before the `（` it becomes.
        assert_eq!(apply_spaces("第 2 條 (刪除)"), "第 2 條\u{3000}(刪除)");
        assert_eq!(apply_spaces("hello world 你好"), "hello world 你好");
    }

    #[test]
    fn widens_marks_spaced_from_chinese_text() {
        assert_eq!(apply("选民 ,62岁"), "选民 ，62岁");
        assert_eq!(apply("《名门》 , 在上海"), "《名门》 ， 在上海");
        assert_eq!(apply("中文 , English"), "中文 , English");
        assert_eq!(apply("v1 , 2"), "v1 , 2");
    }

    #[test]
    fn leaves_language_conversion_markup() {
        assert_eq!(
            apply("译名-{zh-hans:谍中谍3;zh-hk:职业特工队3;zh-tw:不可能的任务;}-,上映"),
            "译名-{zh-hans:谍中谍3;zh-hk:职业特工队3;zh-tw:不可能的任务;}-，上映"
        );
        assert_eq!(
            apply("-{H|zh-cn:计算机;zh-tw:電腦}-"),
            "-{H|zh-cn:计算机;zh-tw:電腦}-"
        );
        // Not markup: a tag-like word in prose, a `;` before other text.
        assert_eq!(apply("代码zh-hans:简体"), "代码zh-hans：简体");
        assert_eq!(apply("甲;乙"), "甲；乙");
    }

    #[test]
    fn leaves_latin_and_numbers() {
        assert_eq!(apply("3,000 and v1.2: fix"), "3,000 and v1.2: fix");
        assert_eq!(apply("2025年07月01日 22:08:32"), "2025年07月01日 22:08:32");
        assert_eq!(apply("比分3:2"), "比分3:2");
    }
}
