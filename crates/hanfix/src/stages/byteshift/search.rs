//! The beam search over the original byte stream: hypotheses, their scoring, the main loop.

use super::annotation::*;
use super::bytes::*;
use super::gaps::*;
use super::orphan::*;
use super::question_mark;
use crate::doc_model::DocModel;
use crate::gb;
use crate::model::Model;
use crate::stages::pinyin::is_reading;
use crate::tables;
use crate::text::{line_end_near, line_start_near, Replacement};

/// Hypotheses kept after each step of the search.
pub(super) const BEAM: usize = 48;
/// Hypotheses one vanished-pair expansion may add to a step: the many ways to fill a gap must
/// not crowd out the plain readings of the same step.
pub(super) const GAP_BEAM: usize = 8;
/// Longest span (in damaged characters) searched from one trigger.
pub(super) const MAX_SPAN: usize = 64;
/// log10 prior of "this `?` starts a shifted span" against "it is a literal question mark".
pub(super) const SHIFT_PRIOR: f32 = -1.0;
/// log10 prior of one vanished user-defined pair: none, since which pairs vanish follows from the
/// original bytes and the model's score of the original text is the whole evidence (on the
/// training subset `hans_small`, -1 and +0.7 both did worse).
pub(super) const GAP_PRIOR: f32 = 0.0;
/// log10 penalty for a closing quote that closes nothing.
pub(super) const QUOTE_PENALTY: f32 = 3.0;
/// log10 probability of the plain next character below which a vanished pair is looked for.
pub(super) const GAP_TRIGGER: f32 = -2.5;
/// log10 probability below which the first character of a vanished-pair reading is not pursued.
pub(super) const FIRST_MIN: f32 = -4.5;
/// Only the best few hypotheses of a step look for a vanished pair before the next character.
/// (On the training subsets, dev model, 12 instead of 6 took `gbshift+fold` from 2.74 to 2.73 %,
/// `gbshift_annotated+fold` 1.78 to 1.75 %, `fold+gbshift+fold` 2.06 to 2.05 %,
/// `gbshift_sparse+fold` 0.97 to 0.96 %, Traditional `gbshift_annotated+fold` 0.40 to 0.39 %,
/// and the seed's order 0.88 to 0.89 %, for 16 % more time on shifted text; 9 did less.)
pub(super) const GAP_FROM: usize = 12;
/// ... and fewer for two vanished pairs in a row, or one before an orphan byte.
pub(super) const GAP2_FROM: usize = 2;
/// log10 by which a hypothesis may trail the literal reading and still look for two vanished
/// pairs in a row (inside a real span the restored text soon reads far better than the garbage).
pub(super) const GAP2_BEHIND: f32 = 4.0;
/// Lost bytes tried with two vanished pairs right at the start of a span.
pub(super) const GAP2_LEADS: usize = 8;
/// log10 by which a hypothesis may trail the literal reading before it is abandoned.
pub(super) const ABANDON: f32 = 12.0;
/// Most vanished pairs one span may hide.
pub(super) const MAX_GAPS: u8 = 24;
/// log10 cost of ending a span where nothing the search models realigns the reading.
pub(super) const UNEXPLAINED_END: f32 = 10.0;
/// log10 prior of a span whose first character is a sentence end `。！？`, against any other:
/// a page goes out of step at the boundaries of the chunks it was cut into, which fall at
/// sentence ends far more often than inside a sentence (five of the reference article's six
/// spans start at `。`). Without it `??` before a swallowed digit reads `至1966年` as readily as
/// `。1966年`: both bytes of the first character are lost there. The prior chooses between
/// readings only: [`MIN_GAIN`] is met without it (see `make_fix`). Per position, the reference
/// article's spans start at a sentence end 214 times as often as elsewhere (5 of 41 against 1 of
/// 1,758: 2.3 in log10), the simulator's stress density 35 times (1.5). On the training subsets
/// (dev model), 1.9 beat 1.5 on 11 of 13 byte-shift rows (−44 errors in all) and 2.3 cost the
/// Traditional stress rows up to 9 errors each.
pub(super) const SENTENCE_START: f32 = 1.9;
/// log10 margin by which the repair must beat the damaged reading.
pub(super) const MIN_GAIN: f32 = 4.0;
/// log10 cost, in the literal reading, of a lone ASCII letter right after the `?` (`？w，`): the
/// model scores letters as one class, so a letter after a question mark looks like the start of
/// a Latin word, but a letter alone there is seldom text, and it is the shortest span there is:
/// a lost lead byte and a trail byte in 0x40–0x7E surfacing at once, common in Traditional text
/// (`體` is F3 77 and reads `?w`). On the dev model, Traditional `gbshift+fold` went from 0.66 to
/// 0.65 %, `gbshift_annotated+fold` 0.43 to 0.41 %, Simplified `gbshift_annotated+fold` 1.82 to
/// 1.83 %; 4.0 did the same.
pub(super) const LONE_LETTER: f32 = 2.0;

