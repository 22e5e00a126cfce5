//! Stage `mojibake`: classic codec round trips.
//!
//! Text encoded in one charset and decoded in another leaves recognisable runs: UTF-8 read as GBK
//! (`鍚堝奖`), GBK read as Latin-1 (`ÖÐÎÄ`) or CP1252, UTF-8 read as CP1252 (`ä¸­æ–‡`), Big5 read as
//! GBK and back, and `锟斤拷` (two U+FFFD read through GBK). For each suspicious run the stage
//! re-encodes it with the charset it was wrongly decoded with, decodes the bytes with the charset
//! they were written in, and keeps the candidate only when the language model finds it far more
//! probable than the run. Two rounds are tried, for text damaged twice.

use encoding_rs::{Encoding, BIG5, GB18030, UTF_8, WINDOWS_1252};

use super::{Doc, Stage};
use crate::doc_model::DocModel;
use crate::edit::StageKind;
use crate::gb::{gbk_assigns, is_private_use, PairTable};
use crate::model::Model;
use crate::tables::{self, class};
use crate::text::{patched, Replacement};

/// The `mojibake` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mojibake;

/// Minimum log10 gain per character of the damaged run.
const MIN_GAIN_PER_CHAR: f32 = 0.8;
/// Minimum total log10 gain.
const MIN_GAIN: f32 = 4.0;
/// log10 margin by which a reading through the same round trip twice must beat one through it
/// once: text damaged once also decodes a second time, into garbage the model may still like.
/// (For a cut restored through both round trips, [`restore_cut_read_twice`], 2.0 and 4.0 were
/// tried on the dev model: 2.0 is better on text damaged twice, and equal on text damaged once.)
const TWICE_MARGIN: f32 = 2.0;

impl Stage for Mojibake {
    fn kind(&self) -> StageKind {
        StageKind::Mojibake
    }

    fn enabled(&self, doc: &Doc<'_>) -> bool {
        doc.opts.mojibake
            && (doc.flags.classes & (class::RARE | class::LATIN) != 0 || doc.flags.replacement)
    }

    fn run(&self, text: &str, doc: &mut Doc<'_>, out: &mut Vec<Replacement>) {
        let mut reps: Vec<Replacement> = Vec::new();
        for (i, end) in runs(text) {
            if suspicious(&text[i..end]) {
                let budget = Budget::for_run(&text[i..end]);
                reps.extend(repair_segments(text, i, end, false, &budget));
            }
        }
        // A page read with the wrong codec as a whole: once it has shown the damage a few times,
        // a run that decodes to a single character (`ç¬¬` between a line break and a digit is
        // `第`) is evidence enough. What the first pass left of each run is tried again so.
        if reps.len() >= RELAX_AFTER {
            // First-pass repairs come in text order, as the runs do: one pointer walks both.
            let first: Vec<(usize, usize)> = reps.iter().map(|r| (r.start, r.end)).collect();
            let mut j = 0;
            for (i, end) in runs(text) {
                let mut at = i;
                let mut gaps = Vec::new();
                while j < first.len() && first[j].0 < end {
                    let (start, stop) = first[j];
                    if start > at {
                        gaps.push((at, start));
                    }
                    at = at.max(stop);
                    j += 1;
                }
                if at < end {
                    gaps.push((at, end));
                }
                // The gaps of one run share one budget, as the run did in the first pass (counted
                // only for a run with a gap worth a repair: most have none).
                let mut budget: Option<Budget> = None;
                for (a, b) in gaps {
                    let gap = &text[a..b];
                    if suspicious(gap) || gap.chars().any(debris_or_odd) {
                        let budget = budget.get_or_insert_with(|| Budget::for_run(&text[i..end]));
                        reps.extend(repair_segments(text, a, b, true, budget));
                    }
                }
            }
            reps.sort_by_key(|r: &Replacement| r.start);
        }
        guess_lost(text, &mut reps);
        doc.mojibake_repaired += reps.len();
        out.extend(reps);
    }
}

/// The runs of non-ASCII text (see [`run_end`]), as byte ranges.
fn runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && bytes[i].is_ascii() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        i = run_end(text, start);
        Some((start, i))
    })
}

/// Repairs a document needs before a run that decodes to a single character is accepted alone.
const RELAX_AFTER: usize = 3;

/// A character that marks codec debris: rare, U+FFFD, or private-use (Big5 bytes read as GBK
/// decode to GBK's user-defined areas).
fn debris_char(c: char) -> bool {
    c == '\u{FFFD}' || is_private_use(c) || tables::class(c) & class::RARE != 0
}

/// [`debris_char`], or a symbol that is neither Chinese, Latin nor common punctuation.
fn debris_or_odd(c: char) -> bool {
    debris_char(c)
        || !c.is_ascii() && tables::class(c) & (class::HAN | class::CJK_PUNCT | class::LATIN) == 0
}

/// Ordinary characters a cluster of suspects may run through. Mojibake holds common characters
/// too (`婢舵艾` inside `户外活动` read as GBK twice), and a cluster cut there leaves its windows
/// short of the span's end. On the training subsets (dev model), 2 / 3 / 4: `utf8_as_gbk2` 0.90 /
/// 0.75 / 0.73 % Simplified, 0.72 / 0.57 / 0.54 % Traditional, at the same speed;
/// `utf8_as_gbk:doc` on Traditional text 0.27 / 0.29 / 0.29 %.
const GAP: usize = 4;

/// How far a window may reach past the first or last suspicious character of a cluster. Text
/// read as GBK twice hides a character's bytes up to several characters away from the rare ones
/// (on the training subsets, dev model, 6 / 8 / 10 / 12: `utf8_as_gbk2` 1.17 / 0.99 / 0.90 /
/// 0.84 % Simplified, 0.98 / 0.81 / 0.72 / 0.67 % Traditional, for 0 / 22 / 45 / 55 % more time
/// on the UTF-8 and Big5 families; at 12 the Big5 swaps lost 0.02 point).
const REACH: usize = 10;

/// Characters CP1252 maps bytes 0x80–0x9F to.
fn cp1252_special(c: char) -> bool {
    // All of them lie below U+2200 (`™` is U+2122): Chinese text skips the lookup.
    c < '\u{2200}' && "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(c)
}

/// `€`, or a non-ASCII symbol GBK writes in two bytes (`ō`, `·`, `×`): what a GBK reading shows
/// among its Han characters.
fn gbk_symbol(c: char) -> bool {
    c == '€' || crate::gb::encode_char(c).is_some_and(|b| b.as_slice().len() == 2)
}

/// A character that carries a cluster of suspects on, though only a suspect starts one: every
/// suspect of either pass ([`debris_or_odd`] holds [`debris_char`]), `€` (byte 0x80, a UTF-8
/// continuation byte, read as GBK) and odd symbols (`ㄩ`, `ˉ`). Between two stretches of rare
/// characters the last two are codec debris too, and counting them keeps one span one cluster,
/// so that its windows reach its end (`钘夌安` ends `美国应`: the bytes of `安` complete the
/// character cut before it).
fn extends_cluster(c: char) -> bool {
    c == '€' || debris_or_odd(c)
}

fn latin_like(c: char) -> bool {
    tables::class(c) & class::LATIN != 0 || ('\u{80}'..='\u{FF}').contains(&c)
}

/// Repairs the mojibake inside the run `text[start..end]`, which may also hold clean text: damage
/// is often confined to a span glued to clean characters. Latin-looking stretches are natural
/// segments; for Han-looking mojibake, clusters of rare characters are found and every window
/// reaching up to [`REACH`] characters past a cluster is tried, keeping the best repair.
fn repair_segments(
    text: &str,
    start: usize,
    end: usize,
    relaxed: bool,
    budget: &Budget,
) -> Vec<Replacement> {
    let chars: Vec<(usize, char)> = text[start..end]
        .char_indices()
        .map(|(j, c)| (start + j, c))
        .collect();
    // A Han-looking run that is mojibake from end to end (a page read with the wrong codec) is
    // best repaired whole: windows around clusters of rare characters cut it at arbitrary bytes.
    // (GBK readings hold a few Latin-looking symbols too, such as `ˉ`.) Such a run is dense in
    // rare characters: 68 % of the non-ASCII characters of the Simplified training documents
    // read as GBK, 0.13 % of the clean ones. Unless the whole reading explains the run (see
    // [`explains_run`]), the windows still run and the reading the model prefers wins: text
    // damaged twice may round-trip whole only once.
    let latin = chars.iter().filter(|&&(_, c)| latin_like(c)).count();
    let rare = chars.iter().filter(|&&(_, c)| debris_char(c)).count();
    let whole = (chars.len() > 1 && latin * 4 < chars.len() && rare * 4 >= chars.len())
        .then(|| repair_run(text, start, &text[start..end], relaxed))
        .flatten();
    // A UTF-8 reading that comes back as plain Chinese from end to end explains the whole run:
    // every window would only cut it (and a page read strictly, with a U+FFFD in many
    // characters, costs a beam search per window).
    let whole = match whole {
        Some((_, rep)) if explains_run(&text[start..end], &rep) => return vec![rep],
        w => w,
    };
    let windows = repair_windows(text, end, &chars, relaxed, budget);
    match whole {
        Some((_, rep)) if windows.is_empty() || prefers_whole(text, start, end, &rep, &windows) => {
            vec![rep]
        }
        _ => windows,
    }
}

/// Whether `rep`, a repair of the whole `run`, is a UTF-8 reading of plain text: common Chinese
/// characters, CJK punctuation and the run's own ASCII. UTF-8 checks itself (a wrong byte
/// sequence seldom decodes), but where the run began or ended with clean text, that text is
/// read as GBK bytes too and comes back as odd symbols (`应` as `Ӧ`, `证实` as `֤ʵ`) or as
/// new ASCII (`並` as `K`): then the windows run.
fn explains_run(run: &str, rep: &Replacement) -> bool {
    let ascii = |s: &str| s.bytes().filter(u8::is_ascii).count();
    let plain =
        |c: char| c.is_ascii() || tables::is_chinese(c) && tables::class(c) & class::RARE == 0;
    rep.reason == ROUND_TRIPS[0].1 && rep.text.chars().all(plain) && ascii(&rep.text) == ascii(run)
}

/// Whether the model prefers the run `text[start..end]` replaced whole by `whole` to the run with
/// the window repairs `windows` applied.
fn prefers_whole(
    text: &str,
    start: usize,
    end: usize,
    whole: &Replacement,
    windows: &[Replacement],
) -> bool {
    let model = Model::get();
    let prev = text[..start].chars().next_back().unwrap_or('\n');
    let next = text[end..].chars().next().unwrap_or('\n');
    let mut patched = String::with_capacity(end - start);
    let mut at = start;
    for rep in windows {
        patched.push_str(&text[at..rep.start]);
        patched.push_str(&rep.text);
        at = rep.end;
    }
    patched.push_str(&text[at..end]);
    score_of(model, prev, &whole.text, next) >= score_of(model, prev, &patched, next)
}

