//! Stage `byteshift`: GB18030 spans decoded one byte late.
//!
//! When a reader starts decoding GB18030 one byte late, the lost lead byte shows as `?`, every
//! following pair of bytes straddles two characters (`。“云合影”` reads `?！霸坪嫌啊`), pairs that fall
//! into GBK's user-defined areas vanish, a lead byte before a non-trail ASCII byte becomes `?` and
//! swallows it, and the reading realigns by itself when a trail byte in 0x40–0x7E surfaces as
//! ASCII (`磚` = B4 75 reads `…鸫u`). Fullwidth punctuation is often folded to ASCII afterwards.
//!
//! The stage inverts that process. At each `?` beside Chinese text (or a folded character away
//! from it) it runs a beam search over the original byte stream: the lost byte is unknown (all
//! 126 lead bytes are tried), every damaged character contributes its two GB18030 bytes, and
//! - an ASCII character may be a surfacing trail byte, a folded fullwidth character, or a letter
//!   the last garbage character took as its trail (`琓` ends a span before `T`);
//! - up to two vanished user-defined pairs in a row may hide before any character, and one
//!   before an orphan byte, a surfacing trail or a folded character (a span of 40 characters
//!   hides five or six of them);
//! - a later `?` may be an orphan byte (or a lone 0x80 trail) that swallowed the next ASCII
//!   character: markup (`(`, `<`, `&`) when what follows says so, otherwise a line break, a digit
//!   or a mark, whichever the model prefers (a swallowed digit is the likeliest first digit);
//! - pinyin annotations are evidence: one naming the reading of the realigned character after a
//!   span (the seed's layer order) earns it a bonus, one a garbage character received inside a
//!   span (the other order) goes with the garbage;
//! - a span may also end where nothing modelled realigns it (a pair that vanished with an ASCII
//!   letter), at a fixed cost, and a later `?` inside a repair may start a span of its own: the
//!   two repairs then compete with the long one.
//!
//! Given the shift, the damage is a function of the original bytes, so each hypothesis (an
//! original text consistent with what was observed) is scored by the character language model
//! mixed with the document's own bigrams (the text outside suspected spans and the spans
//! repaired so far: `doc_model`), plus priors for what the model cannot see (the shift itself,
//! swallowing nothing, fullwidth letters, the document's script, a quote left open on the
//! line, a span's first character being a sentence end); hypotheses that reach the same state
//! are merged (Viterbi). The best one replaces the damaged span only when it beats the damaged
//! reading by a wide margin.
//!
//! Whether the punctuation was folded before the shift or after it is decided per document: a
//! folded document whose repairs restore no fullwidth mark is searched again with the marks
//! orphan bytes swallowed read as the fullwidth ones they stood for.

mod annotation;
mod bytes;
mod gaps;
mod orphan;
mod search;

use super::{punct, Doc, Stage};
use crate::doc_model::DocModel;
use crate::edit::StageKind;
use crate::model::Model;
use crate::tables::{self, class};
use crate::text::{patched, Replacement};
use annotation::annotation_body;
use bytes::two_bytes;
use search::{repair_at, Fix};

/// The `byteshift` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByteShift;

impl Stage for ByteShift {
    fn kind(&self) -> StageKind {
        StageKind::ByteShift
    }

    fn enabled(&self, doc: &Doc<'_>) -> bool {
        doc.opts.byteshift && doc.flags.question
    }

    fn run(&self, text: &str, doc: &mut Doc<'_>, out: &mut Vec<Replacement>) {
        let lost = lost_symbols(text);
        let mut fixes = repair_all(text, false, lost, &[]);
        if searched_shifted_first_in_vain(text, &fixes) {
            fixes = repair_all(text, true, lost, &fixes);
        }
        // Repairs that replace nothing but question marks stand alone only when few enough.
        let marks: Vec<Option<usize>> = fixes.iter().map(|f| marks_replaced(text, f)).collect();
        if marks.iter().all(Option::is_some) {
            let mut marks = marks.into_iter();
            fixes.retain(|f| {
                marks.next().flatten().is_some_and(|n| {
                    n < UNCORROBORATED_MARKS && !(n >= 2 && after_latin_word(text, f.start))
                })
            });
        }
        doc.shifts_repaired += fixes.len();
        out.extend(fixes);
    }
}