/// log10 cost, in the literal reading, of a question mark repeating the one before it after a
/// clause that asks ([`asks`]: `为什么会这样???`, `你去哪儿了??`): emphasis, common in web text and
/// all but absent from the model's training text, which scores a second `？` like any rare
/// character (−5) and would let a shifted reading (`为什么会这样。库`) explain the run. Elsewhere
/// the model's score stands: `??` is also what a lost lead byte and an orphan leave (`。` and a
/// swallowed line break), and in annotated text a shift leaves `???` and more.
pub(super) const REPEATED_MARK: f32 = 0.0;

/// Words that make a clause a question wherever they stand in it (Simplified and Traditional).
const ASKING: &[&str] = &[
    "吗", "嗎", "呢", "什么", "什麼", "怎么", "怎麼", "怎样", "怎樣", "谁", "誰", "哪", "难道",
    "難道", "如何", "为何", "為何", "啥", "咋", "多少",
];

/// Whether the clause that ends at the end of `before` asks a question: within 32 characters of
/// its end and since the last clause or sentence end, it holds one of [`ASKING`], a choice
/// between a verb and its negation (`去不去`, `有没有`), or it ends in `没` or `吧`
/// (`吃饭了没`).
fn asks(before: &str) -> bool {
    let mut clause: Vec<char> = before
        .chars()
        .rev()
        .take(32)
        .take_while(|c| {
            !matches!(
                c,
                '，' | '。' | '！' | '？' | '；' | '：' | ',' | '!' | ';' | '\n'
            )
        })
        .collect();
    clause.reverse();
    let text: String = clause.iter().collect();
    ASKING.iter().any(|w| text.contains(w))
        || clause
            .windows(3)
            .any(|w| w[0] == w[2] && matches!(w[1], '不' | '没' | '沒'))
        || matches!(clause.last(), Some('没' | '沒' | '吧'))
}

/// log10 prior of a run of question marks standing for symbols an encoder lost, in a document
/// that shows them ([`DocModel::lost_symbols`]), beside a clause mark, a space or a line break,
/// where informal text puts its emoji.
pub(super) const LOST_SYMBOL_LOOSE: f32 = -1.0;
/// The same between other text (`民族??认同`). On the training subset `hans_small` (dev model,
/// 200 documents of `lost_symbols+gbshift_sparse+fold`), −4 kept more real repairs than −3
/// (6,040 errors against 6,069) and left as few false ones (a real span's `?` is followed by
/// garbage, which no prior on the run makes read well).
pub(super) const LOST_SYMBOL: f32 = -4.0;

/// What the literal reading pays for the `leading` question marks at the start of `w` read as
/// lost symbols, when that beats reading them as marks (scored in the context `ctx`); the run
/// starts at byte `run_start` of `text`.
fn lost_symbol_cost(
    text: &str,
    run_start: usize,
    w: &[char],
    leading: usize,
    model: &DocModel,
    ctx: (u32, u32),
) -> Option<f32> {
    if leading == 0 || !model.lost_symbols {
        return None;
    }
    let boundary = |c: Option<char>| {
        c.is_none_or(|c| {
            c.is_whitespace()
                || matches!(c, ',' | '.' | ';' | ':' | '!' | ')' | '"')
                || !c.is_ascii() && tables::class(c) & tables::class::CJK_PUNCT != 0
        })
    };
    let before = text[..run_start].chars().next_back();
    let after = w.get(leading).copied();
    let cost = if boundary(before) || boundary(after) {
        LOST_SYMBOL_LOOSE
    } else {
        LOST_SYMBOL
    };
    let (mut a, mut b) = ctx;
    let mut marks = 0.0;
    for &c in &w[..leading] {
        let (logp, id) = better_width(model, a, b, c);
        marks += logp;
        (a, b) = (b, id);
    }
    (cost > marks).then_some(cost)
}

/// The prior of a span whose first character is `c`: [`SENTENCE_START`] for a sentence end.
fn start_prior(c: char) -> f32 {
    if matches!(c, '。' | '！' | '？') {
        SENTENCE_START
    } else {
        0.0
    }
}

pub(super) struct Fix {
    pub(super) end: usize,
    /// log10 by which the repair beats the damaged reading.
    pub(super) gain: f32,
    pub(super) replacement: Replacement,
}

