//! Orphan bytes: a `?` inside a span, which lost its trail and swallowed the next ASCII byte.

use super::annotation::*;
use super::bytes::*;
use super::gaps::*;
use super::search::*;
use crate::doc_model::DocModel;
use crate::stages::pinyin::is_reading;

/// What an orphan `?` swallowed, judged from what follows it.
pub(super) fn swallowed(w: &[char]) -> Option<char> {
    if annotation_body(w).is_some() {
        return Some('(');
    }
    let s: String = w.iter().take(12).collect();
    let tag = s.strip_prefix('/').unwrap_or(&s);
    // A tag: a name closed at once (`p>`, `br/>`), or followed by an attribute (`a href=`). A
    // name followed by a space and anything else is a Latin word in the text (`” Kavada`), whose
    // space the orphan swallowed.
    let name_len = tag
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let rest = &tag[name_len..];
    let attribute = |a: &str| {
        let n = a
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic() || *b == b'-')
            .count();
        n > 0 && a[n..].starts_with('=')
    };
    if name_len > 0
        && tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && (rest.starts_with(['>', '/']) || rest.strip_prefix(' ').is_some_and(attribute))
    {
        return Some('<');
    }
    if let Some(semi) = s.find(';') {
        if semi > 1
            && s[..semi]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'#')
        {
            return Some('&');
        }
    }
    None
}

/// What the reader sees after an orphan that swallowed the `<` of a tag or the `&` of an entity,
/// `rest` being the text after the `?`: a `<br>` is a line break, other tags are invisible, and
/// an entity is the character it stands for (`?nbsp;4` is a space before `4`), except that a
/// space entity before a line break or more markup is page layout, not text. `None` when `rest`
/// does not start with broken-open markup.
pub(super) fn after_markup(rest: &[char]) -> Option<char> {
    let mut rest = rest;
    let mut swallowed_mark = swallowed(rest).filter(|&c| c == '<' || c == '&')?;
    // Each round reads one tag or entity; a chain of them (`</span>&nbsp;<br>`) is bounded.
    for _ in 0..MAX_MARKUP_CHAIN {
        let end = |stop: char| rest.iter().take(MAX_MARKUP).position(|&c| c == stop);
        let (shown, after) = if swallowed_mark == '&' {
            let semi = end(';')?;
            let name: String = rest[..semi].iter().collect();
            let shown = crate::stages::html::entity(&name).filter(|c| !c.is_whitespace());
            (shown, &rest[semi + 1..])
        } else {
            let close = end('>')?;
            let name = rest[..close].strip_prefix(&['/']).unwrap_or(&rest[..close]);
            let br = matches!(name, ['b' | 'B', 'r' | 'R', rest @ ..]
                if !rest.first().is_some_and(|c| c.is_ascii_alphanumeric()));
            let shown = br.then_some('\n');
            (shown, &rest[close + 1..])
        };
        if let Some(c) = shown {
            return Some(c);
        }
        // Invisible markup, or a space: what follows decides.
        let space = swallowed_mark == '&';
        match after {
            [m, tail @ ..] if (*m == '<' || *m == '&') && swallowed(tail) == Some(*m) => {
                swallowed_mark = *m;
                rest = tail;
            }
            ['\n', ..] | [] => return Some('\n'),
            _ if space => return Some(' '),
            [c, ..] => return Some(*c),
        }
    }
    None
}

/// Characters of one tag or entity [`after_markup`] looks through.
pub(super) const MAX_MARKUP: usize = 40;
/// Tags and entities in a row [`after_markup`] looks through.
pub(super) const MAX_MARKUP_CHAIN: usize = 4;