/// The window search of [`repair_segments`] over the characters `chars` of a run ending at `end`.
fn repair_windows(
    text: &str,
    end: usize,
    chars: &[(usize, char)],
    relaxed: bool,
    budget: &Budget,
) -> Vec<Replacement> {
    let offset = |k: usize| chars.get(k).map_or(end, |&(o, _)| o);
    let mut reps = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        // A CP1252 special character right before a Latin one may be a lead byte (`‘ð»ù` is
        // `戰基`).
        let lead_special =
            cp1252_special(c) && chars.get(k + 1).is_some_and(|&(_, n)| latin_like(n));
        if latin_like(c) || lead_special {
            // A Latin stretch (curly quotes count inside it: they are CP1252 bytes too).
            let mut e = k + 1;
            while e < chars.len() {
                let c = chars[e].1;
                let prev_latin = latin_like(chars[e - 1].1) || cp1252_special(chars[e - 1].1);
                if latin_like(c)
                    || cp1252_special(c)
                    || (prev_latin && ('\u{40}'..='\u{7E}').contains(&c))
                {
                    e += 1;
                } else {
                    break;
                }
            }
            // A curly quote ending the stretch may be a real quote rather than a CP1252 byte.
            let ends = if e > k + 1 && matches!(chars[e - 1].1, '“' | '”' | '‘' | '’') {
                vec![e, e - 1]
            } else {
                vec![e]
            };
            // So may one starting it.
            let starts = if lead_special {
                vec![k, k + 1]
            } else {
                vec![k]
            };
            // Keeping the quote is preferred unless absorbing it explains clearly more.
            let best = starts
                .iter()
                .flat_map(|&start| ends.iter().map(move |&end| (start, end)))
                .filter(|&(start, end)| start < end)
                .filter_map(|(start, end)| {
                    let r = repair_run(
                        text,
                        offset(start),
                        &text[offset(start)..offset(end)],
                        relaxed,
                    );
                    let kept = (end < e) as u8 + (start > k) as u8;
                    r.map(|(g, rep)| (g + 2.0 * f32::from(kept), rep))
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, rep)) = best {
                reps.push(rep);
            }
            k = e;
            continue;
        }
        // In the relaxed pass, odd symbols are suspects too: GBK punctuation read as Big5 turns
        // `。` into `﹝` and `，` into `ㄛ`.
        let suspect: fn(char) -> bool = if relaxed { debris_or_odd } else { debris_char };
        if !suspect(c) {
            k += 1;
            continue;
        }
        // A cluster of suspects with gaps of at most [`GAP`] ordinary characters. A Latin-looking
        // symbol GBK writes in two bytes belongs to it (`ō` in `冭ō鏈`, from the bytes of
        // `設有`), and so does `€` (byte 0x80 of a GBK reading): neither is Latin text there.
        let mut last = k;
        let mut e = k + 1;
        while e < chars.len()
            && e <= last + GAP + 1
            && (!latin_like(chars[e].1) || gbk_symbol(chars[e].1))
        {
            if extends_cluster(chars[e].1) {
                last = e;
            }
            e += 1;
        }
        let lo = k.saturating_sub(REACH);
        let hi = (last + 1 + REACH).min(chars.len());
        // A lone rare character in fluent text is a name or a term, not codec debris (which
        // garbles its neighbours too): not worth 121 windows of round trips.
        // (Not in the relaxed pass, where the document has shown the damage already.)
        if !relaxed
            && last == k
            && chars[k].1 != '\u{FFFD}'
            && reads_fluently(&chars[lo..hi], k - lo)
        {
            k += 1;
            continue;
        }
        let floor = reps.last().map_or(0, |r: &Replacement| r.end);
        let whole = best_window(
            text,
            chars,
            end,
            lo,
            k,
            last + 1,
            hi,
            floor,
            relaxed,
            budget,
        );
        // Two damaged spans a clean character or two apart form one cluster, which no single
        // window can round-trip: each stretch of suspects is then also tried on its own, left to
        // right, and the model's total gain decides.
        let stretches = stretches(chars, k, last, suspect);
        let mut split: Vec<(f32, usize, Replacement)> = Vec::new();
        if stretches.len() > 1 {
            let mut from = lo;
            for &(a, z) in &stretches {
                // A window may run on into the next stretch (one span whose middle characters
                // happen to look ordinary); a stretch an earlier window covered is done.
                if from > a {
                    continue;
                }
                let a_lo = a.saturating_sub(REACH).max(from);
                let z_hi = hi.min(z + 1 + 3 * REACH);
                if let Some(w) = best_window(
                    text,
                    chars,
                    end,
                    a_lo,
                    a,
                    z + 1,
                    z_hi,
                    floor,
                    relaxed,
                    budget,
                ) {
                    from = w.1;
                    split.push(w);
                }
            }
        }
        let split_gain: f32 = split.iter().map(|w| w.0).sum();
        let chosen: Vec<(f32, usize, Replacement)> = match whole {
            Some(w) if w.0 >= split_gain => vec![w],
            _ => split,
        };
        if chosen.is_empty() {
            k = last + 1;
            continue;
        }
        for (_, b, rep) in chosen {
            // Windows overlap only within one cluster; drop what an earlier repair covers.
            if reps.last().is_none_or(|r: &Replacement| r.end <= rep.start) {
                budget.earn(text[rep.start..rep.end].chars().count());
                reps.push(rep);
            }
            k = b;
        }
    }
    reps
}

/// Window characters a run may round-trip: [`BUDGET_PER_RUN`], plus [`BUDGET_PER_CHAR`] for each
/// of its characters, plus [`BUDGET_PER_REPAIRED`] for each character of every repair found in it.
///
/// Real mojibake is found in a few windows per cluster of suspects; codec debris (U+FFFD every
/// third character, random CJK, random bytes decoded lossily) chains its suspects into clusters
/// that run on for the whole line, each stretch of them tried in hundreds of windows, and yields
/// next to nothing. Over the codec families of both training subsets (1,141 documents, the `:doc`
/// ones included) no run used more than 113,464 window characters, so the budget never binds
/// there: their output is byte-identical with and without it. A line longer than any there is
/// paid for by its repairs: 100,000 characters of Chinese on one line, read as GBK whole, are
/// repaired exactly as with no budget at all, and without the earnings they lose repairs from
/// their 14,000th byte on. Debris earns nothing, so it stops soon: 256 KB of random bytes
/// 0x80–0xFF on one line take 2.9 s instead of 19 s (the budget counted 100 window characters per
/// character of the run then, and nothing per repair), 1 MB of random CJK 1.0 s instead of 8.7 s.
struct Budget(std::cell::Cell<usize>);

/// Window characters every run may round-trip, however short.
const BUDGET_PER_RUN: usize = 200_000;
/// Window characters each character of a run adds to its budget.
const BUDGET_PER_CHAR: usize = 10;
/// Window characters each character of a repair found in a run adds to its budget (real runs of
/// 200 characters or more used at most 156 per character).
const BUDGET_PER_REPAIRED: usize = 200;

impl Budget {
    /// The budget of the run `run`.
    fn for_run(run: &str) -> Budget {
        let n = run.chars().count();
        Budget(std::cell::Cell::new(
            BUDGET_PER_RUN.saturating_add(BUDGET_PER_CHAR.saturating_mul(n)),
        ))
    }

    /// Credits a repair of `n` characters.
    fn earn(&self, n: usize) {
        self.0.set(
            self.0
                .get()
                .saturating_add(BUDGET_PER_REPAIRED.saturating_mul(n)),
        );
    }

    /// Spends `n` window characters; `false` (spending nothing) once fewer are left.
    fn take(&self, n: usize) -> bool {
        match self.0.get().checked_sub(n) {
            Some(left) => {
                self.0.set(left);
                true
            }
            None => false,
        }
    }
}

/// Maximal stretches `(first, last)` of characters in `k..=last` for which `suspect` holds.
fn stretches(
    chars: &[(usize, char)],
    k: usize,
    last: usize,
    suspect: fn(char) -> bool,
) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, &(_, c)) in chars.iter().enumerate().take(last + 1).skip(k) {
        if !suspect(c) {
            continue;
        }
        match out.last_mut() {
            Some((_, z)) if *z + 1 == i => *z = i,
            _ => out.push((i, i)),
        }
    }
    out
}

/// The best repair among the windows `chars[a..b]` with `a` in `a_lo..=a_hi` and `b` in
/// `b_lo..=b_hi`, none starting before byte `floor`: (gain, b, replacement). Each window draws
/// its length from `budget`; once that is spent, the best found so far is the answer.
#[allow(clippy::too_many_arguments)]
fn best_window(
    text: &str,
    chars: &[(usize, char)],
    end: usize,
    a_lo: usize,
    a_hi: usize,
    b_lo: usize,
    b_hi: usize,
    floor: usize,
    relaxed: bool,
    budget: &Budget,
) -> Option<(f32, usize, Replacement)> {
    let offset = |k: usize| chars.get(k).map_or(end, |&(o, _)| o);
    let mut best: Option<(f32, usize, Replacement)> = None;
    for a in a_lo..=a_hi {
        if offset(a) < floor {
            continue;
        }
        for b in b_lo..=b_hi {
            if b <= a {
                continue;
            }
            if !budget.take(b - a) {
                return best;
            }
            if let Some((gain, rep)) =
                repair_run(text, offset(a), &text[offset(a)..offset(b)], relaxed)
            {
                if best.as_ref().is_none_or(|(g, _, _)| gain > *g) {
                    best = Some((gain, b, rep));
                }
            }
        }
    }
    best
}

/// The end of the run of non-ASCII characters (with inner ASCII letters/digits of Latin mojibake)
/// starting at `i`.
fn run_end(text: &str, i: usize) -> usize {
    const PUNCT: &str = "。，、“”：；！？《》（）";
    let mut end = i;
    let mut prev_latin = false;
    let mut prev_lost = false;
    let mut prev = '\0';
    for (j, c) in text[i..].char_indices() {
        // U+0080–U+00FF are all bytes of Latin-1/CP1252 mojibake, spaces (NEL, NBSP) included.
        let latin = tables::class(c) & class::LATIN != 0 || ('\u{80}'..='\u{FF}').contains(&c);
        // GBK trail bytes 0x40–0x7E read as Latin-1 surface as ASCII right after a Latin char,
        // and right after the U+FFFD of a pair Big5 does not assign.
        let trail = (prev_latin || prev_lost) && ('\u{40}'..='\u{7E}').contains(&c);
        if (c.is_ascii() && !trail) || (c.is_whitespace() && !latin) {
            break;
        }
        // Common CJK punctuation survives in place (mojibake turns punctuation into letters),
        // except curly quotes, which are CP1252 bytes too. But a mark glued between Chinese
        // characters, one of them debris, may be debris itself: GBK reads two UTF-8
        // continuation bytes, the first A1 or A3, as a mark (A1 B6 is `《`, two bytes of `法`
        // read as GBK twice), and ending the run there leaves both halves cut.
        // (Looked at only for marks: the rest of the run pays nothing.)
        let inside = || {
            let next = text[i + j + c.len_utf8()..].chars().next();
            j > 0
                && next.is_some_and(|n| tables::is_chinese(n) && !PUNCT.contains(n))
                && (debris_char(prev) || next.is_some_and(debris_char))
        };
        let punct = PUNCT.contains(c) && !(prev_latin && matches!(c, '“' | '”')) && !inside();
        if punct && j > 0 {
            break;
        }
        end = i + j + c.len_utf8();
        if punct {
            break;
        }
        prev_latin = latin || cp1252_special(c);
        prev_lost = c == '\u{FFFD}';
        prev = c;
    }
    // Always make progress.
    if end == i {
        end = i + text[i..].chars().next().map_or(1, char::len_utf8);
    }
    end
}