/// What one search found: the best repair, and the best one that ends early (see
/// [`Search::ending_by`]).
pub(super) struct Search {
    /// The best repair, if one beats the damaged reading by [`MIN_GAIN`].
    pub(super) best: Option<Fix>,
    finished: Finished,
    /// Byte offset in the text after each number of window characters (`ends[0]` is the `?`).
    ends: Vec<usize>,
}

impl Search {
    /// The best repair that ends at or before byte `limit`, if one beats the damaged reading by
    /// [`MIN_GAIN`].
    pub(super) fn ending_by(&self, limit: usize) -> Option<Fix> {
        let within = self.ends.partition_point(|&e| e <= limit);
        let (gain, h) = self.finished.best_up_to(within.checked_sub(1)?)?;
        make_fix(&self.ends, *gain, h.clone())
    }
}

/// The best finished hypothesis for each number of damaged characters consumed, with its gain.
struct Finished {
    by_end: Vec<Option<(f32, Hyp)>>,
    /// The best gain among them.
    best_gain: f32,
}

impl Finished {
    fn new(n: usize) -> Finished {
        Finished {
            by_end: vec![None; n + 1],
            best_gain: f32::NEG_INFINITY,
        }
    }

    fn record(&mut self, gain: f32, h: Hyp) {
        let last = self.by_end.len() - 1;
        let slot = &mut self.by_end[h.pos.min(last)];
        if slot.as_ref().is_none_or(|(g, _)| gain > *g) {
            *slot = Some((gain, h));
        }
        self.best_gain = self.best_gain.max(gain);
    }

    /// The best of those that consumed at most `pos` characters (the shortest of equals).
    fn best_up_to(&self, pos: usize) -> Option<&(f32, Hyp)> {
        self.by_end
            .iter()
            .take(pos + 1)
            .flatten()
            .fold(None, |best, f| match best {
                Some(b) if b.0 >= f.0 => Some(b),
                _ => Some(f),
            })
    }
}

/// The repair of a finished hypothesis, if it gains enough.
fn make_fix(ends: &[usize], gain: f32, h: Hyp) -> Option<Fix> {
    // The prior for a sentence end chooses between readings of a span; whether there is a span
    // at all is decided without it (`什么??快` is a writer's doubled mark, not `什么。⏎快`).
    let start_prior = h.out.chars().next().map_or(0.0, start_prior);
    if gain - start_prior < MIN_GAIN || h.out.is_empty() {
        return None;
    }
    let (start, end) = (ends[0], ends[h.pos.min(ends.len() - 1)]);
    let confidence = 1.0 - 10f32.powf(-gain / 2.0);
    Some(Fix {
        end,
        gain,
        replacement: Replacement {
            start,
            end,
            text: h.out,
            confidence: confidence.clamp(0.5, 0.999),
            reason: std::borrow::Cow::Borrowed("GB18030 span decoded one byte late, realigned"),
        },
    })
}

#[derive(Debug)]
pub(super) struct Hyp {
    /// Damaged characters consumed.
    pub(super) pos: usize,
    /// A lead byte waiting for its trail.
    pub(super) pending: Option<u8>,
    /// The restored text so far.
    pub(super) out: String,
    /// Open double and corner quotes on the line so far.
    pub(super) quotes: (i32, i32),
    /// Model id of the character before the last one written.
    pub(super) last2: u32,
    /// Model id of the last character written.
    pub(super) last: u32,
    pub(super) score: f32,
    pub(super) gaps: u8,
}

impl Clone for Hyp {
    /// A copy with room for a few more characters: a clone is almost always extended at once,
    /// and an exact-size copy would be reallocated then.
    fn clone(&self) -> Hyp {
        let mut out = String::with_capacity(self.out.len() + 8);
        out.push_str(&self.out);
        Hyp { out, ..*self }
    }
}

/// Unclosed double (“”) and corner (「」) quotes in `line`.
pub(super) fn open_quotes(line: &str) -> (i32, i32) {
    let mut q = (0, 0);
    // Every quote mark is three bytes, E2 80 9C/9D or E3 80 8C/8D: a byte scan, no decoding
    // (this runs over a few KiB per search).
    let b = line.as_bytes();
    for i in memchr::memchr2_iter(0xE2, 0xE3, b) {
        match b.get(i + 1..i + 3) {
            Some([0x80, 0x9C]) if b[i] == 0xE2 => q.0 += 1,
            Some([0x80, 0x9D]) if b[i] == 0xE2 => q.0 -= 1,
            Some([0x80, 0x8C]) if b[i] == 0xE3 => q.1 += 1,
            Some([0x80, 0x8D]) if b[i] == 0xE3 => q.1 -= 1,
            _ => {}
        }
    }
    // Quotes a page wrote as entities (the `html` stage decodes them later).
    if line.contains('&') {
        q.0 += line.matches("&ldquo;").count() as i32 - line.matches("&rdquo;").count() as i32;
    }
    q
}