/// Question marks in a row (`???`) that a repair may read as a shift only in a document where
/// another repair explains garbage. Read as a shift (a lost lead byte, a garbage `？` folded to
/// ASCII and an orphan byte: `。` and one character), they explain no garbage, only marks that the
/// model, trained on formal text, finds unlikely after Chinese text, and writers of web text leave
/// such runs (`真的假的???`, `这也行???`). Two in a row are left to the search: `??` is also `。` and
/// the line break an orphan swallowed, which the simulator leaves in documents with no other span
/// (requiring another repair for them too took `gbshift_sparse+fold` on `hans_small`, dev model,
/// from 0.96 to 1.04 %); after a clause that asks, the search reads them as a writer's
/// (`search::REPEATED_MARK`).
const UNCORROBORATED_MARKS: usize = 3;

/// Whether the character before byte `at` is an ASCII letter. Question marks in a row there
/// (`what??`, `OK??`) are a writer's too: read as a shift they would put a lost lead byte right
/// after Latin text and explain nothing but the marks (`what??你` read `what個你`), so like
/// [`UNCORROBORATED_MARKS`] they stand only beside a repair that explains garbage. After a digit
/// they do not: `1961??月` is `1961年7月`, the `7` swallowed.
fn after_latin_word(text: &str, at: usize) -> bool {
    text[..at]
        .bytes()
        .next_back()
        .is_some_and(|b| b.is_ascii_alphabetic())
}

/// How many question marks `fix` replaces, if it replaces nothing else.
fn marks_replaced(text: &str, fix: &Replacement) -> Option<usize> {
    let replaced = &text[fix.start..fix.end];
    replaced
        .chars()
        .all(question_mark)
        .then(|| replaced.chars().count())
}

/// Whether `c` is a question mark, ASCII or folded back to fullwidth.
fn question_mark(c: char) -> bool {
    matches!(c, '?' | '？')
}

/// Fullwidth marks a folded document's repairs must restore (inside them) before it counts as
/// shifted first. One is not enough: a document folded first, read as shifted first, now and then
/// reads a garbage pair as a mark (on `hans_small`, dev model, requiring two took
/// `fold+gbshift+fold` from 2.13 to 2.07 % and cost the shifted-first orders at most 0.01 point;
/// three cost them 0.03).
const SHIFTED_FIRST_MARKS: usize = 2;
/// ... but one is enough in a document with at most this many repairs. A garbage pair read as a
/// mark is a chance each repair takes, so few repairs seldom make one, while the one span of a
/// sparsely damaged page (the reference article's density) often holds a single comma. Searched
/// as shifted first on `hans_small` (dev model, 200 documents per family; counted among the
/// folded-looking documents with a repair), documents with one to three repairs restored exactly
/// one mark in 32 of 149 `gbshift_sparse+fold` documents and 13 of 198 `gbshift+fold` ones, but in
/// only 4 of 142 `fold+gbshift_sparse+fold` and 3 of 200 `fold+gbshift+fold` ones; with four or
/// more repairs, one mark came 33 times folded first and 12 times shifted first.
const FEW_REPAIRS: usize = 3;

/// Whether a folded document's repairs, searched as shifted first, say it was folded first.
/// Shifted first, the spans' commas and colons were fullwidth pairs, and their repairs write
/// fullwidth marks back; folded first, they were ASCII bytes that orphans swallowed. So a folded
/// document whose repairs restored fewer than [`SHIFTED_FIRST_MARKS`] fullwidth marks (one, with
/// at most [`FEW_REPAIRS`] repairs) is searched again as folded first. A repair's first character
/// is no evidence: its lead byte was lost, so any character with that trail byte fits (`，` is
/// A3 AC).
fn searched_shifted_first_in_vain(text: &str, fixes: &[Replacement]) -> bool {
    let wide = |c: &char| ('\u{FF01}'..='\u{FF5E}').contains(c);
    let marks: usize = fixes
        .iter()
        .map(|f| f.text.chars().skip(1).filter(wide).count())
        .sum();
    let needed = if fixes.len() <= FEW_REPAIRS {
        1
    } else {
        SHIFTED_FIRST_MARKS
    };
    !fixes.is_empty() && marks < needed && punct::looks_folded(text)
}

