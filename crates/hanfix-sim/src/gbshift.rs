//! GB18030 spans decoded one byte late, with or without pinyin annotating the garbage.
//!
//! The byte model: the text is encoded as GB18030. A span starts at a character boundary whose
//! lead byte is lost (shown as `?`); the decoder then reads from the next byte, so each pair
//! straddles two characters. Pairs that decode to a private-use code point (GBK's user-defined
//! areas) vanish; a lead byte followed by an ASCII byte that cannot be its trail becomes `?` and
//! swallows that byte; the reading realigns by itself when it lands on a character boundary again
//! (a trail byte in 0x40–0x7E surfacing as ASCII, or a swallowed ASCII byte). See
//! [`crate::codec::crawl_step`] for the exact decoder.
//!
//! In the annotated order ([`Mode::Annotated`]) the shifted reading is only used to pick a
//! garbage character; its pinyin is inserted into the byte stream right after that character's
//! bytes, and the stream is then decoded aligned: the orphan lead byte before the annotation
//! swallows the `(` and the text after it is shifted (`不少?lài)姨岢鱿M`).

use std::collections::BTreeMap;

use crate::codec::{crawl_step, push_out, GbText, Out};
use crate::pinyin::{annotation, PinyinParams};
use crate::rng::Rng;
use crate::script::is_han;

/// Where shifted spans start and how long they may run.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftParams {
    /// Probability that a span starts at a sentence end `。！？`.
    pub sentence_rate: f64,
    /// Probability that a span starts at any other Han character.
    pub mid_rate: f64,
    /// A span that has not realigned after this many characters is cut: the stranded byte shows
    /// as `?` and the reading realigns.
    pub max_span: usize,
}

impl Default for ShiftParams {
    /// A stress test: spans several times denser than the reference article's.
    fn default() -> Self {
        ShiftParams {
            sentence_rate: 0.35,
            mid_rate: 0.01,
            max_span: 40,
        }
    }
}

impl ShiftParams {
    /// The reference article's density: five of its six spans start at one of its 41 sentence
    /// ends (12 %), one among its 1,758 other Han characters.
    pub fn seed_density() -> Self {
        ShiftParams {
            sentence_rate: 0.12,
            mid_rate: 0.0006,
            ..ShiftParams::default()
        }
    }
}

/// Plain one-byte-late spans, or spans whose garbage got its own pinyin.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// The lost lead byte shows as `?` at the span start.
    Plain,
    /// A garbage character is annotated in the byte stream (`?lài)`).
    Annotated {
        /// Tone marks and stray spaces of the annotations.
        pinyin: PinyinParams,
        /// Probability that each later garbage character of the span is annotated too.
        extra_rate: f64,
    },
}

#[derive(Debug, Clone)]
enum Event {
    /// Emit `?` and skip this many bytes (lost lead at a span start, or a capped span's end).
    Skip(usize),
    /// Insert these bytes before the byte at this position.
    Insert(Vec<u8>),
}

/// A garbage character of a shifted span: the character and the byte range it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Garbage {
    /// The character read.
    pub c: char,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// The simulated shifted reading of a span starting at boundary `p`.
struct SpanSim {
    /// Boundary where the reading realigned (or the capped position's next boundary).
    end: usize,
    /// Position where the span was capped, if it was.
    cap: Option<usize>,
    /// Garbage characters whose bytes straddle two characters.
    straddling: Vec<Garbage>,
}

fn simulate(gb: &GbText, p: usize, max_span: usize) -> SpanSim {
    let bytes = &gb.bytes;
    let mut pos = p + 1;
    let mut straddling = Vec::new();
    loop {
        if pos >= bytes.len() || gb.boundary[pos] {
            return SpanSim {
                end: pos.min(bytes.len()),
                cap: None,
                straddling,
            };
        }
        if gb.char_index[pos] - gb.char_index[p] > max_span {
            let mut end = pos;
            while !gb.boundary[end] {
                end += 1;
            }
            return SpanSim {
                end,
                cap: Some(pos),
                straddling,
            };
        }
        let (o, next) = crawl_step(bytes, pos);
        if let Out::Char(c) = o {
            if next <= bytes.len() && !gb.boundary[next.min(bytes.len())] && is_han(c) {
                straddling.push(Garbage {
                    c,
                    start: pos,
                    end: next,
                });
            }
        }
        pos = next;
    }
}