/// Quotes the lines before the one starting at `line_start` left open, each kind 0 or 1: a quote
/// that runs over several paragraphs closes on a later line than it opens (`「我們與他商討…⏎…
/// 是非常幸運的。」`), so a closing quote there is not unlikely. Read over [`LINE_CONTEXT`] bytes
/// (damaged text, as it stands); nothing when the line's start is not known.
pub(super) fn inherited_quotes(text: &str, line_start: usize) -> (i32, i32) {
    if line_start == 0 || text.as_bytes()[line_start - 1] != b'\n' {
        return (0, 0);
    }
    let mut from = line_start.saturating_sub(LINE_CONTEXT);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let (d, c) = open_quotes(&text[from..line_start]);
    (d.clamp(0, 1), c.clamp(0, 1))
}

/// The last three characters of `before` as a reader sees them (the last first, a line break
/// past the start): a tag is invisible (a `<br>` is a line break) and an entity is its character,
/// as [`after_markup`] reads the text after a span. The `html` stage runs after this one, so a
/// span after `&rdquo;` would otherwise start after `;`.
pub(super) fn shown_before(before: &str) -> [char; 3] {
    /// Characters of an entity's name looked back through.
    const MAX_ENTITY: usize = 12;
    let mut out = ['\n'; 3];
    let mut n = 0;
    let mut skipped = 0;
    let mut rest = before;
    while n < 3 {
        let Some(c) = rest.chars().next_back() else {
            break;
        };
        let head = &rest[..rest.len() - c.len_utf8()];
        let markup = match c {
            _ if skipped >= MAX_MARKUP_CHAIN => None,
            '>' => head
                .char_indices()
                .rev()
                .take(MAX_MARKUP)
                .find(|&(_, d)| d == '<' || d == '>' || d == '\n')
                .filter(|&(_, d)| d == '<')
                .and_then(|(open, _)| {
                    let name = head[open + 1..].trim_start_matches('/');
                    let len = name
                        .bytes()
                        .take_while(|b| b.is_ascii_alphanumeric())
                        .count();
                    let br = name[..len].eq_ignore_ascii_case("br");
                    (len > 0 && name.as_bytes()[0].is_ascii_alphabetic())
                        .then_some((open, br.then_some('\n')))
                }),
            ';' => head
                .char_indices()
                .rev()
                .take(MAX_ENTITY)
                .find(|&(_, d)| !(d.is_ascii_alphanumeric() || d == '#'))
                .filter(|&(_, d)| d == '&')
                .and_then(|(amp, _)| {
                    crate::stages::html::entity(&head[amp + 1..]).map(|e| (amp, Some(e)))
                }),
            _ => None,
        };
        match markup {
            Some((at, shown)) => {
                skipped += 1;
                rest = &rest[..at];
                if let Some(e) = shown {
                    out[n] = if e.is_whitespace() && e != '\n' {
                        ' '
                    } else {
                        e
                    };
                    n += 1;
                }
            }
            None => {
                out[n] = c;
                n += 1;
                rest = head;
            }
        }
    }
    out
}

/// Scores `c` after the hypothesis's last two characters and appends it.
pub(super) fn emit(h: &mut Hyp, model: &DocModel, c: char) {
    let id = model.id(c);
    h.score += model.logp3_id(h.last2, h.last, id) + model.script_cost(c);
    push(h, c, id);
}

/// Appends `c` (already scored by the model): quote bookkeeping and the priors the model does
/// not know.
pub(super) fn push(h: &mut Hyp, c: char, id: u32) {
    // The span's first character (nothing written yet, only the `?` consumed).
    let first = h.pos == 1 && h.out.is_empty();
    h.score += prior(&mut h.quotes, first, c);
    h.last2 = h.last;
    h.last = id;
    h.out.push(c);
}

/// The priors the model does not know of writing `c` with the open `quotes` (updated), `first`
/// when it is the span's first character.
pub(super) fn prior(quotes: &mut (i32, i32), first: bool, c: char) -> f32 {
    let mut p = 0.0;
    // A closing quote with no opening quote before it on the line is unlikely.
    match c {
        '”' if quotes.0 <= 0 => p -= QUOTE_PENALTY,
        '」' if quotes.1 <= 0 => p -= QUOTE_PENALTY,
        _ => {}
    }
    match c {
        '“' => quotes.0 += 1,
        '”' => quotes.0 -= 1,
        '「' => quotes.1 += 1,
        '」' => quotes.1 -= 1,
        _ => {}
    }
    if first {
        p += start_prior(c);
    }
    // A realigned reading must not buy a cheap `Ｉ` where `，由` was.
    p + Model::width_cost(c)
}

