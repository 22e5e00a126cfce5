//! Stage `script`: restores the script the author wrote in.
//!
//! Crawled Simplified pages are often run through a character-level Simplified→Traditional
//! converter. With `--script auto` a document is converted back to Simplified only when it shows
//! converter evidence: Simplified-only characters standing among Traditional ones, the converter's
//! signature (ambiguous characters such as `后`, `云` left alone, their Traditional forms `後`, `雲`
//! never written), or, when that is silent, injected pinyin found by the pinyin stage. A genuinely Traditional document is left alone. Where one Traditional character has several Simplified readings (`著` → `着`/`著`,
//! `乾` → `干`/`乾`) the language model picks the reading that fits the neighbours.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::model::Model;
use crate::options::{ScriptDecision, ScriptMode};
use crate::tables::{self, class};
use crate::text::Replacement;

/// The `script` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Script;

/// log10 margin an alternative reading needs over the usual one.
const ALT_MARGIN: f32 = 0.3;

impl Stage for Script {
    fn kind(&self) -> StageKind {
        StageKind::Script
    }

    fn enabled(&self, doc: &Doc<'_>) -> bool {
        if doc.opts.script == ScriptMode::Keep {
            return false;
        }
        let han = doc.flags.classes & class::HAN != 0;
        han || doc.pinyin_removed > 0 || doc.shifts_repaired > 0
    }

    fn run(&self, text: &str, doc: &mut Doc<'_>, out: &mut Vec<Replacement>) {
        let counts = count(text);
        let (trad, simp) = (counts.trad, counts.simp);
        let decision = match doc.opts.script {
            ScriptMode::Keep => ScriptDecision::Kept,
            ScriptMode::Hans if trad > 0 => ScriptDecision::ToSimplified,
            ScriptMode::Hant if simp > 0 || trad == 0 => ScriptDecision::ToTraditional,
            ScriptMode::Hans | ScriptMode::Hant => ScriptDecision::None,
            ScriptMode::Auto if trad == 0 => ScriptDecision::None,
            ScriptMode::Auto => auto_decision(counts, doc),
        };
        doc.script = decision;
        // Decided here, not asked for: characters Simplified text writes too are the author's.
        let auto = doc.opts.script == ScriptMode::Auto;
        match decision {
            ScriptDecision::ToSimplified => simplify(text, auto, out),
            // A Simplified document converts as a whole; a Traditional one only loses its
            // Simplified-only characters.
            ScriptDecision::ToTraditional if simp >= trad => to_traditional(text, out),
            ScriptDecision::ToTraditional => traditional_leftovers(text, out),
            _ => {}
        }
    }
}

/// Whether `c` (between `prev` and `next`) is a character a character-level converter leaves
/// alone because it has several Traditional forms, one of them itself (后, 云), outside the
/// words where genuine Traditional text uses it too (后 in 皇后, 王后, 后妃; 云 in 云云, 人云亦云).
/// These are the characters that OpenCC's `STCharacters` table lists among their own
/// Traditional forms, where genuine Traditional text prefers another form: in the 3,009
/// Traditional training documents 於 occurs in 2,454 and 于 in 21, 採 in 619 and 采 in 15,
/// 餘 in 435 and 余 in 5, 後 in 2,276 and 后 in 56.
fn left_alone(prev: char, c: char, next: char) -> bool {
    match c {
        '后' => !"皇王太母天封影歌立廢废帝".contains(prev) && !"妃宮宫土羿稷".contains(next),
        '云' => !"云有所詩诗亦曰".contains(prev) && next != '云',
        _ => left_alone_gb2312(prev, c),
    }
}

/// The characters of [`left_alone`] that byte-shift and mojibake garbage is full of too (it is
/// made of GB2312 characters): in a garbled document they count only beside injected pinyin.
fn left_alone_gb2312(prev: char, c: char) -> bool {
    match c {
        '采' => !"風风神文丰豐光".contains(prev),
        '于' | '余' => true,
        _ => false,
    }
}

/// Traditional forms that a character-level converter never writes because it leaves the
/// Simplified character alone (the Simplified character is itself an everyday Traditional
/// character with another meaning: 后 queen, 云 say, 台 platform, 于 a surname, ...), and that
/// genuine Traditional text uses all the time. Sorted, for binary search.
const NEVER_WRITTEN: [char; 33] = [
    '乾', '係', '剋', '幹', '後', '徵', '捲', '採', '摺', '於', '樸', '檯', '準', '瞭', '穀', '範',
    '繫', '纔', '臺', '裏', '裡', '週', '醜', '錶', '隻', '雲', '颱', '餘', '鬆', '鬥', '鹹', '麵',
    '齣',
];