/// The GBK bytes of text split at its `€`s into `pieces` (each encoded). A GBK decoder reads
/// both byte 0x80 and the pair A2 E3 as `€`: 0x80 in UTF-8 read once (`涓€` is `一`, E4 B8
/// 80), A2 E3 where a UTF-8 character ending in A2 met one starting with E3 (`閻€` in `用了`
/// read twice). Each `€` is written as 0x80 unless only A2 E3 keeps the bytes UTF-8; with more
/// than [`EURO_CHOICES`] of them, the rest are 0x80.
fn euro_bytes(pieces: &[Vec<u8>]) -> Vec<u8> {
    let join = |flips: u32| {
        let mut out = Vec::with_capacity(pieces.iter().map(Vec::len).sum::<usize>() + pieces.len());
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                if i <= EURO_CHOICES && flips >> (i - 1) & 1 == 1 {
                    out.extend_from_slice(&[0xA2, 0xE3]);
                } else {
                    out.push(0x80);
                }
            }
            out.extend_from_slice(piece);
        }
        out
    };
    let euros = (pieces.len() - 1).min(EURO_CHOICES) as u32;
    let plain = join(0);
    if utf8_inside(&plain) {
        return plain;
    }
    // Fewest flips first.
    (1..=euros)
        .flat_map(|k| (1..1u32 << euros).filter(move |f| f.count_ones() == k))
        .map(join)
        .find(|b| utf8_inside(b))
        .unwrap_or(plain)
}

/// `€`s of one text whose two byte forms are tried together.
const EURO_CHOICES: usize = 4;

/// Whether `bytes` is UTF-8 once up to three continuation bytes at its start (the end of a
/// character cut before it) and an incomplete character at its end are left out.
fn utf8_inside(bytes: &[u8]) -> bool {
    let skip = bytes
        .iter()
        .take(3)
        .take_while(|&&b| b & 0xC0 == 0x80)
        .count();
    match std::str::from_utf8(&bytes[skip..]) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

#[derive(Clone, Copy)]
enum Codec {
    Latin1,
    /// What a Big5 decoder read, the HKSCS extension included: GBK bytes with leads 0x81-0xA0
    /// decode to HKSCS characters, which a WHATWG Big5 encoder does not write back.
    Big5,
    /// What a GBK decoder read: GB18030, except that it reads byte 0x80 as `€` too (a GB18030
    /// encoder writes A2 E3): [`euro_bytes`] chooses.
    Gbk,
    Enc(&'static Encoding),
}

impl Codec {
    fn encode(self, s: &str) -> Option<Vec<u8>> {
        match self {
            Codec::Latin1 => s.chars().map(|c| u8::try_from(c as u32).ok()).collect(),
            Codec::Gbk => {
                if !s.contains('€') {
                    return Codec::Enc(GB18030).encode(s);
                }
                let pieces = s
                    .split('€')
                    .map(|piece| Codec::Enc(GB18030).encode(piece))
                    .collect::<Option<Vec<_>>>()?;
                Some(euro_bytes(&pieces))
            }
            Codec::Big5 => {
                let mut out = Vec::with_capacity(s.len());
                for c in s.chars() {
                    if c.is_ascii() {
                        out.push(c as u8);
                    } else {
                        out.extend_from_slice(big5_reverse().get(&c)?);
                    }
                }
                Some(out)
            }
            Codec::Enc(enc) => {
                let (bytes, _, unmappable) = enc.encode(s);
                (!unmappable).then(|| bytes.into_owned())
            }
        }
    }
}

/// The bytes of every character a Big5 decoder produces from one byte pair. Where two pairs
/// decode to the same character, the standard Big5 pair (lead 0xA1 and up) is kept.
fn big5_reverse() -> &'static std::collections::HashMap<char, [u8; 2]> {
    static T: std::sync::OnceLock<std::collections::HashMap<char, [u8; 2]>> =
        std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut map = std::collections::HashMap::new();
        for lead in 0x81u8..=0xFE {
            for trail in (0x40u8..=0x7E).chain(0xA1..=0xFE) {
                let pair = [lead, trail];
                let (text, had_errors) = BIG5.decode_without_bom_handling(&pair);
                let mut chars = text.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    continue;
                };
                if had_errors || c == '\u{FFFD}' {
                    continue;
                }
                map.entry(c)
                    .and_modify(|e: &mut [u8; 2]| {
                        if e[0] < 0xA1 && lead >= 0xA1 {
                            *e = [lead, trail];
                        }
                    })
                    .or_insert([lead, trail]);
            }
        }
        map
    })
}

/// (read as, written as, reason)
const ROUND_TRIPS: &[(u8, &str)] = &[
    (0, "UTF-8 read as GBK"),
    (1, "GBK read as Latin-1"),
    (2, "GBK read as CP1252"),
    (3, "UTF-8 read as CP1252"),
    (4, "UTF-8 read as Latin-1"),
    (5, "Big5 read as GBK"),
    (6, GBK_AS_BIG5),
];

/// The reason of the round trip whose U+FFFD stand for lost GBK characters.
const GBK_AS_BIG5: &str = "GBK read as Big5";

/// Guesses the lost characters (U+FFFD) of the document's GBK-read-as-Big5 repairs, once all
/// its repairs are chosen: with them applied, the document's own text (names, terms it uses
/// elsewhere) joins the model ([`DocModel`]) and each guess sees repaired neighbours.
fn guess_lost(text: &str, reps: &mut [Replacement]) {
    absorb_lost_neighbours(text, reps);
    let lost = |r: &Replacement| r.reason == GBK_AS_BIG5 && r.text.contains('\u{FFFD}');
    if !reps.iter().any(lost) {
        return;
    }
    let (patched, spans) = patched(text, reps);
    let model = DocModel::new(&patched, &[]);
    for (r, &(start, end)) in reps.iter_mut().zip(&spans) {
        if lost(r) {
            let prev = patched[..start].chars().next_back().unwrap_or('\n');
            let next = patched[end..].chars().next().unwrap_or('\n');
            r.text = fill_lost(&r.text, &model, prev, next);
        }
    }
}

/// A U+FFFD right beside a GBK-read-as-Big5 repair is a lost character of the same damage that
/// the repair's window left out (a window ends where the round trip stops, and a lost character
/// does not round-trip): the repair takes it in, for [`fill_lost`] to guess.
fn absorb_lost_neighbours(text: &str, reps: &mut [Replacement]) {
    const LOST: char = '\u{FFFD}';
    for i in 0..reps.len() {
        if reps[i].reason != GBK_AS_BIG5 {
            continue;
        }
        let floor = if i == 0 { 0 } else { reps[i - 1].end };
        let ceiling = reps.get(i + 1).map_or(text.len(), |r| r.start);
        let r = &mut reps[i];
        while r.start > floor && text[..r.start].ends_with(LOST) {
            r.start -= LOST.len_utf8();
            r.text.insert(0, LOST);
        }
        while r.end < ceiling && text[r.end..].starts_with(LOST) {
            r.end += LOST.len_utf8();
            r.text.push(LOST);
        }
    }
}

fn codecs(kind: u8) -> (Codec, &'static Encoding) {
    match kind {
        0 => (Codec::Gbk, UTF_8),
        1 => (Codec::Latin1, GB18030),
        2 => (Codec::Enc(WINDOWS_1252), GB18030),
        3 => (Codec::Enc(WINDOWS_1252), UTF_8),
        4 => (Codec::Latin1, UTF_8),
        5 => (Codec::Gbk, BIG5),
        _ => (Codec::Big5, GB18030),
    }
}

fn suspicious(run: &str) -> bool {
    let mut rare = 0;
    let mut latin = 0;
    let mut adjacent = 0;
    let mut prev_latin1 = false;
    let mut n = 0;
    for c in run.chars() {
        n += 1;
        let k = tables::class(c);
        rare += (k & class::RARE != 0 || is_private_use(c)) as usize;
        latin += (k & class::LATIN != 0) as usize;
        // Two Latin-1 or CP1252 symbols in a row count too (`×÷˜I` is `作業` read as CP1252);
        // not curly quotes, dashes, ellipses, the middle dot or the no-break space, which
        // Chinese text uses on its own.
        let latin1 = (latin_like(c) || cp1252_special(c)) && !"“”‘’—–…•·\u{A0}".contains(c);
        adjacent += (latin1 && prev_latin1) as usize;
        prev_latin1 = latin1;
    }
    let cut = run.contains('\u{FFFD}');
    latin >= 2 || adjacent >= 1 || (rare >= 1 || cut) && n >= 2 || run.contains("锟斤拷")
}