/// Bytes of the line on each side of a trigger that the search reads for its quotes.
pub(super) const LINE_CONTEXT: usize = 4096;

/// The search for the span at `q`. `context`, when given, is the text of `q`'s line before `q`
/// as earlier repairs left it (see `repaired_before`): its last characters are the search's
/// context, and its quotes are the ones the line has opened.
pub(super) fn repair_at(text: &str, q: usize, model: &DocModel, context: Option<&str>) -> Search {
    let [prev, prev2, prev3] = shown_before(context.unwrap_or(&text[..q]));
    // ASCII marks in the context after Chinese text are read as the fullwidth marks they stand
    // for (the punctuation stage widens them): after `事項,` a span starts a clause, as after `，`.
    let (id2, id1) = (
        context_id(model, prev2, prev3),
        context_id(model, prev, prev2),
    );
    // The quotes of the line are balanced over a few KiB on each side only: a line with a
    // trigger every few characters would cost quadratic time otherwise.
    let line_start = line_start_near(text, q, LINE_CONTEXT);
    let line_end = line_end_near(text, q, LINE_CONTEXT);
    let inherited = inherited_quotes(text, line_start);
    let w: Vec<char> = text[q..line_end].chars().take(MAX_SPAN).collect();
    // The two characters after a span (as model ids), past an annotation, reading markup an
    // orphan byte may have broken open as what it shows; the second is `None` past markup (a
    // second character there scored worse on the training subsets) or the window.
    let after_window = |pos: usize| -> (u32, Option<u32>) {
        let mut rest = &w[pos.min(w.len())..];
        // An annotation of the span's last character goes with it.
        if rest.first() == Some(&'(') {
            if let Some((len, _)) = annotation_body(&rest[1..]) {
                rest = &rest[1 + len..];
            }
        }
        if let Some(c) = after_markup(rest) {
            return (model.id(c), None);
        }
        match rest {
            [] => (crate::model::BOS_ID, None),
            // The window ends with the line, or is cut short of it.
            [c] if w.len() < MAX_SPAN => (model.id(*c), Some(crate::model::BOS_ID)),
            [c] => (model.id(*c), None),
            [c, d, ..] => (model.id(*c), Some(context_id(model, *d, *c))),
        }
    };
    let n = w.len();
    // Looked up once per position: every hypothesis that finishes there reads the same text.
    let after: Vec<(u32, Option<u32>)> = (0..=n).map(after_window).collect();

    let mut live: Vec<Hyp> = Vec::new();
    let start = Hyp {
        pos: 1,
        pending: None,
        out: String::new(),
        quotes: {
            let (d, c) = open_quotes(match context {
                Some(c) => c.rfind('\n').map_or(c, |p| &c[p + 1..]),
                None => &text[line_start..q],
            });
            (d + inherited.0, c + inherited.1)
        },
        last2: id2,
        last: id1,
        score: SHIFT_PRIOR,
        gaps: 0,
    };
    let leads: Vec<u8> = (0x81u8..=0xFE).collect();
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
    let (mut l2, mut l1) = (id2, id1);
    literal.push(0.0f32);
    literal_ctx.push((l2, l1));
    // The annotation reading the character before each window position, if any: looked up by
    // the literal reading and by every hypothesis that reaches the position.
    let annotations: Vec<usize> = (0..n).map(|k| annotation_at(&w, k)).collect();
    let mut skip = 0;
    // A run of question marks at `q` after a clause that asks: the window's marks after the
    // run's first are emphasis in the literal reading.
    let run_start = text[..q]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| question_mark(c))
        .last()
        .map_or(q, |(i, _)| i);
    let marks_before = text[run_start..q].chars().count();
    let leading = w.iter().take_while(|&&c| question_mark(c)).count();
    // The run must follow the question's last word and be followed by text: after a closing
    // quote (`「為什麼」??`) the clause only names a question, and markup after the run
    // (`嗎??/span>`) is what an orphan broke open.
    let after_han = text[..run_start]
        .chars()
        .next_back()
        .is_some_and(tables::is_han);
    let emphasis = if marks_before + leading >= 2
        && after_han
        && swallowed(&w[leading..]).is_none()
        && asks(&text[..run_start])
    {
        leading
    } else {
        0
    };
    let lost = if emphasis == 0 {
        lost_symbol_cost(text, run_start, &w, leading, model, (l2, l1))
    } else {
        None
    };
    for (k, &c) in w.iter().enumerate() {
        let total = literal.last().copied().unwrap_or(0.0);
        skip = skip.max(annotations[k]);
        if skip > 0 {
            skip -= 1;
            literal.push(total);
        } else if k < emphasis && (k > 0 || marks_before > 0) {
            literal.push(total + REPEATED_MARK);
        } else if let Some(cost) = lost.filter(|_| k < leading) {
            // The run stands for symbols the text lost: it costs what it costs once, and the
            // text after it is read in the context before it.
            literal.push(if k == 0 { total + cost } else { total });
        } else {
            // ASCII punctuation may be folded fullwidth punctuation (`吗??我`): the literal
            // reading gets the better of the two, as the search does.
            let (mut logp, id) = better_width(model, l2, l1, c);
            if k == 1
                && c.is_ascii_alphabetic()
                && !w.get(2).is_some_and(|d| d.is_ascii_alphanumeric())
            {
                logp -= LONE_LETTER;
            }
            literal.push(total + logp);
            (l2, l1) = (l1, id);
        }
        literal_ctx.push((l2, l1));
    }

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
    // What a hypothesis pays at its finish for the quotes it would leave open there: a quote an
    // earlier line opened may stay open; one this line opens should close.
    let quote_debt = |h: &Hyp| {
        let (d, c) = rest_quotes[h.pos.min(n)];
        if h.quotes.0 + d > inherited.0 || h.quotes.1 + c > inherited.1 {
            QUOTE_PENALTY
        } else {
            0.0
        }
    };
    let mut finished = Finished::new(n);
    let mut named = Named::new(n);
    let finish = |h: Hyp, finished: &mut Finished| {
        let mut h = h;
        let (next, next2) = after[h.pos.min(n)];
        h.score += model.logp3_id(h.last2, h.last, next);
        if let Some(n2) = next2 {
            h.score += model.logp3_id(h.last, next, n2);
        }
        h.score -= quote_debt(&h);
        let (l2, l1) = literal_ctx[h.pos];
        let mut base = literal[h.pos] + model.logp3_id(l2, l1, next);
        if let Some(n2) = next2 {
            base += model.logp3_id(l1, next, n2);
        }
        finished.record(h.score - base, h);
    };

    // Step-one candidates for two vanished pairs: (best first character, hypothesis, lost byte,
    // bytes of the damaged character).
    let mut start_gap2: Vec<(f32, Hyp, u8, (u8, u8))> = Vec::new();
    let mut steps = 0;
    while !live.is_empty() && steps < MAX_SPAN {
        steps += 1;
        let mut next: Vec<Hyp> = Vec::with_capacity(live.len() * 4);
        for (rank, mut h) in live.drain(..).enumerate() {
            let Some(lead) = h.pending else { continue };
            // A garbage character of the span got its own annotation (`扇(shàn)`): the pinyin was
            // inserted after its bytes and the reading stays shifted, so the annotation is
            // damage that goes with the garbage.
            h.pos += annotations.get(h.pos).copied().unwrap_or(0);
            if lead.is_ascii() {
                // The second byte of the last character was ASCII: the original character itself
                // (a letter absorbed as a trail, the `T` of `琓`). The span ends after it.
                let mut h = h;
                emit(&mut h, model, lead as char);
                h.pending = None;
                finish(h, &mut finished);
                continue;
            }
            if h.pos >= n {
                // The span runs to the end of the line: the last lead byte is lost.
                let mut h = h;
                h.pending = None;
                h.score -= 2.0;
                finish(h, &mut finished);
                continue;
            }
            // The best reading may also end here for a reason the search does not model (a
            // pair that vanished with an ASCII letter, `·D` as A4 44): the pending byte is lost
            // and the text after it reads aligned.
            if rank == 0 && steps > 1 {
                let mut g = h.clone();
                g.pending = None;
                g.score -= UNEXPLAINED_END;
                finish(g, &mut finished);
            }
            let c = w[h.pos];
            if c.is_ascii() {
                // Before the first character every lost byte ties: each of them may meet an
                // orphan, none with a vanished pair first (too wide a search).
                let rank = if steps == 1 { GAP2_FROM } else { rank };
                expand_ascii(
                    &h,
                    rank,
                    lead,
                    c,
                    &w,
                    &mut named,
                    model,
                    &mut next,
                    &mut |h| finish(h, &mut finished),
                );
            } else if let Some((b1, b2)) = two_bytes(c) {
                // A vanished pair is only worth looking for where the plain reading is poor, or
                // by the best hypothesis: a plain reading can be fluent and still wrong (`行政诉讼`
                // read `行者讼`: 者 after 行 is likely, 讼 after it is not).
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
                let poor = plain_logp < GAP_TRIGGER || steps > 1 && rank == 0;
                if h.gaps < MAX_GAPS && poor && (steps == 1 || rank < GAP_FROM) {
                    let keep = if steps == 1 { 1 } else { 10 };
                    let after = read_next(&w, h.pos, b2, model);
                    let first = expand_gap(&h, lead, (b1, Some(b2)), keep, after, model, &mut next);
                    if h.gaps + 1 < MAX_GAPS {
                        match (steps, first) {
                            // Every lost byte is still tried: only those whose first character
                            // after a vanished pair fits best get two (decided after the step).
                            (1, Some(f)) => start_gap2.push((f, h.clone(), lead, (b1, b2))),
                            (1, None) => {}
                            // Later, the best hypotheses that are not explaining clean text as
                            // damage (far behind the literal reading).
                            _ if rank < GAP2_FROM
                                && h.score - literal[h.pos.min(n)] > -GAP2_BEHIND =>
                            {
                                expand_gap2(&h, lead, (b1, b2), after, model, &mut next)
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        if !start_gap2.is_empty() {
            start_gap2.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (_, h, lead, bytes) in start_gap2.drain(..).take(GAP2_LEADS) {
                let after = read_next(&w, h.pos, bytes.1, model);
                expand_gap2(&h, lead, bytes, after, model, &mut next);
            }
        }
        // Ranked with what each would pay for its quotes if it finished now: the model does not
        // see them, so a `”` that closes the line's `“` would otherwise fall out of the beam
        // before the finish could prefer it.
        prune(&mut next, BEAM, |h| h.score - quote_debt(h));
        // Abandon hypotheses far behind the literal reading, and all of them once none is close
        // to beating the best repair found so far.
        let best_gain = finished.best_gain;
        next.retain(|h| {
            let ahead = h.score - literal[h.pos.min(n)];
            ahead >= -ABANDON && ahead >= best_gain - ABANDON
        });
        live = next;
    }

    let ends: Vec<usize> = std::iter::once(q)
        .chain(w.iter().scan(q, |at, c| {
            *at += c.len_utf8();
            Some(*at)
        }))
        .collect();
    let best = finished
        .best_up_to(n)
        .and_then(|(gain, h)| make_fix(&ends, *gain, h.clone()));
    Search {
        best,
        finished,
        ends,
    }
}

/// For each window position holding a surfacing trail byte with an annotation right after it,
/// the characters `(p2, trail)` the annotation names, with `p2` and their model ids: the
/// characters a vanished-pair reading may end with there and earn the annotation's bonus.
/// Computed once per position (`is_reading` costs an allocation per reading).
pub(super) struct Named {
    at: Vec<Option<Vec<(u8, char, u32)>>>,
}

impl Named {
    fn new(n: usize) -> Named {
        Named {
            at: vec![None; n + 1],
        }
    }

    /// The named characters at window position `pos` (empty without an annotation).
    fn at(&mut self, pos: usize, w: &[char], model: &DocModel) -> &[(u8, char, u32)] {
        let Some(slot) = self.at.get_mut(pos) else {
            return &[];
        };
        slot.get_or_insert_with(|| {
            let trail = w.get(pos).map_or(0, |&c| c as u32);
            let syl = (w.get(pos + 1) == Some(&'('))
                .then(|| annotation_body(&w[pos + 2..]))
                .flatten();
            match (u8::try_from(trail), syl) {
                (Ok(b), Some((_, syl))) if b.is_ascii() => (0x81u8..=0xFE)
                    .filter_map(|p2| pair(p2, b).map(|c| (p2, c)))
                    .filter(|&(_, c)| is_reading(c, &syl))
                    .map(|(p2, c)| (p2, c, model.id(c)))
                    .collect(),
                _ => Vec::new(),
            }
        })
    }
}

/// log10 P(`c` | `a`, `b`) and the id it was scored as, for a character that may be folded
/// punctuation: the better of its ASCII and fullwidth forms.
pub(super) fn better_width(model: &DocModel, a: u32, b: u32, c: char) -> (f32, u32) {
    let plain = model.id(c);
    let ascii = (model.logp3_id(a, b, plain), plain);
    match folded_punct(c).map(|f| model.id(f)) {
        Some(wide) => {
            let folded = (model.logp3_id(a, b, wide), wide);
            if folded.0 > ascii.0 {
                folded
            } else {
                ascii
            }
        }
        None => ascii,
    }
}

/// The model id of `c` as context, `before` being the character before it: an ASCII mark
/// folding may have produced stands for its fullwidth form after Chinese text.
fn context_id(model: &DocModel, c: char, before: char) -> u32 {
    match folded_punct(c) {
        Some(wide) if tables::is_chinese(before) => model.id(wide),
        _ => model.id(c),
    }
}

/// The fullwidth form of ASCII punctuation that folding produces.
fn folded_punct(c: char) -> Option<char> {
    matches!(c, '!' | '?' | ',' | ':' | ';' | '(' | ')')
        .then(|| char::from_u32(c as u32 + 0xFEE0))
        .flatten()
}

#[allow(clippy::too_many_arguments)]
pub(super) fn expand_ascii(
    h: &Hyp,
    rank: usize,
    lead: u8,
    c: char,
    w: &[char],
    named: &mut Named,
    model: &DocModel,
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
        let after = w.get(h.pos + 1).map(|&d| model.id(d));
        let _ = expand_gap(h, lead, (b, None), 4, after, model, &mut ended);
        // An annotation right after names the realigned character (`?蹏e(jǔ )` is `帝國舉(jǔ )`,
        // 國 = 87 F8 and F8 C5 vanished): it earns its bonus here too, and the readings it names
        // compete even where the model alone would have pruned them.
        let named = named.at(h.pos, w, model);
        if !named.is_empty() {
            for g in &mut ended {
                if g.out
                    .chars()
                    .next_back()
                    .is_some_and(|c| named.iter().any(|n| n.1 == c))
                {
                    g.score += READING_BONUS;
                }
            }
            for (s1, p1, c1, id1) in gap_firsts(h, lead, usize::MAX, f32::NEG_INFINITY, model) {
                let trails = pua_trails(p1);
                for &(_, c2, id2) in named.iter().filter(|n| trails.contains(&n.0)) {
                    let score = h.score
                        + GAP_PRIOR
                        + s1
                        + model.logp3_id(h.last, id1, id2)
                        + model.script_cost(c2)
                        + READING_BONUS;
                    let mut g = extend(h, &[(c1, id1), (c2, id2)], score, h.gaps + 1, None);
                    g.pos += 1;
                    ended.push(g);
                }
            }
        }
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
        let mut plain_logp = f32::NEG_INFINITY;
        if let Some(ch) = pair(lead, f1) {
            let mut g = h.clone();
            emit(&mut g, model, ch);
            plain_logp = g.score - h.score;
            g.pending = Some(f2);
            g.pos += 1;
            next.push(g);
        }
        // A vanished pair may hide before it, as before any damaged character (`名。新` is C3 FB
        // A1 A3 D0 C2: FB A1 vanishes and A3 D0 reads `Ｐ`, folded to `P`). Not on the first
        // character, where every lost byte is still tried.
        if h.pos > 1 && h.gaps < MAX_GAPS && plain_logp < GAP_TRIGGER && rank < GAP_FROM {
            let after = read_next(w, h.pos, f2, model);
            let _ = expand_gap(h, lead, (f1, Some(f2)), 10, after, model, next);
        }
    }
}

/// The model id of what the damaged character after window position `pos` reads with the pending
/// byte `lead` when no pair vanished between them, if that is a character.
fn read_next(w: &[char], pos: usize, lead: u8, model: &DocModel) -> Option<u32> {
    let (b1, _) = two_bytes(*w.get(pos + 1)?)?;
    pair(lead, b1).map(|c| model.id(c))
}

/// A hypothesis extended by characters already scored as a whole (`score` is the new total,
/// before the priors [`push`] adds).
pub(super) fn extend(
    h: &Hyp,
    chars: &[(char, u32)],
    score: f32,
    gaps: u8,
    pending: Option<u8>,
) -> Hyp {
    // Room for what is appended, so that cloning does not cost a second allocation.
    let mut out = String::with_capacity(h.out.len() + 4 * chars.len());
    out.push_str(&h.out);
    let mut g = Hyp { out, score, ..*h };
    for &(c, id) in chars {
        push(&mut g, c, id);
    }
    g.gaps = gaps;
    g.pending = pending;
    g
}

/// What a hypothesis's future depends on: position, pending byte, last two characters, open
/// quotes (the quote balance is scored at the end of the span).
pub(super) type State = (usize, Option<u8>, u32, u32, (i32, i32));

/// Keeps the best hypothesis per search [`State`], then the best `beam` of those, best by `rank`.
pub(super) fn prune(hyps: &mut Vec<Hyp>, beam: usize, rank: impl Fn(&Hyp) -> f32) {
    hyps.sort_by(|a, b| rank(b).total_cmp(&rank(a)));
    keep_best(hyps, beam);
}

/// Keeps the first `beam` hypotheses of distinct states, in order.
fn keep_best(hyps: &mut Vec<Hyp>, beam: usize) {
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