fn never_written(c: char) -> bool {
    NEVER_WRITTEN.binary_search(&c).is_ok()
}

/// Forms that OpenCC's Simplified→Traditional table writes (its standard), each with the form
/// Taiwan and Hong Kong text writes instead. Sorted by the first, for binary search. In the
/// 3,009 Traditional training documents 爲 occurs in 11 and 為 in 2,758, 祕 in 4 and 秘 in 209,
/// 啓 in 2 and 啟 in 149, 僞 and 衆 in none (偽 in 122, 眾 in 376); Simplified text run through
/// the converter writes them for 为, 秘, 启, 伪 and 众, among its most frequent characters.
const CONVERTER_FORMS: [(char, char); 5] = [
    ('僞', '偽'),
    ('啓', '啟'),
    ('爲', '為'),
    ('祕', '秘'),
    ('衆', '眾'),
];

/// 1 if `c` is one of [`CONVERTER_FORMS`], -1 if it is the regional form of one, else 0 (one
/// pass over the pairs: [`count`] asks for every non-ASCII character).
fn converter_form(c: char) -> isize {
    CONVERTER_FORMS
        .iter()
        .find_map(|&(own, regional)| {
            if c == own {
                Some(1)
            } else if c == regional {
                Some(-1)
            } else {
                None
            }
        })
        .unwrap_or(0)
}

/// Corner quotes: usual in Traditional text, but Simplified text from encyclopedias uses them
/// too, and a converter passes them through; however many a document has, they count as one
/// never-written form. (On the Simplified training split, counting each quote left 165 of 4,882
/// documents looking genuinely Traditional after conversion, counting them once 49; on the
/// Traditional split the decisions do not change.)
fn corner_quote(c: char) -> bool {
    matches!(c, '「' | '」' | '『' | '』')
}

/// Decides whether a document with Traditional characters came out of a Simplified→Traditional
/// converter. Simplified-only characters among Traditional ones say yes. Otherwise the converter's
/// signature decides: it leaves ambiguous characters such as `后` and `云` alone and so never
/// writes `後` or `雲`, which genuine Traditional text is full of. When neither kind of character
/// occurs, injected pinyin or repaired byte shifts (the damage of the same crawling pipeline)
/// tip the balance.
fn auto_decision(n: Counts, doc: &Doc<'_>) -> ScriptDecision {
    let (trad, simp) = (n.trad, n.simp);
    if simp >= trad {
        // Mostly Simplified: spun text has a share of Traditional characters swapped in; a stray
        // one (a name, a variant such as 伕) is the author's.
        return if trad >= 3 || (trad >= 2 && trad * 50 >= simp) {
            ScriptDecision::ToSimplified
        } else {
            ScriptDecision::None
        };
    }
    // Simplified-only characters among Traditional ones are a converter's leftovers, unless the
    // document was also byte-shifted or mis-decoded: garbage is full of GB2312 (Simplified)
    // characters, and a repair may have missed some. There they count only beside injected
    // pinyin, the crawling pipeline's other mark.
    let garbled = doc.shifts_repaired > 0 || doc.mojibake_repaired > 0;
    if simp >= 3 && (!garbled || doc.pinyin_removed > 0) {
        return ScriptDecision::ToSimplified;
    }
    let left_alone = if garbled && doc.pinyin_removed == 0 {
        n.left_alone - n.left_alone_gb2312
    } else {
        // OpenCC's own forms outnumbering the regional ones are its signature too (garbage
        // decoded as GBK may hold them).
        n.left_alone + n.converter_forms.max(0) as usize
    };
    let converted = match left_alone.cmp(&n.never_written) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        // (Simplified characters in a garbled document may be leftovers or guesses of a repair.)
        std::cmp::Ordering::Equal => doc.pinyin_removed > 0 || simp > 0 && !garbled,
    };
    if converted {
        ScriptDecision::ToSimplified
    } else {
        ScriptDecision::KeptTraditional
    }
}

/// What one pass over a document counts for the script decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Traditional-only characters.
    pub trad: usize,
    /// Simplified-only characters (not beside codec debris).
    pub simp: usize,
    /// `后`, `云`, `于`, ... outside the words genuine Traditional text uses them in (see
    /// `left_alone`).
    pub left_alone: usize,
    /// Those of them that garbage is made of too (see `left_alone_gb2312`).
    pub left_alone_gb2312: usize,
    /// Forms a character-level converter never writes (see `NEVER_WRITTEN`; corner quotes
    /// count once, see `corner_quote`).
    pub never_written: usize,
    /// OpenCC's standard forms (`爲`, `衆`, ...) less the regional forms of the same characters
    /// (`為`, `眾`, ...); see `CONVERTER_FORMS`.
    pub converter_forms: isize,
}