fn repair_run(text: &str, start: usize, run: &str, relaxed: bool) -> Option<(f32, Replacement)> {
    if !(suspicious(run) || relaxed && run.chars().any(debris_or_odd)) {
        return None;
    }
    if run.contains("锟斤拷") && run.chars().count() <= 3 * run.matches("锟斤拷").count() + 1
    {
        let fixed = run.replace("锟斤拷", "\u{FFFD}\u{FFFD}");
        return Some((
            f32::INFINITY,
            Replacement::new(
                start,
                start + run.len(),
                fixed,
                0.99,
                "U+FFFD pair read through GBK",
            ),
        ));
    }
    let model = Model::get();
    let mut before = text[..start].chars().rev();
    let prev = before.next().unwrap_or('\n');
    let prev2 = before.next().unwrap_or('\n');
    let after = After::at(text, start + run.len());
    let next = after.0;
    let base = model.score(prev, run) + model.logp(run.chars().next_back()?, next);
    let n = run.chars().count() as f32;
    let mut best: Option<(f32, String, &'static str)> = None;
    // A cut character restored in a UTF-8-read-as-GBK reading: one character is then enough.
    let mut restored_cut = false;
    for &(kind, reason) in ROUND_TRIPS {
        let cut = (kind == 0)
            .then(|| restore_cuts(run, model, [prev2, prev], after))
            .flatten();
        let plain = round_trip(run, kind).filter(|p| cut.as_ref() != Some(p));
        // (Only where the first reading with its cut restored still looks like mojibake.)
        let cut_twice = (kind == 0 && cut.as_deref().is_none_or(suspicious))
            .then(|| restore_cut_read_twice(run, model, prev, after))
            .flatten();

        // A cut restored through two round trips needs the same margin.
        let candidates = [(cut.clone(), 0.0), (plain, 0.0), (cut_twice, TWICE_MARGIN)];
        for (candidate, margin) in candidates {
            let Some(candidate) = candidate else { continue };
            // Twice-damaged text: try the same round trip again (a character cut in the first
            // reading is restored in the second).
            let again = (kind == 0)
                .then(|| restore_cuts(&candidate, model, [prev2, prev], after))
                .flatten()
                .or_else(|| round_trip(&candidate, kind));
            let candidate = match again {
                Some(twice)
                    if score_of(model, prev, &twice, next)
                        > score_of(model, prev, &candidate, next) + TWICE_MARGIN =>
                {
                    twice
                }
                _ => candidate,
            };
            // The lost characters of a Big5 reading are guessed only once every repair of the
            // document is chosen ([`guess_lost`]): its score keeps them unknown, as the damaged
            // run's does, so that the guesses cannot outweigh what the round trip explains.
            let s = score_of(model, prev, &candidate, next) - margin;
            if best.as_ref().is_none_or(|b| s > b.0) {
                restored_cut = cut.as_ref() == Some(&candidate);
                best = Some((s, candidate, reason));
            }
        }
    }
    let (s, candidate, reason) = best?;
    // Repaired text is ordinary text: at least two characters, none of them rare or unknown.
    let model_knows = |c: char| c.is_ascii() || model.id(c) != 0;
    let ordinary = |c: char| tables::class(c) & class::RARE == 0 && model_knows(c);
    // (Latin-looking runs are unambiguous mojibake: there a rare character, a name say, may stay.)
    let latin_run = run.chars().any(latin_like);
    let all_ordinary = candidate.chars().all(|c| ordinary(c) || c == '\u{FFFD}')
        || reason == ROUND_TRIPS[0].1 && mostly_common(run, &candidate, model_knows);
    // A private-use character stands only among Chinese ones (some sources use the user-defined
    // area for rare characters); a Latin name does not decode to one (`Núñez`).
    let chinese = tables::is_chinese;
    let pua = candidate.chars().filter(|&c| is_private_use(c)).count();
    let cjk = candidate.chars().filter(|&c| chinese(c)).count();
    if pua > 0 && cjk < 2 * pua {
        return None;
    }
    // One character is too little evidence, except a Latin pair glued to Chinese text (`¡£`
    // after `行省` is `。`: such a pair in clean text is rare).
    let single_ok =
        latin_run && n == 2.0 && (chinese(prev) || chinese(next)) || restored_cut || relaxed;
    let single = candidate.chars().count() == 1 && candidate.chars().all(chinese);
    if candidate.chars().count() < 2 && !(single_ok && single) || !(latin_run || all_ordinary) {
        return None;
    }
    let gain = s - base;
    // Compare per character too: a shorter candidate always has fewer terms to pay for.
    let per_char = s / candidate.chars().count().max(1) as f32 - base / n;
    // Once the document has shown its damage, a restored cut needs only the total gain: a run
    // of two characters read back as one (`銆�` as `。`) has half the terms to share it by.
    // (Dev model, strict-decoder pages: 1.56 / 1.25 % -> 1.54 / 1.24 %.)
    let per_char_ok = per_char >= MIN_GAIN_PER_CHAR || relaxed && restored_cut;
    if gain < MIN_GAIN || !per_char_ok {
        return None;
    }
    let confidence = (1.0 - 10f32.powf(-gain / 4.0)).clamp(0.5, 0.999);
    Some((
        gain,
        Replacement::new(start, start + run.len(), candidate, confidence, reason),
    ))
}

/// Whether `candidate`, a UTF-8 reading of `run`, may keep rare characters: UTF-8 checks itself
/// (a wrong byte sequence seldom decodes), so a rare character among common ones is text the
/// author wrote (`攪` in `面攪動`), not debris. At least two characters, all known to the model and
/// none private-use, at most a third of them rare, and fewer than half as many rare ones as in
/// the run. (On `hant_small`, dev model, a strict decoder's pages went from 1.62 to 1.27 % CER.)
fn mostly_common(run: &str, candidate: &str, known: impl Fn(char) -> bool) -> bool {
    let rare = |s: &str| {
        s.chars()
            .filter(|&c| tables::class(c) & class::RARE != 0)
            .count()
    };
    let k = candidate.chars().count();
    k >= 2
        && candidate.chars().all(|c| known(c) && !is_private_use(c))
        && rare(candidate) * 3 <= k
        && rare(candidate) * 2 < rare(run)
}

/// UTF-8 read as GBK where the decoder wrote U+FFFD: each one stands for exactly one lost byte.
/// A browser's decoder writes one for a lead byte that ASCII or the end of the text cut off (the
/// last continuation byte of a character: a GBK lead byte cannot pair with ASCII); a strict one
/// (Python's `gbk` codec with `errors="replace"`) also for byte 0x80 and for a lead byte whose
/// pair GBK does not assign, after which it reads on from the next byte (`主�佸寘` is `主要包`,
/// the U+FFFD being A6, the middle byte of `要`). Every byte that makes the UTF-8 around the cut
/// valid is tried, and a beam search over the cuts lets the model pick the reading of the whole
/// run (a strict decoder may cut every character, `寰�鐜�` being `循环`, and each choice is the
/// context of the next); a byte that would have made a GBK character with the byte after it
/// costs [`DECODED_PAIR`], since the decoder would have read that pair. `None` when the run has
/// no U+FFFD or its bytes are not UTF-8 once the cuts are restored.
fn restore_cuts(run: &str, model: &Model, prev: [char; 2], after: After) -> Option<String> {
    /// Readings kept after each cut.
    const BEAM: usize = 16;
    /// Restored characters of each reading scored with their right context.
    const PER_READING: usize = 16;
    if !run.contains('\u{FFFD}') {
        return None;
    }
    let mut bytes = Vec::with_capacity(run.len());
    let mut cuts = Vec::new();
    for (i, piece) in run.split('\u{FFFD}').enumerate() {
        if i > 0 {
            cuts.push(bytes.len());
            bytes.push(0);
        }
        bytes.extend(Codec::Gbk.encode(piece)?);
    }
    // The model gives a Traditional character and its Simplified form one id (`語`, `语`), so
    // where the lost byte allows both, the script of the rest of the run chooses (Simplified
    // when it shows neither more).
    let (mut trad, mut simp) = (0usize, 0usize);
    for c in String::from_utf8_lossy(&bytes).chars() {
        trad += usize::from(tables::class(c) & class::TRAD != 0);
        simp += usize::from(tables::class(c) & class::SIMP != 0);
    }
    let other_script = if trad > simp {
        class::SIMP
    } else {
        class::TRAD
    };
    // Scores `s` after the context `(p2, p1)`, returning the new context.
    let score_text = |s: &str, mut ctx: (char, char)| -> (f32, (char, char)) {
        let mut score = 0.0;
        for c in s.chars() {
            score += model.logp3(ctx.0, ctx.1, c) + Model::width_cost(c);
            if tables::class(c) & other_script != 0 {
                score -= crate::doc_model::OTHER_SCRIPT;
            }
            // Of a common character and a rare variant the model folds into it (`說`, `説`),
            // the common one.
            if tables::class(c) & class::RARE != 0 {
                score -= RARE_GUESS;
            }
            ctx = (ctx.1, c);
        }
        (score, ctx)
    };
    // The bytes each reading restored, as links to the reading it extends: (parent link, cut
    // position, byte, and the byte of the adjacent cut restored with it).
    let mut links: Vec<(usize, usize, u8, Option<u8>)> = Vec::new();
    // The whole characters before the first cut are scored once, for every reading.
    let first = cuts.first().copied().unwrap_or(bytes.len());
    let head = match std::str::from_utf8(&bytes[..first]) {
        Ok(t) => t.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => return None,
    };
    let (head_score, head_ctx) = score_text(
        std::str::from_utf8(&bytes[..head]).ok()?,
        (prev[0], prev[1]),
    );
    let mut beam = vec![CutReading {
        score: head_score,
        from: head,
        ctx: head_ctx,
        link: usize::MAX,
    }];
    let mut n = 0;
    while n < cuts.len() {
        // Cuts on adjacent bytes are restored together (`。`, E3 80 82, read strictly loses both
        // 80 and 82); three in a row are too many to tell apart.
        let p = cuts[n];
        let group = 1 + usize::from(cuts.get(n + 1) == Some(&(p + 1)));
        if cuts.get(n + group) == Some(&(p + group)) {
            return None;
        }
        let q = p + group - 1;
        let later = cuts.get(n + group).copied().unwrap_or(usize::MAX);
        n += group;
        // `锟` + U+FFFD is a U+FFFD (EF BF BD) cut in turn: text damaged before.
        let firsts: &[u8] = if group == 1 && p >= 2 && bytes[p - 2..p] == [0xEF, 0xBF] {
            &[0xBD]
        } else {
            &LOST_BYTES
        };
        let seconds: &[u8] = if group == 2 { &LOST_BYTES } else { &[0] };
        let mut next_beam: Vec<(CutReading, u8, Option<u8>)> = Vec::new();
        // The known text after a restored character, up to the next cut's character, is scored
        // with it, so that the beam keeps readings by their right context too. Past its first two
        // characters its score does not depend on the reading: kept per end position.
        let mut ahead_cache: Vec<(usize, f32, (char, char))> = Vec::new();
        // The bytes that complete the cut's characters from where a reading's unscored text
        // starts, with their decoded-pair cost: they depend on that position alone, which most
        // readings share, so they are found once per position.
        let mut valid: Vec<(usize, Vec<CutBytes>)> = Vec::new();
        let mut scored: Vec<CutScores> = Vec::new();
        for h in &beam {
            // Every byte that completes the cut's characters, scored with their left context.
            // Those characters start where the reading's unscored text does: the bytes before a
            // cut that are not part of its character were scored with the previous one.
            // Readings that share where their unscored text starts and their last two
            // characters score every option alike.
            let key = (h.from, h.ctx);
            let i = match scored.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    let at = match valid.iter().position(|v| v.0 == h.from) {
                        Some(at) => at,
                        None => {
                            let found = cut_options(
                                &mut bytes, h.from, p, q, later, firsts, seconds, model,
                            );
                            valid.push((h.from, found));
                            valid.len() - 1
                        }
                    };
                    let mut options: Vec<CutOption> = Vec::with_capacity(valid[at].1.len());
                    for &(x, y, end, cost) in &valid[at].1 {
                        bytes[p] = x;
                        if group == 2 {
                            bytes[q] = y;
                        }
                        let Ok(restored) = std::str::from_utf8(&bytes[h.from..end]) else {
                            continue;
                        };
                        let (s1, ctx) = score_text(restored, h.ctx);
                        options.push((s1 - cost, x, y, end, ctx));
                    }
                    if options.len() > PER_READING {
                        options.select_nth_unstable_by(PER_READING, |a, b| b.0.total_cmp(&a.0));
                        options.truncate(PER_READING);
                    }
                    scored.push((key, options));
                    scored.len() - 1
                }
            };
            for &(s1, x, y, end, ctx) in &scored[i].1 {
                bytes[p] = x;
                if group == 2 {
                    bytes[q] = y;
                }
                // Whole characters up to the next cut (the bytes left are the first of its
                // character), or to the end of the run.
                let stop = later.min(bytes.len());
                let ahead = match std::str::from_utf8(&bytes[end..stop]) {
                    Ok(t) => t,
                    Err(e) if e.error_len().is_none() && stop == later => {
                        match std::str::from_utf8(&bytes[end..end + e.valid_up_to()]) {
                            Ok(t) => t,
                            Err(_) => continue,
                        }
                    }
                    Err(_) => continue,
                };
                let split = ahead.char_indices().nth(2).map_or(ahead.len(), |(i, _)| i);
                let (s2, mut ctx) = score_text(&ahead[..split], ctx);
                let mut total = h.score + s1 + s2;
                if split < ahead.len() {
                    let (rest, rest_ctx) = match ahead_cache.iter().find(|a| a.0 == end) {
                        Some(&(_, r, c)) => (r, c),
                        None => {
                            let mut head = ahead.chars();
                            let c2 = head.next().unwrap_or('\n');
                            let c1 = head.next().unwrap_or('\n');
                            let (r, c) = score_text(&ahead[split..], (c2, c1));
                            ahead_cache.push((end, r, c));
                            (r, c)
                        }
                    };
                    total += rest;
                    ctx = rest_ctx;
                }
                if stop == bytes.len() {
                    total += model.logp3(ctx.0, ctx.1, after.0) + after.then(model, ctx.1);
                }
                next_beam.push((
                    CutReading {
                        score: total,
                        from: end + ahead.len(),
                        ctx,
                        link: h.link,
                    },
                    x,
                    (group == 2).then_some(y),
                ));
            }
        }
        if next_beam.is_empty() {
            return None;
        }
        if next_beam.len() > BEAM {
            next_beam.select_nth_unstable_by(BEAM, |a, b| b.0.score.total_cmp(&a.0.score));
            next_beam.truncate(BEAM);
        }
        beam = next_beam
            .into_iter()
            .map(|(mut h, x, y)| {
                links.push((h.link, p, x, y));
                h.link = links.len() - 1;
                h
            })
            .collect();
    }
    // Every reading has scored the whole run and the text after it ([`After`]).
    let h = beam.iter().max_by(|a, b| a.score.total_cmp(&b.score))?;
    let mut link = h.link;
    while let Some(&(parent, at, x, y)) = links.get(link) {
        bytes[at] = x;
        if let Some(y) = y {
            bytes[at + 1] = y;
        }
        link = parent;
    }
    let out = String::from_utf8(bytes).ok()?;
    (!out.is_empty()).then_some(out)
}