/// Repairs every shifted span of `text`, left to right; `folded_before_shift` and `lost` as in
/// [`DocModel::folded_before_shift`] and [`DocModel::lost_symbols`]. A repair in `earlier` (a
/// search of the same text as shifted first) that [`reads_alike_folded_first`] is taken as it is.
fn repair_all(
    text: &str,
    folded_before_shift: bool,
    lost: bool,
    earlier: &[Replacement],
) -> Vec<Replacement> {
    let bytes = text.as_bytes();
    let mut from = 0;
    // Built at the first `?` worth a search, so text without one pays nothing, and again
    // after each repair: the spans repaired so far join the document's text (a name one span
    // spells out is then familiar in the next one), the spans still ahead stay out.
    let mut model: Option<DocModel> = None;
    let mut fixes: Vec<Replacement> = Vec::new();
    // The end of the last run of question marks judged as lost symbols and found not fluent
    // after: its other marks need not be judged again.
    let mut judged_to = 0;
    // The end of the line holding the last `?` seen, and whether that line is dense with them.
    let (mut line_end, mut dense) = (0, false);
    while let Some(rel) = bytes[from..].iter().position(|&b| b == b'?') {
        let q = from + rel;
        from = q + 1;
        if q >= line_end {
            let start = text[line_end..q]
                .rfind('\n')
                .map_or(line_end, |p| line_end + p + 1);
            line_end = text[q..].find('\n').map_or(text.len(), |p| q + p);
            dense = dense_question_marks(&text[start..line_end]);
        }
        if dense {
            from = line_end;
            continue;
        }
        if !worth_search(text, q) {
            continue;
        }
        if lost && q >= judged_to {
            // A run of question marks followed by fluent text stands for lost symbols.
            let run_end = q + text[q..].bytes().take_while(|&b| b == b'?').count();
            let run_start = q - text[..q].bytes().rev().take_while(|&b| b == b'?').count();
            if reads_fluently(text, run_start, run_end, FLUENT_AFTER_LOST) {
                from = run_end;
                continue;
            }
            judged_to = run_end;
        }
        let reuse = earlier
            .binary_search_by_key(&q, |r| r.start)
            .ok()
            .map(|i| &earlier[i])
            .filter(|r| reads_alike_folded_first(text, q, r.end));
        let fix = match reuse {
            Some(r) => Some(r.clone()),
            None => {
                let m = model.get_or_insert_with(|| {
                    let (so_far, _) = patched(text, &fixes);
                    let mut m = DocModel::new(&so_far, &suspect_ranges(&so_far));
                    m.folded_before_shift = folded_before_shift;
                    m.lost_symbols = lost;
                    m
                });
                repair_or_split(text, q, m, &fixes).map(|f| f.replacement)
            }
        };
        if let Some(fix) = fix {
            from = fix.end;
            fixes.push(fix);
            // A rebuild is a pass over the whole document: after every repair in a document
            // of ordinary size, after every doubling of the repairs in a longer one, so that
            // time stays linear in the input.
            if text.len() <= REBUILD_ALWAYS || fixes.len().is_power_of_two() {
                model = None;
            }
        }
    }
    fixes
}

/// Whether `text` shows symbols an encoder lost to `?` (emoji in informal text saved as GBK): a
/// run of two or more question marks right after a fullwidth comma, colon or semicolon, with a
/// Han character after it. A shifted span reads `??` as one character and the
/// ASCII byte an orphan swallowed (`。⏎` at the end of a paragraph, `”⏎`), which after such a
/// mark and before more text would put a character and a line break in the middle of a sentence;
/// informal text puts its emoji there (`好啊，😂😂我们走`). Before ASCII the run is a span's:
/// `，于2017年` shifted at `于` reads `，??017年` (the orphan swallowed the `2`), and an annotated
/// `，會(huì)` reads `，??huì)`. After an ASCII mark the run may be a span's too: in a page folded
/// before it was shifted, the orphan swallows the next ASCII comma (`,即:` reads `,??` before
/// Han text; on `hans_eval`, committed model, counting ASCII marks raised `fold+gbshift+fold`
/// from 5,088 to 5,161 errors, and counting `、`, which folding leaves, to 5,150: `甲、乙,丙`
/// shifted at `乙` reads `、??丙`. These were the only checks of this rule on the held-out split.)
/// In such a document a run of question marks may stand for lost symbols
/// ([`DocModel::lost_symbols`]), and one followed by fluent text is not searched. (On the training
/// subset `hans_small`, dev model, no byte-shift row changes; requiring two such runs left
/// twice as many false repairs in the `lost_symbols` family. Runs before a line break, as evidence
/// too, cost `gbshift+fold` 9 errors: a shift leaves them where a span ends a paragraph.)
fn lost_symbols(text: &str) -> bool {
    let mut runs_from = 0;
    text.match_indices('?').any(|(q, _)| {
        // Each run is judged at its first mark.
        if q < runs_from {
            return false;
        }
        let run = text[q..].bytes().take_while(|&b| b == b'?').count();
        runs_from = q + run;
        run >= 2
            && matches!(text[..q].chars().next_back(), Some('，' | '；' | '：'))
            && text[q + run..].chars().next().is_some_and(tables::is_han)
    })
}