/// Whether `c` looks like the debris of a codec error (a rare character, a symbol or kana, U+FFFD):
/// a Simplified-only character beside such debris is more likely garbage than a converter's
/// leftover, and does not count as evidence.
fn debris(c: char) -> bool {
    !c.is_ascii() && {
        let k = tables::class(c);
        k & class::RARE != 0 || k & (class::HAN | class::CJK_PUNCT) == 0
    }
}

/// Counts every script signal of `text` in one pass.
pub fn count(text: &str) -> Counts {
    let mut n = Counts::default();
    let mut corner = false;
    let (mut prev, mut cur) = ('\n', '\n');
    for next in text.chars().chain(std::iter::once('\n')) {
        if !cur.is_ascii() {
            let k = tables::class(cur);
            n.trad += (k & class::TRAD != 0) as usize;
            n.simp += (k & class::SIMP != 0 && !debris(prev) && !debris(next)) as usize;
            n.left_alone += left_alone(prev, cur, next) as usize;
            n.left_alone_gb2312 += left_alone_gb2312(prev, cur) as usize;
            n.never_written += never_written(cur) as usize;
            n.converter_forms += converter_form(cur);
            corner |= corner_quote(cur);
        }
        (prev, cur) = (cur, next);
    }
    n.never_written += corner as usize;
    n
}

/// Traditional characters that Simplified text writes in its own right and that no OpenCC table
/// (characters, phrases, regional variants) writes for another character, so that in a document
/// converted back by `--script auto` they are the author's: `牠` (it, of an animal) occurs 194
/// times in the Simplified training split, and a converter writes `它` for `它`. It is the only
/// such character seen 20 times or more there (the threshold at which the model gives a character
/// its own token). `--script hans` converts them too.
const AUTHORS_OWN: [char; 1] = ['牠'];

/// Converts every character with a Simplified form, grouping edits into runs.
pub fn to_simplified(text: &str, out: &mut Vec<Replacement>) {
    simplify(text, false, out);
}

/// [`to_simplified`]; with `auto` (the stage decided to convert, the user did not ask), the
/// characters of [`AUTHORS_OWN`] stay.
fn simplify(text: &str, auto: bool, out: &mut Vec<Replacement>) {
    let model = Model::get();
    let mut runs = Runs::new(
        text,
        out,
        0.95,
        "Traditional characters from a converter, back to Simplified",
    );
    let (mut prev2, mut prev) = (model.id('\n'), model.id('\n'));
    let mut phrases = PhraseCursor::new(tables::t2s_phrase);
    for (i, c) in text.char_indices() {
        let chosen = match (phrases.at(&text[i..]), tables::t2s(c)) {
            (Some(p), _) => p,
            (None, Some(_)) if auto && AUTHORS_OWN.contains(&c) => c,
            (None, Some(cands)) if cands.len() == 1 => cands[0],
            (None, Some(cands)) => {
                let mut ahead = text[i + c.len_utf8()..].chars();
                let next = ahead.next().unwrap_or('\n');
                let next2 = ahead.next().unwrap_or('\n');
                choose(model, (prev2, prev), cands, (next, next2))
            }
            (None, None) => c,
        };
        (prev2, prev) = (prev, model.id(chosen));
        runs.push(i, c, chosen);
    }
    runs.finish();
}

/// Picks among Simplified readings with the trigram model over two characters of context on
/// each side; the usual reading wins unless another is clearly better.
fn choose(model: &Model, (p2, p1): (u32, u32), cands: &[char], (n1, n2): (char, char)) -> char {
    let (n1, n2) = (model.id(n1), model.id(n2));
    let score = |c: char| {
        let id = model.id(c);
        model.logp3_id(p2, p1, id) + model.logp3_id(p1, id, n1) + model.logp3_id(id, n1, n2)
    };
    let usual = score(cands[0]);
    let mut best = (cands[0], usual);
    for &c in &cands[1..] {
        let s = score(c);
        if s > best.1 && s > usual + ALT_MARGIN {
            best = (c, s);
        }
    }
    best.0
}