/// The bytes that may stand for the cut at `p` (with the adjacent one at `q`, or `q == p`) of a
/// reading whose unscored text starts at `from`: each `(x, y, end, cost)` completes UTF-8
/// characters through `q` that the model knows, ending at `end`; `cost` is [`DECODED_PAIR`] when
/// the decoder would have read a restored byte together with the byte after it. `bytes[p]` and
/// `bytes[q]` are left with the last bytes tried.
#[allow(clippy::too_many_arguments)]
fn cut_options(
    bytes: &mut [u8],
    from: usize,
    p: usize,
    q: usize,
    later: usize,
    firsts: &[u8],
    seconds: &[u8],
    model: &Model,
) -> Vec<CutBytes> {
    let pair = q > p;
    let mut found = Vec::new();
    for &x in firsts {
        // Two adjacent cuts do not make a two-byte character on their own: nothing of it would
        // be known (`��` is not `·`).
        if pair && (0xC2..=0xDF).contains(&x) {
            continue;
        }
        bytes[p] = x;
        for &y in seconds {
            if pair {
                bytes[q] = y;
            }
            let Some(end) = chars_through(bytes, from, q, later) else {
                continue;
            };
            let Ok(restored) = std::str::from_utf8(&bytes[from..end]) else {
                continue;
            };
            if restored
                .chars()
                .any(|c| model.id(c) == 0 && c != '\u{FFFD}')
            {
                continue;
            }
            // The decoder read the lost byte as a lead whose pair it could not decode: with the
            // byte after it (the adjacent lost one, or the known next one), it does not make a
            // character GBK assigns.
            let decodes = |a: usize| {
                a + 1 < bytes.len() && a + 1 != later && gbk_assigns(bytes[a], bytes[a + 1])
            };
            let cost = if decodes(p) || pair && decodes(q) {
                DECODED_PAIR
            } else {
                0.0
            };
            found.push((x, y, end, cost));
        }
    }
    found
}

/// A restoration of one cut (or two adjacent ones) for one reading: its score with the left
/// context, the bytes, where its characters end, and the last two of them.
type CutOption = (f32, u8, u8, usize, (char, char));

/// Bytes that may stand for a cut (and the adjacent one), where their characters end, and their
/// decoded-pair cost: see [`cut_options`].
type CutBytes = (u8, u8, usize, f32);

/// The best restorations of a cut for readings whose unscored text starts at the same byte after
/// the same two characters.
type CutScores = ((usize, (char, char)), Vec<CutOption>);

/// One reading of the cuts restored so far in [`restore_cuts`].
struct CutReading {
    score: f32,
    /// Where the unscored text starts (the end of the last restored character).
    from: usize,
    /// The last two characters scored.
    ctx: (char, char),
    /// Its last entry in the links of restored bytes (`usize::MAX` before the first cut).
    link: usize,
}

/// log10 cost in [`restore_cuts`] of a lost byte that makes a GBK character with the byte after
/// it: the decoder would have read that pair, not written U+FFFD. A cost rather than a rule, as
/// the byte after a cut may belong to clean text the run took in (a span glued to clean
/// characters, whose re-encoding is not what the decoder saw). On the dev model, strict-decoder
/// pages went from 1.54 / 1.24 % to 0.80 / 0.47 % CER (Simplified / Traditional) and spans from
/// 0.68 / 0.60 % to 0.52 / 0.42 %; browser-decoded spans 0.32 -> 0.33 % on Traditional text. A
/// cost of 1.5 did less for the strict pages (0.92 / 0.60 %), 6 cost browser-decoded spans more
/// (0.52 / 0.35 %).
const DECODED_PAIR: f32 = 3.0;

/// The bytes a U+FFFD may stand for in UTF-8 read as GBK: any byte of a multi-byte character.
const LOST_BYTES: [u8; 0x75] = {
    let mut t = [0u8; 0x75];
    let mut i = 0;
    while i < t.len() {
        t[i] = 0x80 + i as u8;
        i += 1;
    }
    t
};

/// The end of the UTF-8 characters from `from` (where a character starts) through the restored
/// byte `q`, when they are complete without the unknown byte at `later` and the byte after them
/// starts a character.
fn chars_through(bytes: &[u8], from: usize, q: usize, later: usize) -> Option<usize> {
    let cont = |b: u8| (0x80..=0xBF).contains(&b);
    let mut end = from;
    while end <= q {
        let len = match bytes[end] {
            0x00..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return None,
        };
        if end + len > bytes.len() || (end..end + len).contains(&later) {
            return None;
        }
        if !(end + 1..end + len).all(|i| cont(bytes[i])) {
            return None;
        }
        end += len;
    }
    if bytes.get(end).is_some_and(|&b| cont(b)) && end != later {
        return None;
    }
    Some(end)
}

/// The UTF-8 character a cut at byte `p` left incomplete: its lead byte within the last three
/// bytes of `bytes[from..p]`, needing exactly one more byte. Returns the lead's position and the
/// character's length.
fn cut_character(bytes: &[u8], from: usize, p: usize) -> Option<(usize, usize)> {
    let k = (p.saturating_sub(3).max(from)..p)
        .rev()
        .find(|&i| bytes[i] >= 0xC0)?;
    let need = match bytes[k] {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    (p - k + 1 == need).then_some((k, need))
}

/// Text read as GBK twice with one character cut in the outer reading (`娴滆桨绶�`): the byte the
/// U+FFFD stands for completes a character of the inner reading, which is garbage itself, so the
/// model can only judge it after the second round trip. Each possible byte is tried through both
/// and the reading the model prefers is returned. `None` unless the run is at most 128
/// characters long (384 bytes) and holds exactly one U+FFFD after a character that needs exactly
/// one more byte, and some byte gives a second reading.
fn restore_cut_read_twice(run: &str, model: &Model, prev: char, next: After) -> Option<String> {
    // Each byte costs a round trip of the whole run: a page-long run is left to the others.
    const LONGEST: usize = 128;
    if run.len() > 3 * LONGEST {
        return None;
    }
    let (head, tail) = run.split_once('\u{FFFD}')?;
    if tail.contains('\u{FFFD}') {
        return None;
    }
    let head = Codec::Gbk.encode(head)?;
    let tail = Codec::Gbk.encode(tail)?;
    cut_character(&head, 0, head.len())?;
    let mut bytes = head;
    let at = bytes.len();
    bytes.push(0);
    bytes.extend_from_slice(&tail);
    let mut best: Option<(f32, String)> = None;
    for x in 0x80u8..=0xBF {
        bytes[at] = x;
        let Ok(inner) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let Some(outer) = round_trip(inner, 0) else {
            continue;
        };
        let last = outer.chars().next_back().unwrap_or(prev);
        let s = score_of(model, prev, &outer, next.0) + next.then(model, last);
        if best.as_ref().is_none_or(|(b, _)| s > *b) {
            best = Some((s, outer));
        }
    }
    best.map(|(_, text)| text)
}

/// A guess for a lost GBK character: the character, its model id, and the log10 cost of guessing
/// it (see [`RARE_GUESS`]).
type Guess = (char, u32, f32);

/// log10 cost of guessing a rare character for a lost one: the model folds Traditional variants
/// together (當 and 噹 are one id), and between equals the common character wins.
const RARE_GUESS: f32 = 1.0;

/// log10 cost of guessing a Traditional form other than the usual one for its Simplified form.
const VARIANT_GUESS: f32 = 0.5;

fn guess(c: char, model: &Model) -> Option<Guess> {
    let id = model.id(c);
    let rare = tables::class(c) & class::RARE != 0;
    // The model folds fullwidth letters into its letter token: `ｂ` before a surfacing `T`
    // would read as a word, so they pay what a realigned reading pays for them.
    // Of the Traditional forms the model folds into one id, the first conversion of their
    // Simplified form is the usual one (`當`, not `噹`).
    let usual = match tables::t2s(c).and_then(|s| tables::s2t(*s.first()?)) {
        Some(t) => t.first() == Some(&c),
        None => true,
    };
    let cost = if rare { RARE_GUESS } else { 0.0 } + if usual { 0.0 } else { VARIANT_GUESS }
        - Model::width_cost(c);
    (id != 0 && !is_private_use(c)).then_some((c, id, cost))
}

/// GBK characters whose two bytes a Big5 decoder rejects as a pair (a trail byte 0x80-0xA0, or
/// a pair Big5 leaves unassigned): what a U+FFFD in GBK text read as Big5 may stand for.
fn big5_rejected() -> &'static [Guess] {
    static T: std::sync::OnceLock<Vec<Guess>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let (model, table) = (Model::get(), PairTable::global());
        let mut v = Vec::new();
        for lead in 0x81u8..=0xFE {
            for trail in 0x80u8..=0xFE {
                let rejected = BIG5.decode_without_bom_handling(&[lead, trail]).0 == "\u{FFFD}";
                if let Some(g) = table.get(lead, trail).filter(|_| rejected) {
                    v.extend(guess(g, model));
                }
            }
        }
        v
    })
}