fn skip_to_boundary(gb: &GbText, pos: usize) -> usize {
    let mut end = pos;
    while !gb.boundary[end] {
        end += 1;
    }
    end - pos
}

fn render(gb: &GbText, events: &BTreeMap<usize, Vec<Event>>) -> String {
    render_tracked(gb, events).0
}

/// Renders the damaged text and marks which bytes of `gb` left no trace in it: lost lead bytes,
/// bytes of pairs that vanished, and bytes an orphan swallowed.
fn render_tracked(gb: &GbText, events: &BTreeMap<usize, Vec<Event>>) -> (String, Vec<bool>) {
    // Build the modified stream; skips are kept as (new position → length), and `origin` maps
    // each stream byte back to its position in `gb` (inserted bytes have none).
    let mut stream = Vec::with_capacity(gb.bytes.len() + 64);
    let mut origin: Vec<Option<usize>> = Vec::with_capacity(gb.bytes.len() + 64);
    let mut skips: BTreeMap<usize, usize> = BTreeMap::new();
    let mut last = 0;
    for (&pos, evs) in events {
        stream.extend_from_slice(&gb.bytes[last..pos]);
        origin.extend((last..pos).map(Some));
        last = pos;
        for ev in evs {
            match ev {
                Event::Insert(b) => {
                    stream.extend_from_slice(b);
                    origin.extend(b.iter().map(|_| None));
                }
                Event::Skip(n) => {
                    skips.insert(stream.len(), *n);
                }
            }
        }
    }
    stream.extend_from_slice(&gb.bytes[last..]);
    origin.extend((last..gb.bytes.len()).map(Some));
    let mut lost = vec![false; gb.bytes.len()];
    let mut mark = |from: usize, to: usize| {
        for o in origin[from..to.min(origin.len())].iter().flatten() {
            lost[*o] = true;
        }
    };
    let mut out = String::with_capacity(stream.len() * 3 / 2);
    let mut pos = 0;
    while pos < stream.len() {
        if let Some(&n) = skips.get(&pos) {
            out.push('?');
            mark(pos, pos + n);
            pos += n;
            continue;
        }
        let (o, next) = crawl_step(&stream, pos);
        if matches!(o, Out::Vanish | Out::Question) {
            mark(pos, next);
        }
        push_out(&mut out, o);
        pos = next;
    }
    (out, lost)
}

fn plan_span(
    gb: &GbText,
    p: usize,
    max_span: usize,
    mode: &Mode,
    rng: &mut Rng,
    pick_first: Option<usize>,
    events: &mut BTreeMap<usize, Vec<Event>>,
) -> usize {
    let sim = simulate(gb, p, max_span);
    let mut annotated = false;
    if let Mode::Annotated { pinyin, extra_rate } = mode {
        let candidates: Vec<(usize, String)> = sim
            .straddling
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let space = rng.chance(pinyin.space_rate);
                annotation(g.c, pinyin.tone, space).map(|a| (i, a))
            })
            .collect();
        if !candidates.is_empty() {
            let k = match pick_first {
                Some(i) => candidates.iter().position(|(j, _)| *j == i).unwrap_or(0),
                None => rng.below(candidates.len()),
            };
            for (n, (i, ann)) in candidates.iter().enumerate().skip(k) {
                if n == k || rng.chance(*extra_rate) {
                    let bytes = crate::codec::encode_lossy(encoding_rs::GB18030, ann);
                    events
                        .entry(sim.straddling[*i].end)
                        .or_default()
                        .push(Event::Insert(bytes));
                }
            }
            annotated = true;
        }
    }
    if !annotated {
        events.entry(p).or_default().push(Event::Skip(1));
    }
    if let Some(cap) = sim.cap {
        events
            .entry(cap)
            .or_default()
            .push(Event::Skip(skip_to_boundary(gb, cap)));
    }
    sim.end
}

