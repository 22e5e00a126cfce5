//! Stage `byteshift`: GB18030 spans decoded one byte late.
//!
//! When a reader starts decoding GB18030 one byte late, the lost lead byte shows as `?`, every
//! following pair of bytes straddles two characters (`。“云合影”` reads `?！霸坪嫌啊`), pairs that fall
//! into GBK's user-defined areas vanish, a lead byte before a non-trail ASCII byte becomes `?` and
//! swallows it, and the reading realigns by itself when a trail byte in 0x40–0x7E surfaces as
//! ASCII (`磚` = B4 75 reads `…鸫u`). Fullwidth punctuation is often folded to ASCII afterwards.
//!
//! The stage inverts that process. At each `?` beside Chinese text it runs a beam search over the
//! original byte stream: the lost byte is unknown (all 126 lead bytes are tried), every damaged
//! character contributes its two GB18030 bytes, and
//! - an ASCII character may be a surfacing trail byte, a folded fullwidth character, or a letter
//!   the last garbage character took as its trail (`琓` ends a span before `T`);
//! - up to two vanished user-defined pairs in a row may hide before any character, and one
//!   before an orphan byte (a span of 40 characters hides five or six of them);
//! - a later `?` may be an orphan byte (or a lone 0x80 trail) that swallowed the next ASCII
//!   character: markup (`(`, `<`, `&`) when what follows says so, otherwise a line break, a digit
//!   or a mark, whichever the model prefers (a swallowed digit is the likeliest first digit);
//! - pinyin annotations are evidence: one naming the reading of the realigned character after a
//!   span (the seed's layer order) earns it a bonus, one a garbage character received inside a
//!   span (the other order) goes with the garbage.
//!
//! Given the shift, the damage is a function of the original bytes, so each hypothesis (an
//! original text consistent with what was observed) is scored by the character language model,
//! plus priors for what the model cannot see (the shift itself, swallowing nothing, fullwidth
//! letters, a quote left open on the line); hypotheses that reach the same state are merged
//! (Viterbi). The best one replaces the damaged span only when it beats the damaged reading by a
//! wide margin.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::gb::{self, PairTable};
use crate::model::Model;
use crate::stages::pinyin::is_reading;
use crate::tables::{self, class};
use crate::text::Replacement;

/// The `byteshift` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByteShift;

/// Hypotheses kept after each step of the search.
const BEAM: usize = 48;
/// Hypotheses one vanished-pair expansion may add to a step: the many ways to fill a gap must
/// not crowd out the plain readings of the same step.
const GAP_BEAM: usize = 8;
/// Longest span (in damaged characters) searched from one trigger.
const MAX_SPAN: usize = 64;
/// log10 prior of "this `?` starts a shifted span" against "it is a literal question mark".
const SHIFT_PRIOR: f32 = -1.0;
/// log10 prior of one vanished user-defined pair: none, since which pairs vanish follows from the
/// original bytes and the model's score of the original text is the whole evidence (on the
/// training subset `hans_small`, -1 and +0.7 both did worse).
const GAP_PRIOR: f32 = 0.0;
/// log10 penalty for a closing quote that closes nothing.
const QUOTE_PENALTY: f32 = 3.0;
/// log10 probability of the plain next character below which a vanished pair is looked for.
const GAP_TRIGGER: f32 = -2.5;
/// log10 probability below which the first character of a vanished-pair reading is not pursued.
const FIRST_MIN: f32 = -4.5;
/// Only the best few hypotheses of a step look for a vanished pair before the next character.
const GAP_FROM: usize = 6;
/// ... and fewer for two vanished pairs in a row, or one before an orphan byte.
const GAP2_FROM: usize = 2;
/// Lost bytes tried with two vanished pairs right at the start of a span.
const GAP2_LEADS: usize = 8;
/// log10 by which a hypothesis may trail the literal reading before it is abandoned.
const ABANDON: f32 = 12.0;
/// Most vanished pairs one span may hide.
const MAX_GAPS: u8 = 24;
/// log10 margin by which the repair must beat the damaged reading.
const MIN_GAIN: f32 = 4.0;
/// log10 P(fullwidth | ASCII) for Latin letters in Chinese text (3 fullwidth of 21,768 in the
/// Simplified training split). The model shares one id between the two widths; a realigned
/// reading must not buy a cheap `Ｉ` where `，由` was.
const FULLWIDTH_LETTER: f32 = -3.9;
/// The same for digits (153 fullwidth of 82,280).
const FULLWIDTH_DIGIT: f32 = -2.7;