/// What [`reads_fluently`] asks of the text after a run of question marks in a document that
/// shows lost symbols, for the run to be taken as lost symbols without a search: a little less
/// than after any other `?`, since the run explains itself there (on `hans_small`, dev model,
/// −3.2 and −2.7 give the same repairs; −3.2 searches less).
const FLUENT_AFTER_LOST: f32 = -3.2;

/// A line with at least this many `?` ...
const DENSE_MIN: usize = 16;
/// ... that make up more than one character in this many is not searched: see
/// [`dense_question_marks`].
const DENSE_SHARE: usize = 4;

/// Whether `line` lost its characters to an encoder without Chinese (`学?习?中?文`) rather than to
/// a byte shift: a shifted span shows a `?` where it starts and where an orphan byte ends it, a
/// few in a sentence, never one character in four. No shifted reading explains such a line, and
/// the search costs milliseconds per `?`, which on a long line of them would take minutes.
fn dense_question_marks(line: &str) -> bool {
    let marks = line.bytes().filter(|&b| b == b'?').count();
    marks >= DENSE_MIN && marks * DENSE_SHARE > line.chars().count()
}

/// Whether the repair of `text[q..end]` reads the same whichever came first, folding or the
/// shift: only an orphan's swallowed character is scored differently, so the repair must hold no
/// orphan `?` after its first, or only ones whose swallowed character the text after them names
/// (markup, an annotation's `(`), which is not scored. The text after each is seen as the search
/// sees it: to the end of the line, within [`search::MAX_SPAN`] characters of `q`.
fn reads_alike_folded_first(text: &str, q: usize, end: usize) -> bool {
    if !text[q + 1..end].contains('?') {
        return true;
    }
    let w: Vec<char> = text[q..]
        .chars()
        .take_while(|&c| c != '\n')
        .take(search::MAX_SPAN)
        .collect();
    let mut at = q;
    w.iter().enumerate().all(|(i, &c)| {
        let alike = i == 0 || c != '?' || at >= end || orphan::swallowed(&w[i + 1..]).is_some();
        at += c.len_utf8();
        alike
    })
}

/// Whether the `?` at `q` may start a shifted span: beside Chinese text, not followed by fluent
/// text, no private-use character near.
fn worth_search(text: &str, q: usize) -> bool {
    beside_cjk(text, q) && !reads_fluently_after(text, q) && !private_use_near(text, q)
}

/// How many later `?` inside a repair are tried as the start of a span of their own.
const SPLIT_TRIES: usize = 2;

/// The repair of the span at `q`. The best reading may run through a later `?` that starts a
/// span of its own (`??第??下列` is `。⏎` + `第` + a second span, not one span reading
/// `。康冢匡`): the literal reading it is measured against keeps that second span's garbage, so
/// any reading that explains it gains. So for the first few such `?`, the best repair ending
/// before it plus that span's own repair compete with the long one, by their summed gains, and
/// the split that beats it by most wins (`骨潜?鳞?I舷` is a capped span `骨被`, `鳞`, and a span
/// at `。`: split at the second `?`, not at the first into `骨` + `至郦希开。上`). When the later
/// repair runs past the long one's end, the long one is credited with the repair that would
/// follow it there.
fn repair_or_split(text: &str, q: usize, model: &DocModel, fixes: &[Replacement]) -> Option<Fix> {
    let context = repaired_before(text, q, fixes);
    let search = repair_at(text, q, model, context.as_deref());
    let long = search.best.as_ref()?;
    let mut tries = 0;
    let mut split: Option<(f32, Fix)> = None;
    // Where the repair that would follow the long one starts, and its gain: each found at most
    // once, and the gain only when a split needs it.
    let mut follow_at: Option<Option<usize>> = None;
    let mut follow_gain: Option<f32> = None;
    for (rel, _) in text[q + 1..long.end].match_indices('?') {
        let q2 = q + 1 + rel;
        if !worth_search(text, q2) {
            continue;
        }
        let Some(early) = search.ending_by(q2) else {
            continue;
        };
        tries += 1;
        if let Some(later) = repair_at(text, q2, model, None).best {
            let credit = match *follow_at.get_or_insert_with(|| follow_start(text, long.end)) {
                Some(at) if at < later.end => *follow_gain.get_or_insert_with(|| {
                    repair_at(text, at, model, None)
                        .best
                        .map_or(0.0, |f| f.gain)
                }),
                _ => 0.0,
            };
            let margin = early.gain + later.gain - long.gain - credit;
            if margin > 0.0 && split.as_ref().is_none_or(|(m, _)| margin > *m) {
                split = Some((margin, early));
            }
        }
        if tries == SPLIT_TRIES {
            break;
        }
    }
    match split {
        Some((_, early)) => Some(early),
        None => search.best,
    }
}