/// Where a text is inside a phrase of a conversion dictionary, the character the phrase writes
/// there (`計畫` → `计划`: `畫` is `划` in it).
struct PhraseCursor {
    /// The longest phrase a text starts with, and its conversion.
    lookup: fn(&str) -> Option<(&'static str, &'static str)>,
    /// The current phrase's converted characters still to write.
    pending: std::str::Chars<'static>,
}

impl PhraseCursor {
    fn new(lookup: fn(&str) -> Option<(&'static str, &'static str)>) -> Self {
        PhraseCursor {
            lookup,
            pending: "".chars(),
        }
    }

    /// The phrase's character at the start of `rest`, the text from the next character on
    /// (called once per character, in order).
    fn at(&mut self, rest: &str) -> Option<char> {
        if self.pending.as_str().is_empty() {
            if let Some((_, to)) = (self.lookup)(rest) {
                self.pending = to.chars();
            }
        }
        self.pending.next()
    }
}

/// Consecutive converted characters, grouped into one edit per run.
struct Runs<'a, 'o> {
    text: &'a str,
    out: &'o mut Vec<Replacement>,
    confidence: f32,
    reason: &'static str,
    /// The run being built: its byte range in `text` and what replaces it.
    run: Option<(usize, usize, String)>,
}

impl<'a, 'o> Runs<'a, 'o> {
    fn new(
        text: &'a str,
        out: &'o mut Vec<Replacement>,
        confidence: f32,
        reason: &'static str,
    ) -> Self {
        Runs {
            text,
            out,
            confidence,
            reason,
            run: None,
        }
    }

    /// `c` at byte `i` of the text is written `chosen`.
    fn push(&mut self, i: usize, c: char, chosen: char) {
        if chosen == c {
            self.flush();
            return;
        }
        if self.run.as_ref().is_some_and(|r| r.1 != i) {
            self.flush();
        }
        let r = self.run.get_or_insert_with(|| (i, i, String::new()));
        r.1 = i + c.len_utf8();
        r.2.push(chosen);
    }

    fn flush(&mut self) {
        if let Some((start, end, s)) = self.run.take() {
            if start < end && self.text[start..end] != s {
                self.out.push(Replacement::new(
                    start,
                    end,
                    s,
                    self.confidence,
                    self.reason,
                ));
            }
        }
    }

    fn finish(mut self) {
        self.flush();
    }
}

/// Converts Simplified text to Traditional as a whole, as OpenCC's `s2t` does: the longest of
/// its phrases first (`头发` → `頭髮`, `皇后` keeps `后`), every other character to its usual
/// Traditional form (`于` → `於`, `后` → `後`). The edits are grouped into runs.
pub fn to_traditional(text: &str, out: &mut Vec<Replacement>) {
    let mut runs = Runs::new(text, out, 0.9, "Simplified text, to Traditional");
    let mut phrases = PhraseCursor::new(tables::s2t_phrase);
    for (i, c) in text.char_indices() {
        let chosen = match (phrases.at(&text[i..]), tables::s2t(c)) {
            (Some(p), _) => p,
            (None, Some(cands)) => cands[0],
            (None, None) => c,
        };
        runs.push(i, c, chosen);
    }
    runs.finish();
}