/// Decodes spans of `text` one byte late, choosing span starts with `params` and `rng`.
pub fn shift(text: &str, params: &ShiftParams, mode: &Mode, rng: &mut Rng) -> String {
    let gb = GbText::encode(text);
    let events = plan_spans(&gb, params, mode, rng);
    render(&gb, &events)
}

/// Chooses the span starts of [`shift`] and plans each span.
fn plan_spans(
    gb: &GbText,
    params: &ShiftParams,
    mode: &Mode,
    rng: &mut Rng,
) -> BTreeMap<usize, Vec<Event>> {
    let mut events = BTreeMap::new();
    let mut pos = 0;
    while pos < gb.bytes.len() {
        let c = gb.chars[gb.char_index[pos]];
        let rate = match c {
            '。' | '！' | '？' => params.sentence_rate,
            _ if is_han(c) => params.mid_rate,
            _ => 0.0,
        };
        if !c.is_ascii() && rng.chance(rate) {
            pos = plan_span(gb, pos, params.max_span, mode, rng, None, &mut events);
        } else {
            pos += 1;
            while !gb.boundary[pos] {
                pos += 1;
            }
        }
    }
    events
}

/// What a shift left of one character's bytes: what any repair can read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Loss {
    /// Every byte left a trace in the damaged text.
    None,
    /// Some bytes left a trace, some did not.
    Partial,
    /// No byte left a trace: a repair can only guess the character from its context.
    Total,
}

/// [`shift`] in [`Mode::Plain`], also telling, for each character of `text`, whether its bytes
/// survived: lost lead bytes, pairs that vanished and bytes an orphan swallowed leave no trace.
pub fn shift_with_loss(text: &str, params: &ShiftParams, rng: &mut Rng) -> (String, Vec<Loss>) {
    let gb = GbText::encode(text);
    let events = plan_spans(&gb, params, &Mode::Plain, rng);
    let (out, lost) = render_tracked(&gb, &events);
    let mut loss = Vec::with_capacity(gb.chars.len());
    let mut start = 0;
    while start < gb.bytes.len() {
        let mut end = start + 1;
        while !gb.boundary[end] {
            end += 1;
        }
        loss.push(match lost[start..end].iter().filter(|&&l| l).count() {
            0 => Loss::None,
            n if n == end - start => Loss::Total,
            _ => Loss::Partial,
        });
        start = end;
    }
    (out, loss)
}

/// Shifts spans starting exactly at the characters with the given indices (spans that would
/// start inside an earlier span are ignored). Deterministic; used to check the byte model.
pub fn shift_at(text: &str, starts: &[usize], max_span: usize) -> String {
    let gb = GbText::encode(text);
    let mut events = BTreeMap::new();
    let mut rng = Rng::new(0);
    let mut covered = 0;
    let mut starts = starts.to_vec();
    starts.sort_unstable();
    for s in starts {
        let Some(p) = gb.char_index.iter().position(|&i| i == s) else {
            continue;
        };
        if p < covered || p >= gb.bytes.len() || gb.chars[s].is_ascii() {
            continue;
        }
        covered = plan_span(&gb, p, max_span, &Mode::Plain, &mut rng, None, &mut events);
    }
    render(&gb, &events)
}

/// The annotated order at one place: a span starting at character `start`, whose `garbage`-th
/// straddling garbage character gets its pinyin (`tone`, `space`) inserted into the byte stream.
pub fn shift_annotated_at(
    text: &str,
    start: usize,
    garbage: usize,
    tone: bool,
    space: bool,
) -> String {
    let gb = GbText::encode(text);
    let mut events = BTreeMap::new();
    let mut rng = Rng::new(0);
    let Some(p) = gb.char_index.iter().position(|&i| i == start) else {
        return text.to_owned();
    };
    let pinyin = PinyinParams {
        tone,
        space_rate: if space { 1.0 } else { 0.0 },
        ..PinyinParams::default()
    };
    let mode = Mode::Annotated {
        pinyin,
        extra_rate: 0.0,
    };
    plan_span(
        &gb,
        p,
        usize::MAX,
        &mode,
        &mut rng,
        Some(garbage),
        &mut events,
    );
    render(&gb, &events)
}