/// The text of `q`'s line before `q` as the repairs so far left it (with a few characters of the
/// line before, for context), when a repair lies there: the search reads its first characters
/// after what a repair put just before it, not after the garbage it replaced, and balances the
/// quotes the line opens with the quotes repairs restored. (The searches that weigh splitting a
/// span read the damaged text: reading the later one after the earlier repair changed nothing
/// on the training subsets but the seed's order, 11 errors worse.)
fn repaired_before(text: &str, q: usize, fixes: &[Replacement]) -> Option<String> {
    const BEFORE_LINE: usize = 3;
    let line_start = crate::text::line_start_near(text, q, search::LINE_CONTEXT);
    // The repairs before `q`: `fixes[..end]`, the last `on_line` of them on its line.
    let end = fixes.len() - fixes.iter().rev().take_while(|f| f.end > q).count();
    let on_line = fixes[..end]
        .iter()
        .rev()
        .take_while(|f| f.start >= line_start)
        .count();
    if on_line == 0 {
        return None;
    }
    let from = text[..line_start]
        .char_indices()
        .rev()
        .take(BEFORE_LINE)
        .last()
        .map_or(line_start, |(i, _)| i);
    let mut out = String::with_capacity(q - from + 16);
    let mut at = from;
    for f in &fixes[end - on_line..end] {
        out.push_str(&text[at..f.start]);
        out.push_str(&f.text);
        at = f.end;
    }
    out.push_str(&text[at..q]);
    Some(out)
}

/// Where the repair that would follow one ending at `from` would start: the first `?` worth a
/// search on the same line (a competing repair ends on that line too).
fn follow_start(text: &str, from: usize) -> Option<usize> {
    text[from..]
        .char_indices()
        .take_while(|&(_, c)| c != '\n')
        .filter(|&(_, c)| c == '?')
        .map(|(rel, _)| from + rel)
        .find(|&q| worth_search(text, q))
}

/// Documents up to this many bytes rebuild their model after every repair (a pass over 256 KB
/// costs about what one span's search does).
const REBUILD_ALWAYS: usize = 256 << 10;

/// The text a shifted span may cover: from every `?` to the end of its line, at most
/// [`search::MAX_SPAN`] characters. The document model counts only the text outside them.
fn suspect_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (q, _) in text.match_indices('?') {
        let end = text[q..]
            .char_indices()
            .take_while(|&(_, c)| c != '\n')
            .take(search::MAX_SPAN)
            .last()
            .map_or(q, |(i, c)| q + i + c.len_utf8());
        match ranges.last_mut() {
            Some(last) if last.1 >= q => last.1 = last.1.max(end),
            _ => ranges.push((q, end)),
        }
    }
    ranges
}

/// Whether a private-use character stands right around a `?`: a decoder that reads GB18030 one
/// byte late drops the pairs that land in the user-defined areas, so private-use characters
/// never appear in its output. They do in other codec debris (Big5 read as GBK), which the
/// `mojibake` stage handles.
fn private_use_near(text: &str, q: usize) -> bool {
    const NEAR: usize = 4;
    let pua = |c: &char| ('\u{E000}'..='\u{F8FF}').contains(c);
    text[..q].chars().rev().take(NEAR).any(|c| pua(&c))
        || text[q + 1..].chars().take(NEAR).any(|c| pua(&c))
}

/// Whether the text right after a `?` reads as ordinary Chinese, so the `?` cannot start a
/// shifted span: inside a span every character straddles two original ones and reads as
/// garbage, unless a trail byte surfaces at once (`?@將`), which this lets through. A cheap gate
/// in front of the search, which costs milliseconds per `?`. Garbage made of common characters
/// scores about −3.8 log10 per character (`发?剂斯业男` is `发布了国家`), ordinary text −2 to −3.
/// The worst of the four characters is not counted: in ordinary text it is a word the
/// corpus seldom writes (`吗?我已经吃过了`: `吃` after `已经` scores −5.3), while every
/// character of garbage is poor. (On the training subsets, dev model, the byte-shift tables
/// are identical with this rule at −2.7; dropping the worst at the old −3.0 cost `gbshift+fold`
/// 0.02 point.)
fn reads_fluently_after(text: &str, q: usize) -> bool {
    reads_fluently(text, q, q + 1, FLUENT)
}