/// For each ASCII trail byte 0x40-0x7E, the GBK characters with that trail whose pair a Big5
/// decoder rejects while keeping the trail (U+FFFD, then the ASCII character).
fn big5_rejected_leads(trail: u8) -> &'static [Guess] {
    static T: std::sync::OnceLock<Vec<Vec<Guess>>> = std::sync::OnceLock::new();
    let all = T.get_or_init(|| {
        let (model, table) = (Model::get(), PairTable::global());
        (0x40u8..=0x7E)
            .map(|t| {
                let kept = format!("\u{FFFD}{}", t as char);
                (0x81u8..=0xFE)
                    .filter(|&lead| BIG5.decode_without_bom_handling(&[lead, t]).0 == kept)
                    .filter_map(|lead| guess(table.get(lead, t)?, model))
                    .collect()
            })
            .collect()
    });
    trail
        .checked_sub(0x40)
        .and_then(|i| all.get(i as usize))
        .map_or(&[], Vec::as_slice)
}

/// Most U+FFFD in a row that [`fill_lost`] fills.
const MAX_LOST_RUN: usize = 4;

/// Replaces each U+FFFD of a GBK-read-as-Big5 candidate (a lost GBK character) with the
/// character of [`big5_rejected`] the model prefers between its neighbours. A U+FFFD followed by
/// an ASCII character 0x40-0x7E may also be a lost lead byte whose trail surfaced as that
/// character (a pair Big5 leaves unassigned): the model decides between the two readings.
fn fill_lost(candidate: &str, model: &DocModel, prev: char, next: char) -> String {
    if !candidate.contains('\u{FFFD}') {
        return candidate.to_owned();
    }
    let mut chars: Vec<char> = candidate.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\u{FFFD}' {
            i += 1;
            continue;
        }
        // A longer run than a few lost characters in a row is other damage (a page's own
        // replacement characters): guessing each from its neighbours would invent a text.
        let run = chars[i..].iter().take_while(|&&c| c == '\u{FFFD}').count();
        if run > MAX_LOST_RUN {
            i += run;
            continue;
        }
        // The ids of the characters at offsets `js` from the U+FFFD (`prev`, `next` beyond).
        let ids = |js: [isize; 4], chars: &[char]| {
            js.map(|j| {
                let c = match i as isize + j {
                    -1 => prev,
                    k if k < -1 => '\n',
                    k => chars.get(k as usize).copied().unwrap_or(next),
                };
                model.id(c)
            })
        };
        // (Reversed: of equal scores the first guess wins.)
        let best_of = |guesses: &[Guess], ctx: [u32; 4]| {
            guesses
                .iter()
                .rev()
                .map(|&(c, id, cost)| {
                    let s = model.logp3_id(ctx[0], ctx[1], id)
                        + model.logp3_id(ctx[1], id, ctx[2])
                        + model.logp3_id(id, ctx[2], ctx[3])
                        - cost
                        + model.script_cost(c);
                    (s, c)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0))
        };
        // A whole character lost, or a lead byte lost with its trail surfacing as ASCII. Both
        // readings are scored up to the same character, two past the trail: the whole reading
        // keeps the trail as a character of its own, which pays one more term.
        let whole = best_of(big5_rejected(), ids([-2, -1, 1, 2], &chars)).map(|(s, c)| {
            let [a, b, z, _] = ids([1, 2, 3, 0], &chars);
            (s + model.logp3_id(a, b, z), c)
        });
        let lead = chars
            .get(i + 1)
            .filter(|c| ('\u{40}'..='\u{7E}').contains(*c))
            .and_then(|&t| best_of(big5_rejected_leads(t as u8), ids([-2, -1, 2, 3], &chars)));
        match (whole, lead) {
            (w, Some(l)) if w.is_none_or(|w| l.0 > w.0) => {
                chars[i] = l.1;
                chars.remove(i + 1);
            }
            (Some(w), _) => chars[i] = w.1,
            _ => {}
        }
        i += 1;
    }
    chars.into_iter().collect()
}

/// Whether `chars` reads as ordinary text around position `skip` (which is left out): the mean
/// log10 bigram probability of the characters on either side. The threshold was chosen on the
/// training subsets: at -3.0 clean text runs about twice as fast (a lone rare character no longer
/// cost 49 windows of round trips then) for 0.3-0.5 points of CER on the Big5/GBK swap families;
/// -2.7 and -3.2 were tried.
fn reads_fluently(chars: &[(usize, char)], skip: usize) -> bool {
    const FLUENT: f32 = -3.0;
    let model = Model::get();
    let (mut sum, mut n) = (0.0f32, 0usize);
    for i in 1..chars.len() {
        if i == skip || i == skip + 1 {
            continue;
        }
        sum += model.logp(chars[i - 1].1, chars[i].1);
        n += 1;
    }
    n >= 4 && sum / n as f32 > FLUENT
}

fn score_of(model: &Model, prev: char, s: &str, next: char) -> f32 {
    let last = s.chars().next_back().unwrap_or(prev);
    let width: f32 = s.chars().map(Model::width_cost).sum();
    model.score(prev, s) + model.logp(last, next) + width
}

/// The text after a run: its first character, and the second where the two read as ordinary
/// text (what follows a run may be mojibake still, which says nothing: `1鏈` is `1月` read as
/// GBK). A reading's last character is scored with both: `。` and `、` are one lost byte apart
/// in UTF-8, and `素、數` outscores `素。數` until `個` follows.
#[derive(Debug, Clone, Copy)]
struct After(char, Option<char>);

impl After {
    /// log10 P(second | first) below which the two characters after a run say nothing.
    const FLUENT: f32 = -5.0;

    /// The text after byte `end` of `text`.
    fn at(text: &str, end: usize) -> After {
        let mut chars = text[end..].chars();
        let next = chars.next().unwrap_or('\n');
        let plain = |c: char| !extends_cluster(c);
        // The model reads digits and Latin letters as classes: the character after one says
        // how long the number or word is, not how the run ends (`以98` and `从98` alike).
        let then = chars.next().filter(|&c| {
            next != '\n'
                && !next.is_ascii_alphanumeric()
                && plain(next)
                && plain(c)
                && Model::get().logp(next, c) >= Self::FLUENT
        });
        After(next, then)
    }

    /// log10 P(second | last, first): the term the second character adds to a reading ending
    /// in `last` (0 where it says nothing).
    fn then(self, model: &Model, last: char) -> f32 {
        self.1.map_or(0.0, |c| model.logp3(last, self.0, c))
    }
}