/// Converts the Simplified-only characters of a Traditional document to their usual
/// Traditional form, and nothing else (`于`, `后`, `台` are Traditional characters too).
pub fn traditional_leftovers(text: &str, out: &mut Vec<Replacement>) {
    for (i, c) in text.char_indices() {
        if let Some(cands) = tables::s2t(c) {
            if !cands.contains(&c) {
                out.push(Replacement::new(
                    i,
                    i + c.len_utf8(),
                    cands[0].to_string(),
                    0.9,
                    "Simplified character, to Traditional",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Options;
    use crate::scan::Flags;

    #[test]
    fn never_written_forms_are_sorted() {
        assert!(NEVER_WRITTEN.windows(2).all(|w| w[0] < w[1]));
        assert!(never_written('後') && never_written('樸') && !never_written('后'));
    }

    #[test]
    fn opencc_standard_forms_are_a_converter_signature() {
        assert!(CONVERTER_FORMS.windows(2).all(|w| w[0].0 < w[1].0));
        let opts = Options::default();
        let doc = Doc::new(&opts, Flags::default(), "");
        let decide = |text: &str| auto_decision(count(text), &doc);
        // No Simplified character, no `后` left alone: only OpenCC's `爲` and `衆` tell.
        assert_eq!(
            decide("本條例爲保障衆人權益而制定。"),
            ScriptDecision::ToSimplified
        );
        // Taiwan's forms, or more of them than of OpenCC's: genuine Traditional text.
        assert_eq!(
            decide("本條例為保障眾人權益而制定。"),
            ScriptDecision::KeptTraditional
        );
        assert_eq!(
            decide("本條例為保障眾人權益，爲此制定。"),
            ScriptDecision::KeptTraditional
        );
        // A form the converter never writes outweighs one of its own.
        assert_eq!(
            decide("本條例爲保障人民權益，於公布後施行。"),
            ScriptDecision::KeptTraditional
        );
    }

    /// `text` after the script stage alone, with `opts`.
    fn run_stage(opts: &Options, text: &str) -> String {
        crate::text::apply_with(text, |t, out| {
            let mut doc = Doc::new(opts, crate::scan::scan(t), t);
            Script.run(t, &mut doc, out);
        })
    }

    #[test]
    fn a_document_converted_back_keeps_the_author_s_own_traditional_characters() {
        let hans = Options {
            script: ScriptMode::Hans,
            ..Options::default()
        };
        for (opts, it) in [(Options::default(), '牠'), (hans, '它')] {
            let fix = |text: &str| run_stage(&opts, text);
            // A converter's output (its `爲` and `衆`), and mostly Simplified text with
            // Traditional characters swapped in: `牠` was the author's, unless asked otherwise.
            assert_eq!(
                fix("我爲牠取了名字，衆人都說好"),
                format!("我为{it}取了名字，众人都说好")
            );
            assert_eq!(
                fix("我们为牠取了名字，众人都说这个名字很好聽，很適合"),
                format!("我们为{it}取了名字，众人都说这个名字很好听，很适合")
            );
        }
    }

    #[test]
    fn phrases_convert_as_words_where_characters_alone_would_not() {
        let fix = |text: &str| crate::text::apply_with(text, to_simplified);
        // `畫` alone is `画`, `覆` and `乾` stay themselves, `瞭` is `了` only in words.
        assert_eq!(
            fix("這項計畫在乾隆年間提出，我們瞭解之後回覆了他。"),
            "这项计划在乾隆年间提出，我们了解之后回复了他。"
        );
        // Outside the phrases the characters convert as before; OpenCC's surname phrase `於單`
        // is not one of them (`於單位` is `于单位`).
        assert_eq!(fix("牆上的畫很美"), "墙上的画很美");
        assert_eq!(fix("屬於單位所有"), "属于单位所有");
        // A phrase at the very end of the text, and one right after another.
        assert_eq!(fix("反覆計畫"), "反复计划");
    }

    #[test]
    fn simplified_text_converts_to_traditional_with_phrases() {
        let opts = Options {
            script: ScriptMode::Hant,
            ..Options::default()
        };
        let fix = |text: &str| run_stage(&opts, text);
        // Characters that are Traditional too (`于`, `后`, `万`) convert in Simplified text; a
        // phrase converts as a word (`头发`, `皇后`), and `说明` is read before `明了` could be.
        assert_eq!(
            fix("以后他说明了皇后的头发于是剪短了一万次"),
            "以後他說明了皇后的頭髮於是剪短了一萬次"
        );
        // A Traditional document loses its Simplified-only characters and nothing else.
        assert_eq!(fix("于先生後來在臺灣学習"), "于先生後來在臺灣學習");
    }

    #[test]
    fn simplified_leftovers_count_only_in_ungarbled_documents() {
        let opts = Options::default();
        let counts = Counts {
            trad: 40,
            simp: 5,
            left_alone: 0,
            left_alone_gb2312: 0,
            never_written: 1,
            converter_forms: 0,
        };
        let mut doc = Doc::new(&opts, Flags::default(), "");
        assert_eq!(auto_decision(counts, &doc), ScriptDecision::ToSimplified);
        // After a byte-shift repair the Simplified characters may be garbage left over.
        doc.shifts_repaired = 1;
        assert_eq!(auto_decision(counts, &doc), ScriptDecision::KeptTraditional);
        // Injected pinyin is the crawling pipeline's mark: then they count again.
        doc.pinyin_removed = 3;
        assert_eq!(auto_decision(counts, &doc), ScriptDecision::ToSimplified);
        // With no signature either way, one Simplified character tips an ungarbled document,
        // not a repaired one (it may be a repair's guess).
        let one = Counts {
            simp: 1,
            never_written: 0,
            ..counts
        };
        let mut doc = Doc::new(&opts, Flags::default(), "");
        assert_eq!(auto_decision(one, &doc), ScriptDecision::ToSimplified);
        doc.mojibake_repaired = 2;
        assert_eq!(auto_decision(one, &doc), ScriptDecision::KeptTraditional);
    }
}