/// What [`reads_fluently_after`] asks of the text after a `?`, log10 per character.
const FLUENT: f32 = -2.7;

/// Whether the text from byte `from` reads as ordinary Chinese, better than `fluent` log10 per
/// character (the worst of four not counted), in the context of the text before byte
/// `context_end`: see [`reads_fluently_after`].
fn reads_fluently(text: &str, context_end: usize, from: usize, fluent: f32) -> bool {
    const LOOK: usize = 4;
    const SKIP: usize = 2;
    let mut after = text[from..].chars().peekable();
    if after
        .peek()
        .is_some_and(|&c| ('\u{40}'..='\u{7E}').contains(&c))
    {
        return false;
    }
    // Punctuation between them is passed over, not scored (`中文,我们:今天!学习?` is ordinary
    // text, but a comma would lift garbage's score as much as text's).
    let is_han = |c: char| !c.is_ascii() && tables::is_han(c);
    let is_mark = |c: char| {
        matches!(c, ',' | ':' | ';' | '!')
            || !c.is_ascii() && tables::class(c) & class::CJK_PUNCT != 0
    };
    let mut han = ['\0'; LOOK];
    let mut n = 0;
    for c in after.take(LOOK + SKIP) {
        if is_han(c) {
            han[n] = c;
            n += 1;
            if n == LOOK {
                break;
            }
        } else if !is_mark(c) || n == 0 {
            return false;
        }
    }
    if n < LOOK {
        return false;
    }
    let model = Model::get();
    let prev = text[..context_end].chars().next_back().unwrap_or('\n');
    let (mut a, mut b) = (crate::model::BOS_ID, model.id(prev));
    let (mut total, mut worst) = (0.0, f32::INFINITY);
    for &c in &han {
        let id = model.id(c);
        let logp = model.logp3_id(a, b, id);
        total += logp;
        worst = worst.min(logp);
        (a, b) = (b, id);
    }
    let per_char = (total - worst) / (LOOK - 1) as f32;
    per_char > fluent || per_char > FLUENT_UNSHIFTED_BYTES && han.iter().any(|&c| unshifted(c))
}

/// What [`reads_fluently_after`] asks of the text after a `?` when one of its characters cannot
/// be garbage of common text (see [`unshifted`]).
const FLUENT_UNSHIFTED_BYTES: f32 = -3.7;

/// Whether `c` is unlikely to be a garbage character of a shifted span. Inside a span each
/// character's trail byte is the lead byte of the next original character, and the lead bytes
/// of common text are A1–A3 (punctuation) and B0–D7 (GB2312's first level, its 3,755 commonest
/// characters): a trail byte of D8 or above would take a rarer character next. Ordinary text
/// has one among four Han characters in a row 85 % of the time (Simplified training split).
/// With this evidence the text after a `?` needs only [`FLUENT_UNSHIFTED_BYTES`]: colloquial
/// text, which the corpus model (mostly legal and encyclopedic prose) scores as poorly as
/// garbage (`单词?我试过好几个`), is then not searched. On the training subsets (dev model) every
/// byte-shift table is identical with it.
fn unshifted(c: char) -> bool {
    two_bytes(c).is_some_and(|(_, trail)| trail >= 0xD8)
}