impl Stage for ByteShift {
    fn kind(&self) -> StageKind {
        StageKind::ByteShift
    }

    fn enabled(&self, doc: &Doc<'_>) -> bool {
        doc.opts.byteshift && doc.flags.question
    }

    fn run(&self, text: &str, doc: &mut Doc<'_>, out: &mut Vec<Replacement>) {
        let bytes = text.as_bytes();
        let mut from = 0;
        while let Some(rel) = bytes[from..].iter().position(|&b| b == b'?') {
            let q = from + rel;
            from = q + 1;
            if !beside_cjk(text, q) || reads_fluently_after(text, q) || private_use_near(text, q) {
                continue;
            }
            if let Some(fix) = repair_at(text, q) {
                from = fix.end;
                out.push(fix.replacement);
                doc.shifts_repaired += 1;
            }
        }
    }
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
/// in front of the search, which costs milliseconds per `?`.
fn reads_fluently_after(text: &str, q: usize) -> bool {
    const LOOK: usize = 4;
    const FLUENT: f32 = -4.0;
    let mut after = text[q + 1..].chars().peekable();
    if after
        .peek()
        .is_some_and(|&c| ('\u{40}'..='\u{7E}').contains(&c))
    {
        return false;
    }
    let han: Vec<char> = after.take(LOOK).collect();
    if han.len() < LOOK
        || han
            .iter()
            .any(|c| c.is_ascii() || tables::class(*c) & class::HAN == 0)
    {
        return false;
    }
    let model = Model::get();
    let prev = text[..q].chars().next_back().unwrap_or('\n');
    let s: String = han.iter().collect();
    model.score(prev, &s) / LOOK as f32 > FLUENT
}

fn beside_cjk(text: &str, q: usize) -> bool {
    let cjk = |c: Option<char>| {
        c.is_some_and(|c| !c.is_ascii() && tables::class(c) & (class::HAN | class::CJK_PUNCT) != 0)
    };
    let prev = text[..q].chars().next_back();
    let mut after = text[q + 1..].chars();
    let (next, next2) = (after.next(), after.next());
    // Chinese text on either side, or just past a folded mark (`?!霸`), or an annotation before
    // it (`礎(chǔ)?!苯`): the annotation stage runs later.
    cjk(prev)
        || cjk(next)
        || (next.is_some_and(|c| c.is_ascii_punctuation()) && cjk(next2))
        || prev == Some(')')
        || (next == Some('?') && (cjk(next2) || next2.is_some_and(|c| c.is_ascii_digit())))
        || annotation_follows(&text[q + 1..])
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

struct Fix {
    end: usize,
    replacement: Replacement,
}

#[derive(Clone, Debug)]
struct Hyp {
    /// Damaged characters consumed.
    pos: usize,
    /// A lead byte waiting for its trail.
    pending: Option<u8>,
    /// The restored text so far.
    out: String,
    /// Open double and corner quotes on the line so far.
    quotes: (i32, i32),
    /// Model id of the character before the last one written.
    last2: u32,
    /// Model id of the last character written.
    last: u32,
    score: f32,
    gaps: u8,
}

/// Lead bytes of GBK's user-defined areas, with the trail bytes that make a private-use pair.
fn pua_pairs() -> &'static [(u8, Vec<u8>)] {
    static P: std::sync::OnceLock<Vec<(u8, Vec<u8>)>> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        let t = PairTable::global();
        (0x81u8..=0xFE)
            .filter_map(|lead| {
                let trails: Vec<u8> = (0x40u8..=0xFE)
                    .filter(|&tr| t.get(lead, tr).is_some_and(gb::is_private_use))
                    .collect();
                (!trails.is_empty()).then_some((lead, trails))
            })
            .collect()
    })
}