/// Re-encodes `run` with the charset it was wrongly read as and decodes the bytes as written.
/// Incomplete sequences at the ends are dropped; any invalid byte inside rejects the candidate.
fn round_trip(run: &str, kind: u8) -> Option<String> {
    // GBK read as Big5: a GBK character whose trail byte Big5 does not accept (0x80-0xA0) was
    // read as one U+FFFD, both bytes consumed, so the characters around it stay aligned. Each
    // piece between them round-trips alone; the U+FFFD stay for `fill_lost` to guess.
    if kind == 6 && run.contains('\u{FFFD}') {
        let mut out = String::with_capacity(run.len());
        for (i, piece) in run.split('\u{FFFD}').enumerate() {
            if i > 0 {
                out.push('\u{FFFD}');
            }
            if !piece.is_empty() {
                out.push_str(&round_trip(piece, kind)?);
            }
        }
        return Some(out);
    }
    // A decoder writes U+FFFD for a lead byte cut off at the end of a span: that byte is lost,
    // the rest of the run still round-trips.
    let body = run.trim_end_matches('\u{FFFD}');
    let lost = &run[body.len()..];
    let (read_as, written_as) = codecs(kind);
    let bytes = read_as.encode(body)?;
    let (text, had_errors) = written_as.decode_without_bom_handling(&bytes);
    let mut text = text.into_owned();
    if had_errors {
        // Tolerate one lost byte at either end (a split character), nothing inside.
        let trimmed = text.trim_matches('\u{FFFD}');
        if trimmed.contains('\u{FFFD}') || text.len() - trimmed.len() > 6 {
            return None;
        }
        text = trimmed.to_owned();
    }
    // The candidate must account for (nearly) every byte: a decoder that resynchronised past
    // garbage explains nothing.
    let explained = match written_as.encode(&text) {
        (b, _, false) => b.len(),
        _ => return None,
    };
    // A character cut off at the end of the span costs at most one byte, or a few more where the
    // decoder marked the cut with U+FFFD.
    let tolerance = if lost.is_empty() { 1 } else { 3 };
    if explained + tolerance < bytes.len() {
        return None;
    }
    if text.is_empty() || text == body || text.chars().any(|c| c.is_control()) {
        return None;
    }
    text.push_str(lost);
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_invert_each_family() {
        let (gbk_bytes, _, _) = GB18030.encode("中文");
        let latin: String = gbk_bytes.iter().map(|&b| b as char).collect();
        assert_eq!(round_trip(&latin, 1).as_deref(), Some("中文"));
        let (as_gbk, _, _) = GB18030.decode("合影".as_bytes());
        assert_eq!(round_trip(&as_gbk, 0).as_deref(), Some("合影"));
        let (as_1252, _, _) = WINDOWS_1252.decode("中文".as_bytes());
        assert_eq!(round_trip(&as_1252, 3).as_deref(), Some("中文"));
    }

    fn repair(text: &str) -> String {
        crate::text::apply_with(text, |t, out| {
            out.extend(repair_segments(t, 0, t.len(), false, &Budget::for_run(t)))
        })
    }

    #[test]
    fn euro_sign_of_a_gbk_reading_is_byte_0x80() {
        // `一` is E4 B8 80: a GBK decoder reads `涓€`.
        let (damaged, _, _) = GB18030.decode("一系列措施".as_bytes());
        assert!(damaged.contains('€'), "{damaged}");
        assert_eq!(
            repair(&format!("他们采取了{damaged}，效果明显")),
            "他们采取了一系列措施，效果明显"
        );
    }

    #[test]
    fn a_latin_pair_glued_to_chinese_text_is_one_character() {
        // `。` is A1 A3 in GBK: read as Latin-1 it is `¡£`.
        assert_eq!(repair("他们讨论了行省¡£1321年"), "他们讨论了行省。1321年");
        // A Latin pair inside Latin text stays.
        assert_eq!(repair("Señor Núñez"), "Señor Núñez");
    }

    #[test]
    fn character_cut_at_the_end_of_a_span_is_completed() {
        // The span ends one byte into its last character's final byte: `。` is E3 80 82, the
        // lone 0x82 reads U+FFFD.
        let bytes = "会议讨论了水资源保护。".as_bytes();
        let (damaged, _, _) = GB18030.decode(bytes);
        assert!(damaged.ends_with('\u{FFFD}'), "{damaged}");
        assert_eq!(
            repair(&format!("{damaged}\n下午继续开会")),
            "会议讨论了水资源保护。\n下午继续开会"
        );
    }

    #[test]
    fn a_cut_character_is_read_with_two_characters_after_the_span() {
        // `。` (E3 80 82) and `、` (E3 80 81) differ in the lost byte: `模、全` outscores
        // `模。全`, and `年` after `全` decides.
        let damaged = gbk("模。");
        assert!(damaged.ends_with('\u{FFFD}'), "{damaged}");
        assert_eq!(
            repair(&format!("这家工厂去年扩大了规{damaged}全年产量翻了一番")),
            "这家工厂去年扩大了规模。全年产量翻了一番"
        );
    }

    #[test]
    fn a_number_after_a_run_says_nothing_of_how_the_run_ends() {
        // `以` (E4 BB A5) loses its last byte before `98`; the model reads digits as a class,
        // and the second digit would favour `从98` as much as any number.
        let clean = "比赛最后三分钟，主队连续得分，以98比95逆转取胜。";
        assert_eq!(repair_doc(&gbk(clean)), clean);
    }

    #[test]
    fn a_page_read_as_gbk_is_repaired_whole_with_its_cut_characters() {
        // A whole page of UTF-8 read as GBK: runs of mojibake between ASCII digits, each ending
        // in a character whose last byte the decoder lost (`年` is E5 B9 B4: `骞` + U+FFFD).
        let clean = "第二条 本办法自2021年3月1日起施行，原有的规定同时废止。";
        let (damaged, _, _) = GB18030.decode(clean.as_bytes());
        assert!(damaged.matches('\u{FFFD}').count() >= 2, "{damaged}");
        assert_eq!(repair(&damaged), clean);
    }

    #[test]
    fn gbk_read_as_big5_round_trips_through_hkscs_and_lost_pairs() {
        // `島` is 8D 75 in GBK: Big5 reads the HKSCS character `憷`, which a WHATWG Big5
        // encoder does not write back.
        let damaged = big5("島，再");
        assert!(damaged.contains('憷'), "{damaged}");
        assert_eq!(
            repair(&format!("南為巴布煙群{damaged}往南則為呂宋")),
            "南為巴布煙群島，再往南則為呂宋"
        );
        // A pair Big5 rejects reads as one U+FFFD; the pieces around it still round-trip.
        let damaged = big5("巴丹群島以南為巴士海峽");
        assert!(damaged.contains('\u{FFFD}'), "{damaged}");
        let fixed = repair(&format!("臺灣南方，{damaged}。"));
        assert!(
            fixed.starts_with("臺灣南方，巴丹") && fixed.ends_with("以南為巴士海峽。"),
            "{fixed}"
        );
    }

    #[test]
    fn a_long_run_of_replacement_characters_beside_a_big5_reading_is_not_filled() {
        // Twelve U+FFFD are no lost characters of this damage: each would be guessed from its
        // neighbours, an invented text. The span after them is still repaired.
        let run = "\u{FFFD}".repeat(12);
        let damaged = big5("我們今天學習中文，這是一個很好的例子。");
        let fixed = repair_doc(&format!("{run}{damaged}"));
        assert!(fixed.starts_with(&run), "{fixed}");
        assert!(fixed.ends_with("學習中文，這是一個很好的例子。"), "{fixed}");
    }

    #[test]
    fn a_lost_lead_before_its_surfacing_trail_competes_on_equal_terms() {
        // `員` is 86 54 and `係` 82 53 in GBK: Big5 rejects both pairs and keeps each trail as
        // ASCII (`委�T關�S`). Read as whole lost characters, the trails would be letters after
        // fullwidth ones (`ｂS`), which the model folds into one letter token.
        let damaged = big5("委員關係");
        assert!(damaged.contains("\u{FFFD}T") && damaged.contains("\u{FFFD}S"));
        let model = DocModel::new("", &[]);
        assert_eq!(
            fill_lost("這位委\u{FFFD}T關\u{FFFD}S人脈", &model, '道', '很'),
            "這位委員關係人脈"
        );
    }

    #[test]
    fn a_lost_character_is_guessed_in_the_script_around_it() {
        // `让` and `讓` are one id to the model; both are GBK pairs Big5 rejects. The document's
        // script decides.
        assert!(big5_rejected().iter().any(|g| g.0 == '让'));
        assert!(big5_rejected().iter().any(|g| g.0 == '讓'));
        let hans = DocModel::new("他们在这块土地上盖了房子。", &[]);
        assert_eq!(
            fill_lost("依法转\u{FFFD}土地", &hans, '，', '。'),
            "依法转让土地"
        );
        let hant = DocModel::new("他們在這塊土地上蓋了房子。", &[]);
        assert_eq!(
            fill_lost("依法轉\u{FFFD}土地", &hant, '，', '。'),
            "依法轉讓土地"
        );
    }

    #[test]
    fn a_lost_character_is_guessed_from_what_the_document_says_elsewhere() {
        // `鎮` and `總` are pairs Big5 rejects (`小��是`). Alone, the model reads `小龍類是`; the
        // document's first line names the town.
        let damaged = big5("每到週末，小鎮總是擠滿了遊客。");
        assert!(damaged.contains("\u{FFFD}\u{FFFD}"), "{damaged}");
        assert_eq!(
            repair_doc(&format!("這座小鎮以溫泉聞名，老街很熱鬧。\n{damaged}\n")),
            "這座小鎮以溫泉聞名，老街很熱鬧。\n每到週末，小鎮總是擠滿了遊客。\n"
        );
    }

    #[test]
    fn a_lost_character_right_after_a_repair_is_guessed_with_it() {
        // `人` (C8 CB) is a pair Big5 rejects: the damaged run ends in U+FFFD, which the round
        // trip's window leaves out.
        let damaged = big5("這次比賽的冠軍是一位年輕人");
        assert!(damaged.ends_with('\u{FFFD}'), "{damaged}");
        assert_eq!(
            repair_doc(&format!("據說{damaged}。\n")),
            "據說這次比賽的冠軍是一位年輕人。\n"
        );
    }

    #[test]
    fn a_character_cut_in_text_read_as_gbk_twice_is_restored_through_both_readings() {
        // The inner reading of two characters is 9 bytes of UTF-8, so the outer reading cuts its
        // last character (`婊�`): the missing byte is chosen by how the text reads after the
        // second round trip, not by the inner garbage.
        for (span, rest) in [
            ("我们", "决定明天出发。"),
            ("这个村子里的", "老人很多。"),
            ("他们", "依法处理。"),
        ] {
            let damaged = gbk(&gbk(span));
            assert!(damaged.ends_with('\u{FFFD}'), "{damaged}");
            assert_eq!(
                repair_doc(&format!("据说，{damaged}{rest}\n")),
                format!("据说，{span}{rest}\n")
            );
        }
    }

    #[test]
    fn euro_signs_and_odd_symbols_carry_a_cluster_of_text_read_twice_on() {
        // Read as GBK twice, this span shows three characters in a row that are not rare
        // (`鑽ょ波`: a hiragana between two common Han characters) between two stretches of rare
        // ones. Counted as ordinary, they split the span into two clusters whose windows met
        // inside a character (`过骞撴稉年`).
        restores_read_twice("我们需要", "认真总结过去一年的工作经验", "。");
    }

    #[test]
    fn a_mark_inside_mojibake_does_not_end_the_run() {
        // Read as GBK twice, two bytes of `法` come back as `《`, glued between garbage
        // characters. Ending the run there left `依《追究其《律责任`.
        let span = "应当依法追究其法律责任";
        assert_eq!(gbk(&gbk(span)).matches('《').count(), 2);
        restores_read_twice("有关部门", span, "。");
    }

    #[test]
    fn windows_reach_far_enough_for_text_read_twice() {
        // Read as GBK twice, these spans hide the bytes of their last characters well past the
        // last rare character; windows reaching six characters left `降〒，请注意安�` and
        // `功閼筹拷`.
        restores_read_twice("天气预报说", "明天有大风降温，请注意安全", "。");
        restores_read_twice("网站", "上线了新的搜索功能", "，用户体验明显改善。");
    }

    #[test]
    fn a_cluster_runs_through_common_characters_inside_mojibake() {
        // Read as GBK twice, `户外活动` holds three common characters in a row (`婢舵艾`): a
        // cluster that stopped at them left `户外濞茶始`.
        restores_read_twice("她说", "孩子应该多到户外活动", "，少看手机。");
    }

    #[test]
    fn a_euro_sign_read_from_a2_e3_goes_back_to_those_bytes() {
        // `用` is E7 94 A8 and `了` E4 BA 86: read as GBK, `鐢ㄤ簡`, whose UTF-8 bytes read
        // as GBK again pair A2 (the end of `鐢`) with E3 (the start of `ㄤ`): `€`.
        assert_eq!(gbk("鐢ㄤ"), "閻€劋");
        assert_eq!(Codec::Gbk.encode("閻€劋"), Some("鐢ㄤ".as_bytes().to_vec()));
        // Byte 0x80 stays 0x80 where UTF-8 needs it there (`一` is E4 B8 80).
        assert_eq!(
            Codec::Gbk.encode(&gbk("一")),
            Some("一".as_bytes().to_vec())
        );
        restores_read_twice("新型号的性能向上提升，采", "用了", "新的枪管");
    }

    /// `span` read as GBK twice between clean `head` and `tail` comes back whole.
    fn restores_read_twice(head: &str, span: &str, tail: &str) {
        let damaged = gbk(&gbk(span));
        assert_eq!(
            repair_doc(&format!("{head}{damaged}{tail}\n")),
            format!("{head}{span}{tail}\n"),
            "{damaged}"
        );
    }

    #[test]
    fn utf8_read_by_a_strict_gbk_decoder_is_restored_byte_by_byte() {
        // What Python's `gbk` codec with `errors="replace"` makes of `主要包括社会福利中心。` (the
        // simulator's `utf8_as_gbk_strict`): a U+FFFD wherever a lead byte found no valid trail,
        // each standing for one byte, inside a character as well as at its end.
        let damaged = "他们涓昏\u{FFFD}佸寘鎷\u{FFFD}绀句細绂忓埄涓\u{FFFD}蹇冦\u{FFFD}\u{FFFD}";
        assert_eq!(repair(damaged), "他们主要包括社会福利中心。");
    }

    #[test]
    fn a_rare_character_in_a_utf8_reading_is_text_the_author_wrote() {
        // `面攪動` read strictly (`動` loses its last byte): `攪` is rare in the training text, but
        // a UTF-8 reading that decodes around it proves it.
        assert_eq!(repair_doc("由水闈㈡敧鍕\u{FFFD}引起的"), "由水面攪動引起的");
        assert_eq!(
            repair_doc(&gbk("地震是由水面攪動引起的")),
            "地震是由水面攪動引起的"
        );
    }

    #[test]
    fn a_latin_looking_gbk_symbol_does_not_end_a_cluster() {
        // `政區劃設有城關的坊里制` read strictly: `ō` (A8 AD, from the bytes of `設有`) stood
        // between the rare characters, ended the cluster, and the windows stopped short of
        // `殑鍧婇噷鍒�`, which cannot be read alone (it starts inside `的`).
        assert_eq!(
            repair_doc("縣以下基層行鏀垮崁鍔冭ō鏈夊煄闂滅殑鍧婇噷鍒\u{FFFD}與農村的村社制。"),
            "縣以下基層行政區劃設有城關的坊里制與農村的村社制。"
        );
    }

    #[test]
    fn a_lost_byte_is_one_the_strict_decoder_could_not_pair() {
        // `我们一起去公园散步吧` read strictly: `公` and `园` lose their last bytes (AC and AD,
        // whose pairs with the next lead byte E5 fall in GBK's user-defined area). `入四`
        // (A5 and 9B) reads well too, but A5 E5 and 9B E5 are characters the decoder would have
        // read.
        let damaged = "鎴戜滑涓\u{FFFD}璧峰幓鍏\u{FFFD}鍥\u{FFFD}鏁ｆ\u{FFFD}ュ惂";
        assert_eq!(repair_doc(damaged), "我们一起去公园散步吧");
    }

    #[test]
    fn a_cut_character_alone_is_restored_once_the_document_shows_the_damage() {
        // `。` read strictly is `銆` and a U+FFFD: a run of two characters read back as one,
        // after Latin text, which the per-character gain would refuse on its own.
        let doc = [
            "浠栦滑涓昏\u{FFFD}佸寘鎷\u{FFFD}绀句細绂忓埄涓\u{FFFD}蹇冦\u{FFFD}\u{FFFD}",
            "寰\u{FFFD}鐜\u{FFFD}鏉ュ線涓\u{FFFD}鐜\u{FFFD}鐮佸ご",
            "璀︽柟宸茬粡閫\u{FFFD}鎹曚簡瀚岀姱",
            "射杀 Wayde銆\u{FFFD}",
        ]
        .join("\n");
        let fixed = repair_doc(&doc);
        assert!(fixed.ends_with("\n射杀 Wayde。"), "{fixed}");
    }

    #[test]
    fn cuts_in_characters_side_by_side_are_restored_together() {
        // `循环来往中环码头` read strictly: `循` and `环` both lose their last byte, so neither
        // has a known neighbour to be judged by; read one at a time, the likeliest first
        // character after a line start (`德`) would win, and `王` after it.
        let damaged = "寰\u{FFFD}鐜\u{FFFD}鏉ュ線涓\u{FFFD}鐜\u{FFFD}鐮佸ご";
        assert_eq!(repair(damaged), "循环来往中环码头");
    }

    #[test]
    fn lost_characters_in_clean_text_are_not_invented_from_nothing() {
        // Two U+FFFD side by side in clean text are characters lost outright; no byte of a
        // two-byte character made of them would be known.
        for text in [
            "依本法處罰\u{FFFD}\u{FFFD}之規定",
            "第一條\u{FFFD}\u{FFFD}為維護",
        ] {
            assert_eq!(repair_doc(text), text);
        }
    }

    #[test]
    fn big5_read_as_gbk_with_private_use_characters_is_repaired() {
        // `，` is A1 41 in Big5: GBK puts that pair in its user-defined area.
        let (bytes, _, _) = BIG5.encode("，加拿大軍隊基地");
        let (damaged, _, _) = GB18030.decode(&bytes);
        assert!(damaged.chars().any(is_private_use), "{damaged}");
        assert_eq!(
            repair(&format!("在1990年代{damaged}希洛分基地")),
            "在1990年代，加拿大軍隊基地希洛分基地"
        );
    }

    #[test]
    fn a_clean_character_glued_to_a_page_read_as_gbk_is_kept() {
        // The run starts with the clean `应`: read whole, its GBK bytes come back as `Ӧ`, which
        // does not explain the run, so the windows find where the damage starts.
        let damaged = format!(
            "异议，应{}",
            gbk("当审查。异议成立的，裁定将案件移送有管辖权的法院")
        );
        assert_eq!(
            repair_doc(&damaged),
            "异议，应当审查。异议成立的，裁定将案件移送有管辖权的法院"
        );
    }

    #[test]
    fn a_whole_reading_explains_its_run_only_as_plain_chinese_and_the_same_ascii() {
        let rep = |text: &str, reason: &'static str| Replacement::new(0, 0, text, 0.9, reason);
        let utf8 = ROUND_TRIPS[0].1;
        assert!(explains_run("鎴栧叾浠2018", &rep("或其他2018", utf8)));
        assert!(!explains_run("鎴栧叾浠", &rep("或其他学λ", utf8)));
        assert!(!explains_run("並鍏艰睛", &rep("K兼辦", utf8)));
        // Other round trips decode any bytes: their windows always run.
        assert!(!explains_run("蕼滅", &rep("或其他", GBK_AS_BIG5)));
    }

    #[test]
    fn two_damaged_spans_one_clean_character_apart_are_repaired_each() {
        let damaged = format!(
            "由市、县（市、{}责{}期改正",
            gbk("区）民政部门"),
            gbk("令限")
        );
        assert_eq!(repair(&damaged), "由市、县（市、区）民政部门责令限期改正");
    }

    fn repair_doc(text: &str) -> String {
        crate::stages::run_alone(&Mojibake, text)
    }

    /// `s` as a GBK decoder reads its UTF-8 bytes.
    fn gbk(s: &str) -> String {
        GB18030.decode(s.as_bytes()).0.into_owned()
    }

    /// The GBK bytes of `s` as a Big5 decoder reads them.
    fn big5(s: &str) -> String {
        BIG5.decode(&GB18030.encode(s).0).0.into_owned()
    }

    #[test]
    fn a_page_read_as_cp1252_gets_its_lone_characters_back() {
        let clean = "第 1 条 为了规范管理，制定本办法。\n第 2 条 本办法适用于全市。\n第 3 条 本办法自公布之日起施行。";
        let (damaged, _, _) = WINDOWS_1252.decode(clean.as_bytes());
        assert_eq!(repair_doc(&damaged), clean);
        // One lone reading in an otherwise clean page is not enough.
        let (first, _, _) = WINDOWS_1252.decode("第".as_bytes());
        let page = format!("{first} 1 条 为了规范管理，制定本办法。");
        assert_eq!(repair_doc(&page), page);
    }

    #[test]
    fn gbk_read_as_cp1252_with_symbols_and_a_leading_quote_byte() {
        // `作業` is D7 F7 98 49: `×÷˜I`, no Latin letter but the trail `I`.
        assert_eq!(
            repair("護理人員施行預防接種×÷˜I，應接受訓練"),
            "護理人員施行預防接種作業，應接受訓練"
        );
        // `戰` is 91 F0: its lead byte reads as a curly quote.
        assert_eq!(repair("巴西南部的作‘ð»ùµØ¡£"), "巴西南部的作戰基地。");
        // Curly quotes around Chinese text are quotes.
        assert_eq!(repair("他说‘好’，然后走了"), "他说‘好’，然后走了");
    }

    #[test]
    fn a_span_whose_middle_looks_ordinary_is_repaired_to_its_end() {
        // `具有` read as GBK is `鍏锋湁`: a window ending at `锋` would cut `有` in half.
        let damaged = format!(
            "意传播虚假恐{}一的{}定为刑法",
            gbk("怖信息，具有下列情形之"),
            gbk("，应当认")
        );
        assert_eq!(
            repair(&damaged),
            "意传播虚假恐怖信息，具有下列情形之一的，应当认定为刑法"
        );
    }

    #[test]
    fn the_window_search_stops_once_its_budget_is_spent() {
        // Two damaged spans a few characters apart: one cluster, found by the windows with a
        // run's budget and by none with an empty one.
        let text = format!(
            "意传播虚假恐{}一的{}定为刑法",
            gbk("怖信息，具有下列情形之"),
            gbk("，应当认")
        );
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let run = Budget::for_run(&text);
        assert!(!repair_windows(&text, text.len(), &chars, false, &run).is_empty());
        let spent = Budget(std::cell::Cell::new(0));
        assert!(repair_windows(&text, text.len(), &chars, false, &spent).is_empty());
        let few = Budget(std::cell::Cell::new(5));
        assert!(few.take(5));
        assert!(!few.take(1));
    }

    #[test]
    fn each_repair_earns_its_run_more_window_search() {
        // Four damaged clauses in one line of otherwise clean text. Given half the window
        // characters the search spends on all four, it still finds them all: each repair pays
        // for the search after it. (Codec debris, which yields no repair, earns nothing.)
        let clauses = [
            "怖信息具有下列",
            "应当认定为刑法",
            "本条例自发布之",
            "管理部门负责实",
        ];
        let mut text = String::new();
        for (i, clause) in clauses.iter().enumerate() {
            text.push_str(
                [
                    "意传播虚假恐",
                    "中华人民共和国",
                    "国务院有关部门",
                    "各级人民政府",
                ][i],
            );
            text.push_str(&gbk(clause));
        }
        text.push_str("施工作的办法");
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let plenty = Budget(std::cell::Cell::new(1 << 30));
        let found = repair_windows(&text, text.len(), &chars, false, &plenty);
        assert_eq!(found.len(), 4, "{found:?}");
        let repaired: usize = found
            .iter()
            .map(|r| text[r.start..r.end].chars().count())
            .sum();
        let spent = (1 << 30) + BUDGET_PER_REPAIRED * repaired - plenty.0.get();
        let half = Budget(std::cell::Cell::new(spent / 2));
        let again = repair_windows(&text, text.len(), &chars, false, &half);
        assert_eq!(
            again.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(),
            clauses
        );
    }

    #[test]
    fn a_page_read_as_big5_gets_its_punctuation_back() {
        // GBK `。` (A1 A3) reads `﹝` in Big5: a symbol, not a rare character. Alone after clean
        // text it is repaired once the page has shown the damage elsewhere.
        let page = format!(
            "{}\n{}\n{}\n第四条 本办法自公布之日起施行{}",
            big5("第一条 为了规范管理，制定本办法。"),
            big5("第二条 本办法适用于本市。"),
            big5("第三条 有关部门应当做好工作。"),
            big5("。")
        );
        assert!(page.ends_with('﹝'), "{page}");
        assert_eq!(
            repair_doc(&page),
            "第一条 为了规范管理，制定本办法。\n第二条 本办法适用于本市。\n第三条 有关部门应当做好工作。\n第四条 本办法自公布之日起施行。"
        );
    }
}