/// ASCII bytes an orphan lead byte may have swallowed, besides markup: none of them can be a
/// trail byte, so the lead byte before them is lost with them. A digit stands for the whole class
/// (the model shares one id between digits; [`swallowed_digit`] picks one).
pub(super) const SWALLOWABLE: &[char] = &[
    '\n', '0', ' ', '(', ')', ',', ':', ';', '!', '?', '%', '-', '/',
];
/// log10 prior of an orphan that swallowed nothing before more text: a decoder's orphan lead
/// always takes the next byte with it, so only a reader that resynchronised on its own leaves
/// one alone (at the end of the text nothing is the only reading and costs nothing).
pub(super) const SWALLOWED_NOTHING: f32 = -3.0;
/// The same in a document searched as shifted first. There what an orphan swallows is whatever
/// ASCII the author wrote next, which in Chinese text is seldom a mark, while a span that never
/// realigns is cut short somewhere (on `hans_small`, dev model: −2.0 took `gbshift+fold` from
/// 2.87 to 2.85 % and the annotated order from 1.84 to 1.82 %, the rest unchanged; −1.5 did
/// less). Folded first, every comma and colon in a span is ASCII and the orphan before it
/// swallows it: there [`SWALLOWED_NOTHING`] stays.
pub(super) const SWALLOWED_NOTHING_SHIFTED_FIRST: f32 = -2.0;
/// The same within the first [`SHORT_SPAN`] damaged characters of a span. A reader that
/// resynchronises on its own does so at a boundary of its own (a chunk of the page decoded
/// separately), and the lost byte at the span's start was one too: two such boundaries a few
/// bytes apart are far less likely (`自尊??如果` is `自尊。⏎如果`, not `自尊心如果`).
pub(super) const SWALLOWED_NOTHING_SHORT: f32 = -6.0;
/// Damaged characters (the lost byte's `?` included) within which an orphan is in a short span.
pub(super) const SHORT_SPAN: usize = 4;
/// log10 prior of an orphan that swallowed one of [`SWALLOWABLE`].
pub(super) const SWALLOWED_ASCII: f32 = -0.5;
/// Only the best hypotheses of a step read a `?` as an orphan byte (it ends the span, so a
/// hypothesis far down the beam would not win with it). Must exceed [`GAP2_FROM`].
pub(super) const ORPHAN_FROM: usize = 16;
/// Orphan readings carried forward per hypothesis.
pub(super) const ORPHAN_KEEP: usize = 3;
/// Readings of an orphan byte (best first) tried with every swallowed character.
pub(super) const ORPHAN_SWALLOW_TOP: usize = 16;

/// The first digit of a number before `next` (a digit or anything else), as the digit most often
/// written there and the log10 share of numbers that start with it there. From the Simplified
/// training split (`tools/digit_stats.py`): `9` follows `1` in 80 % of numbers, `0` follows `2`
/// in 61 %, a number of one digit is `1` in 29 %.
fn first_digit(next: char) -> (char, f32) {
    match next {
        '0' => ('2', -0.21),
        '1' => ('1', -0.21),
        '2' => ('1', -0.13),
        '3' => ('2', -0.39),
        '4' => ('2', -0.40),
        '5' => ('1', -0.34),
        '6' => ('1', -0.38),
        '7' => ('2', -0.34),
        '8' => ('1', -0.30),
        '9' => ('1', -0.10),
        _ => ('1', -0.54),
    }
}

/// log10 share of the numbers whose first digit is each digit (Simplified training split,
/// `tools/digit_stats.py`).
const FIRST_IS: [f32; 10] = [
    -2.12, -0.45, -0.51, -1.03, -1.42, -1.13, -1.46, -1.48, -1.57, -1.52,
];

/// log10 share of the numbers whose second digit is each digit (the same split and script).
const SECOND_IS: [f32; 10] = [
    -0.52, -1.33, -1.34, -1.67, -1.69, -1.43, -1.64, -1.62, -1.50, -1.06,
];

/// log10 share of the numbers of four digits or more that have a fifth (187 of 9,926 in the
/// Simplified training split, `tools/digit_stats.py`): most are years.
const FIFTH_DIGIT: f32 = -1.72;