/// A valid, non-private-use character for a byte pair.
fn pair(lead: u8, trail: u8) -> Option<char> {
    PairTable::global()
        .get(lead, trail)
        .filter(|&c| !gb::is_private_use(c))
}

fn two_bytes(c: char) -> Option<(u8, u8)> {
    let b = gb::encode_char(c)?;
    match b.as_slice() {
        &[b1, b2] => Some((b1, b2)),
        _ => None,
    }
}

/// Length (in chars) of a pinyin annotation body `syllable)` at the start of `w`.
fn annotation_body(w: &[char]) -> Option<(usize, String)> {
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
fn annotation_at(w: &[char], pos: usize) -> usize {
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
const READING_BONUS: f32 = 6.0;

fn reading_bonus(ch: char, ann: Option<(usize, String)>) -> f32 {
    match ann {
        Some((_, syl)) if is_reading(ch, &syl) => READING_BONUS,
        _ => 0.0,
    }
}

/// What an orphan `?` swallowed, judged from what follows it.
fn swallowed(w: &[char]) -> Option<char> {
    if annotation_body(w).is_some() {
        return Some('(');
    }
    let s: String = w.iter().take(12).collect();
    let tag = s.strip_prefix('/').unwrap_or(&s);
    let name_len = tag.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if name_len > 0 && tag[name_len..].starts_with(['>', ' ']) {
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

/// Unclosed double (“”) and corner (「」) quotes in `line`.
fn open_quotes(line: &str) -> (i32, i32) {
    let mut q = (0, 0);
    for c in line.chars() {
        match c {
            '“' => q.0 += 1,
            '”' => q.0 -= 1,
            '「' => q.1 += 1,
            '」' => q.1 -= 1,
            _ => {}
        }
    }
    q
}

/// Scores `c` after the hypothesis's last two characters and appends it.
fn emit(h: &mut Hyp, model: &Model, c: char) {
    let id = model.id(c);
    h.score += model.logp3_id(h.last2, h.last, id);
    push(h, c, id);
}

/// Appends `c` (already scored by the model): quote bookkeeping and the priors the model does
/// not know.
fn push(h: &mut Hyp, c: char, id: u32) {
    // A closing quote with no opening quote before it on the line is unlikely.
    match c {
        '”' if h.quotes.0 <= 0 => h.score -= QUOTE_PENALTY,
        '」' if h.quotes.1 <= 0 => h.score -= QUOTE_PENALTY,
        _ => {}
    }
    match c {
        '“' => h.quotes.0 += 1,
        '”' => h.quotes.0 -= 1,
        '「' => h.quotes.1 += 1,
        '」' => h.quotes.1 -= 1,
        _ => {}
    }
    match c {
        'Ａ'..='Ｚ' | 'ａ'..='ｚ' => h.score += FULLWIDTH_LETTER,
        '０'..='９' => h.score += FULLWIDTH_DIGIT,
        _ => {}
    }
    h.last2 = h.last;
    h.last = id;
    h.out.push(c);
}

fn repair_at(text: &str, q: usize) -> Option<Fix> {
    let model = Model::get();
    let mut before = text[..q].chars().rev();
    let prev = before.next().unwrap_or('\n');
    let prev2 = before.next().unwrap_or('\n');
    let line_end = text[q..].find('\n').map_or(text.len(), |p| q + p);
    let line_start = text[..q].rfind('\n').map_or(0, |p| p + 1);
    let w: Vec<char> = text[q..line_end].chars().take(MAX_SPAN).collect();
    // The character after a span, looking past markup an orphan byte may have broken open.
    let after_window = |pos: usize| -> char {
        let rest = &w[pos.min(w.len())..];
        let skip = match swallowed(rest) {
            Some('<') | Some('&') => rest
                .iter()
                .position(|&c| c == '>' || c == ';')
                .map_or(0, |p| p + 1),
            _ => 0,
        };
        rest.get(skip).copied().unwrap_or('\n')
    };
    let n = w.len();

    let mut live: Vec<Hyp> = Vec::new();
    let start = Hyp {
        pos: 1,
        pending: None,
        out: String::new(),
        quotes: open_quotes(&text[line_start..q]),
        last2: model.id(prev2),
        last: model.id(prev),
        score: SHIFT_PRIOR,
        gaps: 0,
    };
    let leads: Vec<u8> = (0x81u8..=0xFE).collect();
    // Two vanished pairs right at the start are looked for only after the lost bytes whose
    // first character fits the context best (the search is too wide to try them all).
    let mut gap2_leads: Vec<(f32, u8)> = leads
        .iter()
        .filter_map(|&x| {
            let best = gap_firsts(&start, x, 1, FIRST_MIN, model).first()?.0;
            Some((best, x))
        })
        .collect();
    gap2_leads.sort_by(|a, b| b.0.total_cmp(&a.0));
    gap2_leads.truncate(GAP2_LEADS);
    let gap2_leads: Vec<u8> = gap2_leads.into_iter().map(|(_, x)| x).collect();
    for &x in &leads {
        live.push(Hyp {
            pending: Some(x),
            ..start.clone()
        });
    }
    // A garbage character of the shift got its own annotation; the orphan lead swallowed its `(`.
    if let Some((len, syl)) = annotation_body(&w[1..]) {
        let prev_trail = two_bytes(prev).map(|(_, t)| t);
        let xs: Vec<u8> = match prev_trail {
            Some(t) => leads
                .iter()
                .copied()
                .filter(|&x| pair(t, x).is_some_and(|g| is_reading(g, &syl)))
                .collect(),
            None => Vec::new(),
        };
        let xs = if xs.is_empty() { leads.clone() } else { xs };
        for &x in &xs {
            live.push(Hyp {
                pos: 1 + len,
                pending: Some(x),
                ..start.clone()
            });
        }
    }

    // The literal reading's score after each prefix (and its last two ids): a hypothesis that
    // falls far behind it is explaining clean text as damage and is abandoned. Annotations are
    // free in it, as they are in the search: the pinyin stage removes them either way.
    let mut literal = Vec::with_capacity(n + 1);
    let mut literal_ctx = Vec::with_capacity(n + 1);
    let (mut l2, mut l1) = (model.id(prev2), model.id(prev));
    literal.push(0.0f32);
    literal_ctx.push((l2, l1));
    let mut skip = 0;
    for (k, &c) in w.iter().enumerate() {
        let total = literal.last().copied().unwrap_or(0.0);
        skip = skip.max(annotation_at(&w, k));
        if skip > 0 {
            skip -= 1;
            literal.push(total);
        } else {
            let id = model.id(c);
            literal.push(total + model.logp3_id(l2, l1, id));
            (l2, l1) = (l1, id);
        }
        literal_ctx.push((l2, l1));
    }

    let mut best: Option<(f32, Hyp)> = None;
    // Quotes opened minus closed from each window position to the end of the line: a repair
    // that leaves the line with a quote open is unlikely (Chinese quotes close on the line, or
    // paragraph, they open on).
    let mut rest_quotes = vec![(0i32, 0i32); n + 1];
    let window_bytes: usize = w.iter().map(|c| c.len_utf8()).sum();
    rest_quotes[n] = open_quotes(&text[q + window_bytes..line_end]);
    for k in (0..n).rev() {
        let (d, c) = rest_quotes[k + 1];
        rest_quotes[k] = match w[k] {
            '“' => (d + 1, c),
            '”' => (d - 1, c),
            '「' => (d, c + 1),
            '」' => (d, c - 1),
            _ => (d, c),
        };
    }
    let finish = |h: Hyp, best: &mut Option<(f32, Hyp)>| {
        let mut h = h;
        let next = model.id(after_window(h.pos));
        h.score += model.logp3_id(h.last2, h.last, next);
        let (d, c) = rest_quotes[h.pos.min(n)];
        if h.quotes.0 + d > 0 || h.quotes.1 + c > 0 {
            h.score -= QUOTE_PENALTY;
        }
        let (l2, l1) = literal_ctx[h.pos];
        let base = literal[h.pos] + model.logp3_id(l2, l1, next);
        let gain = h.score - base;
        if best.as_ref().is_none_or(|(g, _)| gain > *g) {
            *best = Some((gain, h));
        }
    };

    let mut steps = 0;
    while !live.is_empty() && steps < MAX_SPAN {
        steps += 1;
        let mut next: Vec<Hyp> = Vec::with_capacity(live.len() * 4);
        for (rank, mut h) in live.drain(..).enumerate() {
            let Some(lead) = h.pending else { continue };
            // A garbage character of the span got its own annotation (`扇(shàn)`): the pinyin was
            // inserted after its bytes and the reading stays shifted, so the annotation is
            // damage that goes with the garbage.
            h.pos += annotation_at(&w, h.pos);
            if lead.is_ascii() {
                // The second byte of the last character was ASCII: the original character itself
                // (a letter absorbed as a trail, the `T` of `琓`). The span ends after it.
                let mut h = h;
                emit(&mut h, model, lead as char);
                h.pending = None;
                finish(h, &mut best);
                continue;
            }
            if h.pos >= n {
                // The span runs to the end of the line: the last lead byte is lost.
                let mut h = h;
                h.pending = None;
                h.score -= 2.0;
                finish(h, &mut best);
                continue;
            }
            let c = w[h.pos];
            if c.is_ascii() {
                // Before the first character every lost byte ties: each of them may meet an
                // orphan, none with a vanished pair first (too wide a search).
                let rank = if steps == 1 { GAP2_FROM } else { rank };
                expand_ascii(&h, rank, lead, c, &w, model, &mut next, &mut |h| {
                    finish(h, &mut best)
                });
            } else if let Some((b1, b2)) = two_bytes(c) {
                // A vanished pair is only worth looking for where the plain reading is poor.
                let mut plain_logp = f32::NEG_INFINITY;
                if let Some(ch) = pair(lead, b1) {
                    let mut g = h.clone();
                    let before = g.score;
                    emit(&mut g, model, ch);
                    plain_logp = g.score - before;
                    g.pending = Some(b2);
                    g.pos += 1;
                    next.push(g);
                }
                // Every start may need a vanished pair at once (the lost byte is still unknown
                // then, so all of them are tried, each with its best first character); later, only
                // the best few hypotheses look for one.
                if h.gaps < MAX_GAPS && plain_logp < GAP_TRIGGER && (steps == 1 || rank < GAP_FROM)
                {
                    let keep = if steps == 1 { 1 } else { 10 };
                    expand_gap(&h, lead, (b1, Some(b2)), keep, model, &mut next);
                    let gap2 = if steps == 1 {
                        gap2_leads.contains(&lead)
                    } else {
                        rank < GAP2_FROM
                    };
                    if h.gaps + 1 < MAX_GAPS && gap2 {
                        expand_gap2(&h, lead, (b1, b2), model, &mut next);
                    }
                }
            }
        }
        prune(&mut next, BEAM);
        // Abandon hypotheses far behind the literal reading, and all of them once none is close
        // to beating the best repair found so far.
        let best_gain = best.as_ref().map_or(f32::NEG_INFINITY, |(g, _)| *g);
        next.retain(|h| {
            let ahead = h.score - literal[h.pos.min(n)];
            ahead >= -ABANDON && ahead >= best_gain - ABANDON
        });
        live = next;
    }

    let (gain, h) = best?;
    if gain < MIN_GAIN || h.out.is_empty() {
        return None;
    }
    let end = q + w[..h.pos].iter().map(|c| c.len_utf8()).sum::<usize>();
    let confidence = 1.0 - 10f32.powf(-gain / 2.0);
    Some(Fix {
        end,
        replacement: Replacement {
            start: q,
            end,
            text: h.out,
            confidence: confidence.clamp(0.5, 0.999),
            reason: std::borrow::Cow::Borrowed("GB18030 span decoded one byte late, realigned"),
        },
    })
}

#[allow(clippy::too_many_arguments)]
fn expand_ascii(
    h: &Hyp,
    rank: usize,
    lead: u8,
    c: char,
    w: &[char],
    model: &Model,
    next: &mut Vec<Hyp>,
    finish: &mut dyn FnMut(Hyp),
) {
    let b = c as u8;
    if c == '\n' {
        return;
    }
    if c == '?' && rank < ORPHAN_FROM {
        expand_orphan(h, rank, lead, w, model, finish);
    }
    // A trail byte surfacing as ASCII ends the span, possibly right after a vanished pair.
    if gb::is_trail(b) && h.gaps < MAX_GAPS {
        let mut ended = Vec::new();
        expand_gap(h, lead, (b, None), 4, model, &mut ended);
        for g in ended {
            finish(g);
        }
    }
    if gb::is_trail(b) {
        if let Some(ch) = pair(lead, b) {
            let mut g = h.clone();
            emit(&mut g, model, ch);
            // An annotation right after the realigned character names its reading.
            if w.get(h.pos + 1) == Some(&'(') {
                g.score += reading_bonus(ch, annotation_body(&w[h.pos + 2..]));
            }
            g.pending = None;
            g.pos += 1;
            finish(g);
        }
    }
    // A fullwidth character folded to ASCII: its bytes are A3 (c + 0x80); an ideographic space
    // is A1 A1, and A3 A0 decodes to it too.
    let folded: &[(u8, u8)] = match b {
        b' ' => &[(0xA1, 0xA1), (0xA3, 0xA0)],
        0x21..=0x7E => &[(0xA3, b + 0x80)],
        _ => &[],
    };
    for &(f1, f2) in folded {
        if let Some(ch) = pair(lead, f1) {
            let mut g = h.clone();
            emit(&mut g, model, ch);
            g.pending = Some(f2);
            g.pos += 1;
            next.push(g);
        }
    }
}

/// ASCII bytes an orphan lead byte may have swallowed, besides markup: none of them can be a
/// trail byte, so the lead byte before them is lost with them. A digit stands for the whole class
/// (the model shares one id between digits; [`guess_digit`] picks one).
const SWALLOWABLE: &[char] = &[
    '\n', '0', ' ', '(', ')', ',', ':', ';', '!', '?', '%', '-', '/',
];
/// log10 prior of an orphan that swallowed nothing before more text: a decoder's orphan lead
/// always takes the next byte with it, so only a reader that resynchronised on its own leaves
/// one alone (at the end of the text nothing is the only reading and costs nothing).
const SWALLOWED_NOTHING: f32 = -3.0;
/// log10 prior of an orphan that swallowed one of [`SWALLOWABLE`].
const SWALLOWED_ASCII: f32 = -0.5;
/// Only the best hypotheses of a step read a `?` as an orphan byte (it ends the span, so a
/// hypothesis far down the beam would not win with it). Must exceed [`GAP2_FROM`].
const ORPHAN_FROM: usize = 16;
/// Orphan readings carried forward per hypothesis.
const ORPHAN_KEEP: usize = 3;
/// Readings of an orphan byte (best first) tried with every swallowed character.
const ORPHAN_SWALLOW_TOP: usize = 16;

/// The digit most often written before `next` at the start of a number (from the Simplified
/// training split: `9` follows `1` in 80 % of cases, `0` follows `2` in 62 %); `1` otherwise.
fn guess_digit(next: char) -> char {
    match next {
        '0' | '3' | '4' | '7' => '2',
        _ => '1',
    }
}

/// An orphan `?` inside a span: the pending lead byte lost its trail (which is unknown) and
/// swallowed the ASCII character after it, or nothing (a cut span, the end of the text). The
/// span ends here. Markup an orphan broke open (`?/p>`, `?nbsp;`, `?lài)`) names what was
/// swallowed; otherwise every [`SWALLOWABLE`] character is scored with its context.
fn expand_orphan(
    h: &Hyp,
    rank: usize,
    lead: u8,
    w: &[char],
    model: &Model,
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
        for &ch in &trails {
            let mut g = h.clone();
            emit(&mut g, model, ch);
            g.score += reading_bonus(ch, ann.clone());
            // The swallowed character is restored but not scored: markup is not language.
            g.out.push(s);
            g.pending = None;
            g.pos += 1;
            finish(g);
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
            orphan_after_gap(&bare, lead, model)
                .into_iter()
                .map(|(g, chars)| (g, chars, true)),
        );
    }
    let next = rest.first().copied().unwrap_or('\n');
    let next_id = model.id(next);
    // Rank (reading, swallowed character, prior) by their score with the next character, then
    // build hypotheses for the best few only.
    let mut ranked: Vec<(f32, usize, Option<char>, f32)> = Vec::new();
    // Only the likeliest readings are paired with every swallowed character.
    endings.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
    for (i, (g, _, swallows)) in endings.iter().enumerate() {
        let nothing = if *swallows && !rest.is_empty() {
            SWALLOWED_NOTHING
        } else {
            0.0
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
            let sid = model.id(s);
            let total = g.score
                + SWALLOWED_ASCII
                + model.logp3_id(g.last2, g.last, sid)
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
            emit(&mut g, model, if s == '0' { guess_digit(next) } else { s });
        }
        g.score += prior;
        g.pending = None;
        g.pos += 1;
        finish(g);
    }
}

/// Readings of an orphan byte right after a vanished pair: `(lead, p1)` then `(p2, x)`, where
/// `(p1, p2)` fell into a user-defined area and `x` is the orphan byte (any lead byte, its trail
/// lost). Only the best few are returned, as (state without text, the two characters).
fn orphan_after_gap(bare: &Hyp, lead: u8, model: &Model) -> Vec<(Hyp, [char; 2])> {
    const FIRSTS: usize = 1;
    const KEEP: usize = 16;
    let mut scored: Vec<(f32, char, u32, char, u32)> = Vec::new();
    for (s1, p1, c1, id1) in gap_firsts(bare, lead, FIRSTS, FIRST_MIN, model) {
        let Some((_, trails)) = pua_pairs().iter().find(|(l, _)| *l == p1) else {
            continue;
        };
        for &p2 in trails {
            for x in 0x81u8..=0xFE {
                let Some(c2) = pair(p2, x) else { continue };
                let id2 = model.id(c2);
                let s = bare.score + GAP_PRIOR + s1 + model.logp3_id(bare.last, id1, id2);
                scored.push((s, c1, id1, c2, id2));
            }
        }
    }
    if scored.len() > KEEP {
        scored.select_nth_unstable_by(KEEP, |a, b| b.0.total_cmp(&a.0));
        scored.truncate(KEEP);
    }
    scored
        .into_iter()
        .map(|(s, c1, id1, c2, id2)| {
            let g = extend(bare, &[(c1, id1), (c2, id2)], s, bare.gaps + 1, None);
            (g, [c1, c2])
        })
        .collect()
}

/// Expands `h` with a vanished user-defined pair before the damaged character whose bytes are
/// `b1 b2`: the original held `(lead, p1)` and `(p2, b1)`. The first character is scored alone
/// and only the best `keep` choices of `p1` are extended with every `p2`.
fn expand_gap(
    h: &Hyp,
    lead: u8,
    (b1, b2): (u8, Option<u8>),
    keep: usize,
    model: &Model,
    next: &mut Vec<Hyp>,
) {
    // A first character the model finds implausible here is not worth pairing with every second.
    // (Only where every lost byte is still tried, which is where the cost is.)
    let min = if keep == 1 {
        FIRST_MIN
    } else {
        f32::NEG_INFINITY
    };
    let firsts = gap_firsts(h, lead, keep, min, model);
    // Score every pair first; build hypotheses (which own a string) only for the best few.
    let mut scored: Vec<(f32, char, u32, char, u32)> = Vec::new();
    for (s1, p1, c1, id1) in firsts {
        let Some((_, trails)) = pua_pairs().iter().find(|(l, _)| *l == p1) else {
            continue;
        };
        for &p2 in trails {
            let Some(c2) = pair(p2, b1) else { continue };
            let id2 = model.id(c2);
            let s = h.score + GAP_PRIOR + s1 + model.logp3_id(h.last, id1, id2);
            scored.push((s, c1, id1, c2, id2));
        }
    }
    if scored.len() > BEAM {
        scored.select_nth_unstable_by(BEAM, |a, b| b.0.total_cmp(&a.0));
        scored.truncate(BEAM);
    }
    let mut local: Vec<Hyp> = Vec::with_capacity(scored.len());
    for (s, c1, id1, c2, id2) in scored {
        let mut g = extend(h, &[(c1, id1), (c2, id2)], s, h.gaps + 1, b2);
        g.pos += 1;
        local.push(g);
    }
    prune(&mut local, GAP_BEAM);
    next.extend(local);
}

/// Best first characters of a vanished pair after `h`: `(lead, p1)` for the lead bytes `p1` of
/// the user-defined areas, scored in context, best first.
fn gap_firsts(
    h: &Hyp,
    lead: u8,
    keep: usize,
    min: f32,
    model: &Model,
) -> Vec<(f32, u8, char, u32)> {
    let mut firsts: Vec<(f32, u8, char, u32)> = pua_pairs()
        .iter()
        .filter_map(|&(p1, _)| {
            let c1 = pair(lead, p1)?;
            let id1 = model.id(c1);
            Some((model.logp3_id(h.last2, h.last, id1), p1, c1, id1))
        })
        .filter(|f| f.0 >= min)
        .collect();
    firsts.sort_by(|a, b| b.0.total_cmp(&a.0));
    firsts.truncate(keep);
    firsts
}

/// A hypothesis extended by characters already scored as a whole (`score` is the new total,
/// before the priors [`push`] adds).
fn extend(h: &Hyp, chars: &[(char, u32)], score: f32, gaps: u8, pending: Option<u8>) -> Hyp {
    let mut g = Hyp {
        out: h.out.clone(),
        score,
        ..*h
    };
    for &(c, id) in chars {
        push(&mut g, c, id);
    }
    g.gaps = gaps;
    g.pending = pending;
    g
}

/// Expands `h` with two vanished pairs in a row before the damaged character `b1 b2`: the
/// original held `(lead, p1)`, `(p2, q1)` and `(q2, b1)`, where `(p1, p2)` and `(q1, q2)` fell
/// into the user-defined areas. Searched greedily: the best first characters, then the best
/// middle ones, then every last one.
fn expand_gap2(h: &Hyp, lead: u8, (b1, b2): (u8, u8), model: &Model, next: &mut Vec<Hyp>) {
    const FIRSTS: usize = 2;
    const MIDDLES: usize = 8;
    let mut middles: Vec<(f32, char, u32, char, u32, u8)> = Vec::new();
    for (s1, p1, c1, id1) in gap_firsts(h, lead, FIRSTS, FIRST_MIN, model) {
        let Some((_, trails)) = pua_pairs().iter().find(|(l, _)| *l == p1) else {
            continue;
        };
        for &p2 in trails {
            for &(q1, _) in pua_pairs() {
                let Some(c2) = pair(p2, q1) else { continue };
                let id2 = model.id(c2);
                let s = h.score + 2.0 * GAP_PRIOR + s1 + model.logp3_id(h.last, id1, id2);
                middles.push((s, c1, id1, c2, id2, q1));
            }
        }
    }
    if middles.len() > MIDDLES {
        middles.select_nth_unstable_by(MIDDLES, |a, b| b.0.total_cmp(&a.0));
        middles.truncate(MIDDLES);
    }
    let mut local = Vec::new();
    for (s, c1, id1, c2, id2, q1) in middles {
        let Some((_, trails)) = pua_pairs().iter().find(|(l, _)| *l == q1) else {
            continue;
        };
        for &q2 in trails {
            let Some(c3) = pair(q2, b1) else { continue };
            let id3 = model.id(c3);
            let total = s + model.logp3_id(id1, id2, id3);
            let mut g = extend(
                h,
                &[(c1, id1), (c2, id2), (c3, id3)],
                total,
                h.gaps + 2,
                Some(b2),
            );
            g.pos += 1;
            local.push(g);
        }
    }
    prune(&mut local, GAP_BEAM);
    next.extend(local);
}

/// What a hypothesis's future depends on: position, pending byte, last two characters, open
/// quotes (the quote balance is scored at the end of the span).
type State = (usize, Option<u8>, u32, u32, (i32, i32));

/// Keeps the best hypothesis per search [`State`], then the best `beam` of those.
fn prune(hyps: &mut Vec<Hyp>, beam: usize) {
    hyps.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut seen: Vec<State> = Vec::with_capacity(beam);
    hyps.retain(|h| {
        let key = (h.pos, h.pending, h.last2, h.last, h.quotes);
        if seen.len() >= beam || seen.contains(&key) {
            return false;
        }
        seen.push(key);
        true
    });
}