/// The straddling garbage characters of a span starting at character `start` (for inspection).
pub fn garbage_of_span(text: &str, start: usize) -> Vec<Garbage> {
    let gb = GbText::encode(text);
    match gb.char_index.iter().position(|&i| i == start) {
        Some(p) => simulate(&gb, p, usize::MAX).straddling,
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::fold;

    fn idx(s: &str, c: char) -> usize {
        s.chars().position(|x| x == c).unwrap()
    }

    #[test]
    fn loss_counts_the_lead_byte_and_the_pair_that_vanished() {
        // `。` (A1 A3) loses its lead byte; A3 A1 reads `！` and B1 D4 `痹`, so `”` keeps both
        // bytes. The pair AB C7 (trail of `全`, lead of `球`) is private use and vanishes, so
        // each of those two keeps one byte; `發`'s trail 6C surfaces as `l` and realigns.
        let clean = "格局。”在全球發展";
        let params = ShiftParams {
            sentence_rate: 1.0,
            mid_rate: 0.0,
            max_span: 40,
        };
        let (text, loss) = shift_with_loss(clean, &params, &mut Rng::new(7));
        assert_eq!(text, shift(clean, &params, &Mode::Plain, &mut Rng::new(7)));
        assert_eq!(text, "格局?！痹谌虬l展");
        use Loss::{None as N, Partial as P};
        assert_eq!(loss, [N, N, P, N, N, P, P, N, N]);
    }

    #[test]
    fn seed_example_quote_span() {
        let clean = "“云合影”。“云合影”以特殊的方式記錄下金磚伙伴的";
        let got = fold(&shift_at(clean, &[idx(clean, '。')], 40));
        assert_eq!(got, "“云合影”?!霸坪嫌啊币蕴厥獾姆绞接涗浵陆鸫u伙伴的");
    }

    #[test]
    fn seed_example_private_use_pair_vanishes() {
        let clean = "格局。”在全球發(fā)展";
        assert_eq!(
            fold(&shift_at(clean, &[idx(clean, '。')], 40)),
            "格局?!痹谌虬l(fā)展"
        );
    }

    #[test]
    fn seed_example_orphan_swallows_paren() {
        let clean = "越廣。”近年來(lái),";
        assert_eq!(
            fold(&shift_at(clean, &[idx(clean, '。')], 40)),
            "越廣?!苯陙?lái),"
        );
    }

    #[test]
    fn annotated_order_example() {
        let clean = "不少國家提出希望";
        let g = garbage_of_span(clean, 1);
        assert_eq!(g[0].c, '賴');
        // The text ends inside the span: the stranded last byte shows as a final `?`.
        assert_eq!(
            fold(&shift_annotated_at(clean, 1, 0, true, false)),
            "不少?lài)姨岢鱿M?"
        );
    }

    #[test]
    fn swallows_newline_and_markup() {
        // `”` then `<`: the orphan lead swallows `<`, the rest of the tag survives.
        let clean = "不成。”</p>";
        assert_eq!(
            fold(&shift_at(clean, &[idx(clean, '。')], 40)),
            "不成?!?/p>"
        );
        let s = shift_at("你好。\n再见", &[2], 40);
        assert!(!s.contains('\n'), "{s}");
    }

    #[test]
    fn capped_span_realigns() {
        let clean = "中华人民共和国中华人民共和国中华人民共和国";
        let s = shift_at(clean, &[0], 5);
        assert!(s.ends_with("中华人民共和国中华人民共和国"), "{s}");
        assert!(s.starts_with('?'));
    }

    #[test]
    fn random_spans_are_deterministic() {
        let t = "今天是个好日子。我们一起去公园散步吧！天气真不错？当然。";
        let p = ShiftParams {
            sentence_rate: 0.9,
            mid_rate: 0.1,
            max_span: 40,
        };
        let a = shift(t, &p, &Mode::Plain, &mut Rng::new(9));
        let b = shift(t, &p, &Mode::Plain, &mut Rng::new(9));
        assert_eq!(a, b);
        assert_ne!(a, t);
    }
}