/// The digit an orphan swallowed before `rest`, and the log10 correction its reading gets on top
/// of the model's score, which has one class for all digits. A repair writes one digit, the
/// likeliest first digit of a number before what follows ([`first_digit`]). When `rest` starts
/// with a number, its first digit becomes the second of a longer one: the reading gains or loses
/// what that moves in [`FIRST_IS`] and [`SECOND_IS`] (`?913年` is likelier `1913年` than `913年`,
/// a number seldom starts with `0`, while `2` starts 31 % of them). Before four digits or more, a
/// fifth digit costs [`FIFTH_DIGIT`] instead of what the model charges for one more digit: with
/// two digits of context it cannot tell a fifth from a third, so `。` and a swallowed line break
/// before `2017 年` would lose to `。12017 年`.
pub(super) fn swallowed_digit(rest: &[char], model: &DocModel) -> (char, f32) {
    // A fullwidth digit is the digit it stands for.
    let next = rest.first().map_or('\n', |&c| crate::text::ascii_digit(c));
    let (digit, share) = first_digit(next);
    let run = rest
        .iter()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count();
    let displaced = next
        .to_digit(10)
        .map_or(0.0, |n| SECOND_IS[n as usize] - FIRST_IS[n as usize]);
    let longer = if run >= 4 {
        let d = crate::model::DIGIT_ID;
        (FIFTH_DIGIT - model.logp3_id(d, d, d)).min(0.0)
    } else {
        0.0
    };
    // A date allows one first digit: a year of four digits (`?321年` is 1321, `?019年` 2019) and
    // a month of two (`?0月`, `?2月` are 10 and 12).
    let unit = rest[run..]
        .iter()
        .find(|&&c| c != ' ')
        .filter(|_| next.is_ascii_digit());
    // The document's own numbers before the same two characters come first.
    let seen = rest
        .get(1)
        .and_then(|&second| model.first_digit_before([next, second]));
    let digit = match (seen, run, unit) {
        (Some(seen), _, _) => seen,
        (None, 3, Some('年')) if next == '0' => '2',
        (None, 3, Some('年')) => '1',
        (None, 1, Some('月')) if next <= '2' => '1',
        _ => digit,
    };
    (digit, share + displaced + longer)
}

/// An orphan `?` inside a span: the pending lead byte lost its trail (which is unknown) and
/// swallowed the ASCII character after it, or nothing (a cut span, the end of the text). The
/// span ends here. Markup an orphan broke open (`?/p>`, `?nbsp;`, `?lài)`) names what was
/// swallowed; otherwise every [`SWALLOWABLE`] character is scored with its context.
pub(super) fn expand_orphan(
    h: &Hyp,
    rank: usize,
    lead: u8,
    w: &[char],
    model: &DocModel,
    finish: &mut dyn FnMut(Hyp),
) {
    let rest = &w[h.pos + 1..];
    // The orphan byte acted as a lead, so it is 0x81 or above.
    let trails: Vec<char> = (0x81u8..=0xFE).filter_map(|t| pair(lead, t)).collect();
    if let Some(s) = swallowed(rest) {
        // When the orphan swallowed the `(` of an annotation, the annotation names the reading
        // of the character the orphan completes (in the seed's layer order; when the annotation
        // belongs to a garbage character, it names nothing).
        let ann = annotation_body(rest);
        let close = |mut g: Hyp, ch: char| {
            g.score += reading_bonus(ch, ann.clone());
            // The swallowed character is restored but not scored: markup is not language.
            g.out.push(s);
            g.pending = None;
            g.pos += 1;
            g
        };
        for &ch in &trails {
            let mut g = h.clone();
            emit(&mut g, model, ch);
            finish(close(g, ch));
        }
        // Or a vanished pair came first (`的，處(chù)` reads `模?chù)`: `，處` straddles A3 AC CC A6,
        // and AC CC is user-defined). Right after the span's lost byte too, when the annotation
        // names the character and the lost byte is the lead of a sentence end, where most spans
        // start (`。` A1 A3, `！` A3 A1): `名。張(zhāng)` reads `名??zhāng)`, A3 95 being
        // user-defined. (Trying every lost byte there made seed-order text 60 % slower for one
        // error less on 200 dev documents.)
        let named = ann.is_some() && h.pos == 1 && h.out.is_empty() && matches!(lead, 0xA1 | 0xA3);
        if (rank < GAP2_FROM || named) && h.gaps < MAX_GAPS {
            let bare = Hyp {
                out: String::new(),
                ..*h
            };
            let syl = ann.as_ref().map(|(_, syl)| syl.as_str());
            for (e, [first, second]) in orphan_after_gap(&bare, lead, model, syl) {
                let mut g = Hyp {
                    out: h.out.clone(),
                    ..e
                };
                g.out.push(first);
                g.out.push(second);
                finish(close(g, second));
            }
        }
        return;
    }
    // Readings of the bytes before the orphan's swallowed character, as (state, characters):
    // the pending lead completed by any trail, or (for the best hypotheses) a vanished pair
    // followed by a character whose trail is the orphan byte.
    let bare = Hyp {
        out: String::new(),
        ..*h
    };
    // The flag marks a reading whose orphan byte swallowed something: a trail byte 0x80 cannot
    // start a character either, but alone it reads `?` and swallows nothing (`個` = 82 80).
    let one = |ch: char, swallows: bool| {
        let mut g = bare.clone();
        emit(&mut g, model, ch);
        (g, [ch, '\0'], swallows)
    };
    let mut endings: Vec<(Hyp, [char; 2], bool)> = trails.iter().map(|&ch| one(ch, true)).collect();
    endings.extend(pair(lead, 0x80).map(|ch| one(ch, false)));
    if rank < GAP2_FROM && h.gaps < MAX_GAPS {
        endings.extend(
            orphan_after_gap(&bare, lead, model, None)
                .into_iter()
                .map(|(g, chars)| (g, chars, true)),
        );
    }
    let next = rest.first().copied().unwrap_or('\n');
    let next_id = model.id(next);
    // What each swallowed character is written as, and what its reading gets besides the
    // model's score: the same for every reading, since it depends on the text after the orphan.
    let digit = swallowed_digit(rest, model);
    let written = |s: char| if s == '0' { digit } else { (s, 0.0) };
    // Rank (reading, swallowed character, prior) by their score with the next character, then
    // build hypotheses for the best few only.
    let mut ranked: Vec<(f32, usize, Option<char>, f32)> = Vec::new();
    // Only the likeliest readings are paired with every swallowed character.
    endings.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
    for (i, (g, _, swallows)) in endings.iter().enumerate() {
        let nothing = match (*swallows && !rest.is_empty(), h.pos < SHORT_SPAN) {
            (false, _) => 0.0,
            (true, false) if model.folded_before_shift => SWALLOWED_NOTHING,
            (true, false) => SWALLOWED_NOTHING_SHIFTED_FIRST,
            (true, true) => SWALLOWED_NOTHING_SHORT,
        };
        ranked.push((
            g.score + nothing + model.logp3_id(g.last2, g.last, next_id),
            i,
            None,
            nothing,
        ));
        if rest.is_empty() || !swallows || i >= ORPHAN_SWALLOW_TOP {
            continue;
        }
        for &s in SWALLOWABLE {
            let (logp, sid) = swallowed_logp(g, s, model);
            let total = g.score
                + SWALLOWED_ASCII
                + logp
                + written(s).1
                + model.logp3_id(g.last, sid, next_id);
            ranked.push((total, i, Some(s), SWALLOWED_ASCII));
        }
    }
    if ranked.len() > ORPHAN_KEEP {
        ranked.select_nth_unstable_by(ORPHAN_KEEP, |a, b| b.0.total_cmp(&a.0));
        ranked.truncate(ORPHAN_KEEP);
    }
    for (_, i, s, prior) in ranked {
        let (e, chars, _) = &endings[i];
        let mut g = Hyp {
            out: h.out.clone(),
            ..*e
        };
        g.out.extend(chars.iter().filter(|&&c| c != '\0'));
        if let Some(s) = s {
            let (logp, sid) = swallowed_logp(&g, s, model);
            let (c, extra) = written(s);
            g.score += logp + extra;
            push(&mut g, c, sid);
        }
        g.score += prior;
        g.pending = None;
        g.pos += 1;
        finish(g);
    }
}