fn beside_cjk(text: &str, q: usize) -> bool {
    let cjk = |c: Option<char>| {
        c.is_some_and(|c| !c.is_ascii() && tables::class(c) & (class::HAN | class::CJK_PUNCT) != 0)
    };
    let mut before = text[..q].chars().rev();
    let (prev, prev2) = (before.next(), before.next());
    let mut after = text[q + 1..].chars();
    let (next, next2, next3) = (after.next(), after.next(), after.next());
    // A symbol of GB2312's first rows (`δ`, `ぁ`, `┐`): a pair whose first byte was a trail in
    // 0xA1-0xA9, as likely as any garbage character.
    let symbol = |c: Option<char>| {
        c.is_some_and(|c| {
            !c.is_ascii() && two_bytes(c).is_some_and(|(b, _)| (0xA1..=0xA9).contains(&b))
        })
    };
    // Chinese text on either side, or just past a folded mark (`?!霸`), a folded fullwidth
    // letter or digit (`?O愀`: the lost byte was the lead of `。`, A1 A3, and A3 met the next
    // lead) or a symbol (`?δ砂`, at the start of a line), or an annotation before it
    // (`礎(chǔ)?!苯`): the annotation stage runs later.
    cjk(prev)
        || cjk(next)
        || ((next.is_some_and(|c| c.is_ascii_punctuation() || c.is_ascii_alphanumeric())
            || symbol(next))
            && cjk(next2))
        // A trail byte that surfaced, then a folded ideographic space (`第 24 ?l 共同`: `條　`).
        || (next.is_some_and(|c| c.is_ascii_alphanumeric()) && next2 == Some(' ') && cjk(next3))
        || prev == Some(')')
        // Just past a folded mark after Chinese text (`的,?⒋ξ`: `，` then a span).
        || (prev.is_some_and(|c| matches!(c, ',' | ';' | ':' | '!')) && cjk(prev2))
        || (next == Some('?') && (cjk(next2) || next2.is_some_and(|c| c.is_ascii_digit())))
        // A lost byte and an orphan that broke markup open (`⏎??nbsp;4&nbsp;條` is `第 4 條`):
        // clean text never shows an entity or a tag without its `&` or `<`.
        || (next == Some('?') && broken_markup_follows(&text[q + 2..]))
        || annotation_follows(&text[q + 1..])
}

/// Whether `rest` starts with a tag or an entity whose `<` or `&` an orphan swallowed.
fn broken_markup_follows(rest: &str) -> bool {
    let w: Vec<char> = rest.chars().take(14).collect();
    matches!(orphan::swallowed(&w), Some('<' | '&'))
}