/// The score and model id of the ASCII character `s` an orphan swallowed, after `h`. In a
/// document folded before it was shifted, a mark folding may have produced gets the better of
/// its two widths, as a literal one does: the swallowed `,` stood for `，` there (`需求?行省` is
/// `需求，行省`, not `需求行省`). Shifted first, the mark was ASCII when the orphan took it.
fn swallowed_logp(h: &Hyp, s: char, model: &DocModel) -> (f32, u32) {
    if model.folded_before_shift {
        better_width(model, h.last2, h.last, s)
    } else {
        let id = model.id(s);
        (model.logp3_id(h.last2, h.last, id), id)
    }
}

/// Readings of an orphan byte right after a vanished pair: `(lead, p1)` then `(p2, x)`, where
/// `(p1, p2)` fell into a user-defined area and `x` is the orphan byte (any lead byte, its trail
/// lost). Only the best few are returned, as (state without text, the two characters); with the
/// `syllable` of an annotation the orphan broke open, only readings whose second character it
/// names.
pub(super) fn orphan_after_gap(
    bare: &Hyp,
    lead: u8,
    model: &DocModel,
    syllable: Option<&str>,
) -> Vec<(Hyp, [char; 2])> {
    const FIRSTS: usize = 1;
    const KEEP: usize = 16;
    let firsts = gap_firsts(bare, lead, FIRSTS, FIRST_MIN, model);
    let orphans: Vec<u8> = (0x81u8..=0xFE).collect();
    let scored = match syllable {
        None => score_gap(bare, &firsts, &orphans, KEEP, model),
        Some(syl) => {
            let mut all = score_gap(bare, &firsts, &orphans, usize::MAX, model);
            all.retain(|r| is_reading(r.second.0, syl));
            if all.len() > KEEP {
                all.select_nth_unstable_by(KEEP, |a, b| b.score.total_cmp(&a.score));
                all.truncate(KEEP);
            }
            all
        }
    };
    scored
        .into_iter()
        .map(|r| {
            let g = extend(bare, &[r.first, r.second], r.score, bare.gaps + 1, None);
            (g, [r.first.0, r.second.0])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{after_markup, swallowed, swallowed_digit};
    use crate::doc_model::DocModel;

    #[test]
    fn a_swallowed_digit_reads_with_the_number_after_it() {
        let model = DocModel::new("", &[]);
        let digit = |s: &str| swallowed_digit(&s.chars().collect::<Vec<_>>(), &model);
        // `?913年` is likelier 1913 than 913; `?018年` 2018; a number seldom starts with 0.
        assert_eq!(digit("913年").0, '1');
        assert_eq!(digit("018年").0, '2');
        assert!(digit("913年").1 > digit("年").1);
        assert!(digit("018年").1 > digit("913年").1);
        // A fifth digit before a year costs more than a fourth.
        assert!(digit("2017 年").1 < digit("201 年").1);
        // Fullwidth digits are the digits they stand for.
        assert_eq!(digit("９１３年"), digit("913年"));
        // Dates allow one first digit where the shares would pick another.
        assert_eq!(digit("321年").0, '1');
        assert_eq!(digit("321 年").0, '1');
        assert_eq!(digit("019年").0, '2');
        assert_eq!(digit("0月18日").0, '1');
        assert_eq!(digit("321人").0, '2');
    }

    #[test]
    fn a_swallowed_digit_is_the_one_the_document_writes_there() {
        let text = "乘坐4号线到人民广场，换乘10号线。4号线每五分钟一班，14号线也是。";
        let model = DocModel::new(text, &[]);
        let digit = |s: &str| swallowed_digit(&s.chars().collect::<Vec<_>>(), &model).0;
        // `4号线` twice, `14号线` starts with 1 before `4号`: line 4 it is.
        assert_eq!(digit("号线车站"), '4');
        // `10号线` is the only number before `0号`.
        assert_eq!(digit("0号线外环"), '1');
        // Nothing the document says: the shares decide, as without it.
        let plain = DocModel::new("", &[]);
        assert_eq!(digit("个月"), swallowed_digit(&['个', '月'], &plain).0);
        // Damage the document model excludes says nothing.
        let excluded = DocModel::new(text, &[(0, text.len())]);
        assert_eq!(swallowed_digit(&['号', '线'], &excluded).0, '1');
        // A tie says nothing either.
        let tie = DocModel::new("3号线和5号线", &[]);
        assert_eq!(swallowed_digit(&['号', '线'], &tie).0, '1');
    }

    #[test]
    fn broken_open_markup_reads_as_what_it_shows() {
        let shown = |s: &str| after_markup(&s.chars().collect::<Vec<_>>());
        assert_eq!(shown("/b>好"), Some('好'));
        assert_eq!(shown("/a></p>"), Some('\n'));
        assert_eq!(shown("/span><br>第二段"), Some('\n'));
        assert_eq!(shown("rdquo;好"), Some('”'));
        assert_eq!(shown("nbsp;4 条"), Some(' '));
        assert_eq!(shown("nbsp;<br/>"), Some('\n'));
        assert_eq!(shown("nbsp;\n下一行"), Some('\n'));
        // Not markup: a Latin word, an annotation.
        assert_eq!(shown("Kavada 说"), None);
        assert_eq!(shown("lài)姨"), None);
    }

    fn after(s: &str) -> Option<char> {
        swallowed(&s.chars().collect::<Vec<_>>())
    }

    #[test]
    fn markup_is_told_from_latin_words_by_what_follows_the_name() {
        assert_eq!(after("/p>第二段"), Some('<'));
        assert_eq!(after("br/>第二段"), Some('<'));
        assert_eq!(after("a href=\"x\">"), Some('<'));
        assert_eq!(after("h2>标题"), Some('<'));
        assert_eq!(after("nbsp;他说"), Some('&'));
        // A Latin word after a space the orphan swallowed.
        assert_eq!(after("Michael Smith 先生"), None);
        assert_eq!(after("P 和 PS 问题"), None);
        assert_eq!(after("Google 公司"), None);
    }
}