/// Whether an annotation starts within the next few characters (`?cān)`, `??cān)`, `?r(shí)`,
/// `??(gè)`): the character it reads was torn by the shift, whatever stands before the `?`.
fn annotation_follows(rest: &str) -> bool {
    let w: Vec<char> = rest.chars().take(14).collect();
    (0..3).any(|k| {
        let from = if w.get(k) == Some(&'(') { k + 1 } else { k };
        w.get(from).is_some_and(|c| c.is_ascii_alphabetic())
            && annotation_body(&w[from..]).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_reads_its_line_as_the_repairs_before_it_left_it() {
        let text = "第一行。\n他说?abc?xyz就在?这里";
        let at = |s: &str| text.find(s).unwrap();
        let fix = |from: &str, len: usize, to: &str| {
            Replacement::new(at(from), at(from) + len, to, 0.9, "test")
        };
        let fixes = [fix("?abc", 4, "“好”"), fix("?xyz", 4, "，走")];
        // Both repairs lie on the line before the third `?`: the line reads as they left it,
        // after the last characters of the line before (for the search's context).
        assert_eq!(
            repaired_before(text, at("?这里"), &fixes).as_deref(),
            Some("行。\n他说“好”，走就在")
        );
        // Before the first repair's end only the text is there.
        assert_eq!(repaired_before(text, at("?abc"), &fixes[..0]), None);
        // A repair on an earlier line is not context.
        let next_line = "。\n?这里";
        let earlier = [Replacement::new(0, 3, "", 0.9, "test")];
        assert_eq!(repaired_before(next_line, 4, &earlier), None);
    }

    #[test]
    fn text_after_a_question_mark_reads_fluently_past_its_marks() {
        let at = |text: &str| reads_fluently_after(text, text.find('?').unwrap());
        // Ordinary text, ASCII marks and all: no search (each costs milliseconds).
        assert!(at("你们今天去哪里?我们,明天再去学校上课。"));
        assert!(at("你们今天去哪里?我们明天再去学校上课。"));
        // One word the corpus seldom writes does not make the text garbage.
        assert!(at("你吃饭了吗?我已经吃过了,你呢"));
        // Colloquial text the corpus seldom writes, with a trail byte garbage seldom has.
        assert!(at("你们平时怎么背单词?我试过好几个软件"));
        // Garbage of a shifted span, and a span opening with a folded mark, are searched.
        assert!(!at("的比例减半提取?3芾矸淹猓弥魅"));
        assert!(!at("格局?!霸坪嫌啊币蕴厥獾姆绞"));
        assert!(!at("今天去哪里?，我们明天再去"));
    }

    #[test]
    fn a_single_mark_tells_the_layer_order_only_among_few_repairs() {
        let folded = "他说,我们明天出发,后天到达;大家准备好了吗?";
        let fix = |text: &str| Replacement::new(0, 1, text.to_string(), 1.0, "test");
        // Only the first character of a repair is fullwidth, or one mark inside among more than
        // a few repairs: searched again as folded first.
        assert!(searched_shifted_first_in_vain(folded, &[fix("，所需的")]));
        assert!(searched_shifted_first_in_vain(
            folded,
            &[fix("所需，的"), fix("，的"), fix("的"), fix("需")]
        ));
        // One mark inside in a document with few repairs: shifted first.
        assert!(!searched_shifted_first_in_vain(
            folded,
            &[fix("所需，的"), fix("，的")]
        ));
        // Fullwidth marks inside repairs were read from both of their bytes: shifted first.
        assert!(!searched_shifted_first_in_vain(
            folded,
            &[fix("所需，的"), fix("的：")]
        ));
        assert!(!searched_shifted_first_in_vain(
            folded,
            &[fix("所需，的（的）")]
        ));
        // No repair, or a document that was not folded: nothing to decide.
        assert!(!searched_shifted_first_in_vain(folded, &[]));
        let unfolded = "他说，我们明天出发，后天到达；大家准备好了吗？";
        assert!(!searched_shifted_first_in_vain(
            unfolded,
            &[fix("，所需的")]
        ));
    }

    #[test]
    fn the_text_before_a_span_reads_as_shown() {
        use search::{open_quotes, shown_before};
        assert_eq!(shown_before("得名&ldquo;南亭&rdquo;"), ['”', '亭', '南']);
        assert_eq!(shown_before("南亭</span></b>"), ['亭', '南', '\n']);
        assert_eq!(shown_before("一天<br/>"), ['\n', '天', '一']);
        assert_eq!(shown_before("共计&nbsp;"), [' ', '计', '共']);
        // Not markup: a comparison, an unknown entity, a bare `;`.
        assert_eq!(shown_before("x>y"), ['y', '>', 'x']);
        assert_eq!(shown_before("a &foo;"), [';', 'o', 'o']);
        assert_eq!(shown_before("是;"), [';', '是', '\n']);
        assert_eq!(open_quotes("他说&ldquo;我们"), (1, 0));
        assert_eq!(open_quotes("“南亭&rdquo;"), (0, 0));
        use search::inherited_quotes;
        let text = "她說：「我們很好。\n然後「他來了」。\n我必須撐著";
        assert_eq!(
            inherited_quotes(text, text.rfind('\n').unwrap() + 1),
            (0, 1)
        );
        let text = "她說：「我們很好。」\n我必須撐著";
        assert_eq!(
            inherited_quotes(text, text.rfind('\n').unwrap() + 1),
            (0, 0)
        );
        assert_eq!(inherited_quotes("abc", 1), (0, 0));
    }

    #[test]
    fn two_marks_before_broken_markup_may_start_a_span_anywhere() {
        assert!(beside_cjk("\n??nbsp;4&nbsp;條", 1));
        assert!(beside_cjk("<p>??/p>", 3));
        // Markup with its `&` or `<` is not broken open.
        assert!(!beside_cjk("\n??&nbsp;4", 1));
        assert!(!beside_cjk("\n??</p>", 1));
    }

    #[test]
    fn a_run_of_question_marks_after_a_clause_mark_shows_lost_symbols() {
        assert!(lost_symbols("好啊，??我们走"));
        assert!(lost_symbols("第一：???第二"));
        // One mark, a run after a sentence end (`。”⏎` shifted) or between text: no evidence.
        assert!(!lost_symbols("好啊，?我们走"));
        assert!(!lost_symbols("他说完了。??我们走"));
        assert!(!lost_symbols("这是他成功的动力??罗比"));
        // Before ASCII the run is a span's, whose orphan swallowed a digit or a bracket.
        assert!(!lost_symbols("会议,??017年在北京举行"));
        assert!(!lost_symbols("他们，??uì)晤"));
        // After an ASCII mark: a page folded before its shift (`,即:` shifted at `即`).
        assert!(!lost_symbols("依照本法,??下列行为"));
        assert!(!lost_symbols("县、??区人民政府"));
    }

    #[test]
    fn suspects_run_from_each_question_mark_to_its_line_end() {
        let text = "ab?cd\nef?g?h\n?";
        assert_eq!(suspect_ranges(text), [(2, 5), (8, 12), (13, 14)]);
    }
}
