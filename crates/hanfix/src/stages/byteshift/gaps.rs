//! Vanished pairs: bytes that read as a user-defined character and were dropped.

use super::bytes::*;
use super::search::*;
use crate::doc_model::DocModel;

/// Expands `h` with a vanished user-defined pair before the damaged character whose bytes are
/// `b1 b2`: the original held `(lead, p1)` and `(p2, b1)`. The first character is scored alone
/// and only the best `keep` choices of `p1` are extended with every `p2`. Returns the score of
/// the best first character, if any was pursued.
///
/// `after` is the model id of the character the damaged text reads next if nothing else
/// vanished (the same for every reading, whose last byte is `b2`): the readings kept are the
/// best with it. Scored alone, a second character that fits only what came before crowds out
/// the one the text goes on with (`目前，有` before `究`, where `研` was lost).
pub(super) fn expand_gap(
    h: &Hyp,
    lead: u8,
    (b1, b2): (u8, Option<u8>),
    keep: usize,
    after: Option<u32>,
    model: &DocModel,
    next: &mut Vec<Hyp>,
) -> Option<f32> {
    // A first character the model finds implausible here is not worth pairing with every second.
    // (Only where every lost byte is still tried, which is where the cost is.)
    let min = if keep == 1 {
        FIRST_MIN
    } else {
        f32::NEG_INFINITY
    };
    let firsts = gap_firsts(h, lead, keep, min, model);
    let best_first = firsts.first().map(|f| f.0);
    let readings: Vec<(f32, [(char, u32); 2])> = score_gap(h, &firsts, &[b1], BEAM, model)
        .into_iter()
        .map(|r| (r.score, [r.first, r.second]))
        .collect();
    keep_gap_readings(h, &readings, h.gaps + 1, b2, after, model, next);
    best_first
}

/// Adds to `next` the best [`GAP_BEAM`] readings `(score, characters)` of vanished pairs after
/// `h`, one per search state, ranked with the character after them when it is known. Where that
/// character is less likely than [`GAP_TRIGGER`] after a reading, the search will look for
/// another vanished pair before it, so it says nothing of the reading.
///
/// Ranked before any hypothesis is built (with the priors [`push`] adds), so that only the
/// readings kept are built: the same choice as building all of them, sorting them by rank (a
/// stable sort) and keeping the first [`GAP_BEAM`] distinct states, as [`prune`] does by its rank.
fn keep_gap_readings<const N: usize>(
    h: &Hyp,
    readings: &[(f32, [(char, u32); N])],
    gaps: u8,
    pending: Option<u8>,
    after: Option<u32>,
    model: &DocModel,
    next: &mut Vec<Hyp>,
) {
    let first = h.pos == 1 && h.out.is_empty();
    let mut ranked: Vec<(f32, usize, (i32, i32))> = readings
        .iter()
        .enumerate()
        .map(|(i, (score, chars))| {
            let mut quotes = h.quotes;
            let mut s = *score;
            for (k, &(c, _)) in chars.iter().enumerate() {
                s += prior(&mut quotes, first && k == 0, c);
            }
            let rank = match (after, last_two(chars)) {
                (Some(a), Some((last2, last))) => {
                    s + model.logp3_id(last2, last, a).max(GAP_TRIGGER)
                }
                _ => s,
            };
            (rank, i, quotes)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    // The search state after a reading: position and pending byte are the same for all of them.
    // Past the first [`GAP_BEAM`] states, a reading that leaves the quotes otherwise open is
    // still kept, the best of each count: the model does not see quotes, the search's finish
    // does (a `”` the model ranks low may close the line's `“`).
    let mut seen: Vec<GapState> = Vec::with_capacity(GAP_BEAM);
    for (_, i, quotes) in ranked {
        if seen.len() >= GAP_BEAM && seen.iter().any(|s| s.1 == quotes) {
            continue;
        }
        let Some((score, chars)) = readings.get(i) else {
            continue;
        };
        let state = (last_two(chars), quotes);
        if seen.contains(&state) {
            continue;
        }
        seen.push(state);
        let mut g = extend(h, chars, *score, gaps, pending);
        g.pos += 1;
        next.push(g);
    }
}

/// What tells the search states after two readings of a vanished pair apart: the last two
/// characters and the open quotes (position and pending byte are the same for all of them).
type GapState = (Option<(u32, u32)>, (i32, i32));

/// Model ids of the last two of `chars`, the search state's.
fn last_two(chars: &[(char, u32)]) -> Option<(u32, u32)> {
    match chars {
        [.., (_, y), (_, z)] => Some((*y, *z)),
        _ => None,
    }
}

/// Best first characters of a vanished pair after `h`: `(lead, p1)` for the lead bytes `p1` of
/// the user-defined areas, scored in context, best first.
pub(super) fn gap_firsts(
    h: &Hyp,
    lead: u8,
    keep: usize,
    min: f32,
    model: &DocModel,
) -> Vec<(f32, u8, char, u32)> {
    let mut firsts: Vec<(f32, u8, char, u32)> = pua_pairs()
        .iter()
        .filter_map(|&(p1, _)| {
            let c1 = pair(lead, p1)?;
            let id1 = model.id(c1);
            let s1 = model.logp3_id(h.last2, h.last, id1) + model.script_cost(c1);
            Some((s1, p1, c1, id1))
        })
        .filter(|f| f.0 >= min)
        .collect();
    firsts.sort_by(|a, b| b.0.total_cmp(&a.0));
    firsts.truncate(keep);
    firsts
}

/// One reading of a vanished pair: the character before it, the character after it (whose second
/// byte is `byte`), and the hypothesis score with both.
pub(super) struct GapReading {
    pub(super) score: f32,
    pub(super) first: (char, u32),
    pub(super) second: (char, u32),
    pub(super) byte: u8,
}

/// Scores every reading of a vanished pair after `h`: each of `firsts` (`(lead, p1)`) followed by
/// `(p2, x)` for every trail `p2` that makes `(p1, p2)` user-defined and every `x` in `seconds`.
/// Returns the best `keep`.
pub(super) fn score_gap(
    h: &Hyp,
    firsts: &[(f32, u8, char, u32)],
    seconds: &[u8],
    keep: usize,
    model: &DocModel,
) -> Vec<GapReading> {
    let mut scored = Vec::with_capacity(firsts.len() * 94 * seconds.len());
    for &(s1, p1, c1, id1) in firsts {
        let context = model.context(h.last, id1);
        for &p2 in pua_trails(p1) {
            for &x in seconds {
                let Some(c2) = pair(p2, x) else { continue };
                let id2 = model.id(c2);
                scored.push(GapReading {
                    score: h.score + GAP_PRIOR + s1 + context.logp(id2) + model.script_cost(c2),
                    first: (c1, id1),
                    second: (c2, id2),
                    byte: x,
                });
            }
        }
    }
    if scored.len() > keep {
        // The best reading with a quote mark is kept whatever its rank (see
        // `keep_gap_readings`). A quote mark's trail byte must be among `seconds` (its lead A1 is
        // a user-defined trail), so most calls skip the scan.
        let quote = seconds
            .iter()
            .any(|&x| pair(0xA1, x).is_some_and(|c| QUOTE_MARKS.contains(&c)))
            .then(|| {
                scored
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| QUOTE_MARKS.contains(&r.second.0))
                    .max_by(|a, b| a.1.score.total_cmp(&b.1.score))
                    .map(|(i, _)| i)
            })
            .flatten()
            .map(|i| scored.swap_remove(i));
        if scored.len() > keep {
            scored.select_nth_unstable_by(keep, |a, b| b.score.total_cmp(&a.score));
            scored.truncate(keep);
        }
        scored.extend(quote);
    }
    scored
}

/// The quote marks whose balance on the line the search's finish judges.
const QUOTE_MARKS: [char; 4] = ['“', '”', '「', '」'];

/// Expands `h` with two vanished pairs in a row before the damaged character `b1 b2`: the
/// original held `(lead, p1)`, `(p2, q1)` and `(q2, b1)`, where `(p1, p2)` and `(q1, q2)` fell
/// into the user-defined areas. Searched greedily: the best first characters, then the best
/// middle ones, then every last one.
pub(super) fn expand_gap2(
    h: &Hyp,
    lead: u8,
    (b1, b2): (u8, u8),
    after: Option<u32>,
    model: &DocModel,
    next: &mut Vec<Hyp>,
) {
    const FIRSTS: usize = 2;
    const MIDDLES: usize = 8;
    let firsts = gap_firsts(h, lead, FIRSTS, FIRST_MIN, model);
    let second_leads: Vec<u8> = pua_pairs().iter().map(|&(q1, _)| q1).collect();
    let middles = score_gap(h, &firsts, &second_leads, MIDDLES, model);
    let mut readings: Vec<(f32, [(char, u32); 3])> = Vec::with_capacity(middles.len() * 94);
    for m in middles {
        let context = model.context(m.first.1, m.second.1);
        // `m.byte` is the second character's trail, the first byte of the second vanished pair.
        for &q2 in pua_trails(m.byte) {
            let Some(c3) = pair(q2, b1) else { continue };
            let id3 = model.id(c3);
            let total = m.score + GAP_PRIOR + context.logp(id3) + model.script_cost(c3);
            readings.push((total, [m.first, m.second, (c3, id3)]));
        }
    }
    keep_gap_readings(h, &readings, h.gaps + 2, Some(b2), after, model, next);
}

#[cfg(test)]
mod tests {
    use super::*;

    type Seen = (String, f32, u32, u32, (i32, i32), usize, Option<u8>, u8);

    fn seen(hyps: &[Hyp]) -> Vec<Seen> {
        hyps.iter()
            .map(|g| {
                let o = g.out.clone();
                (
                    o, g.score, g.last2, g.last, g.quotes, g.pos, g.pending, g.gaps,
                )
            })
            .collect()
    }

    /// What `keep_gap_readings` stands for: every reading built and ranked, a stable sort by
    /// rank, then the first [`GAP_BEAM`] distinct states (as the search's pruning keeps them),
    /// and after them the first of each count of open quotes not kept yet.
    fn build_all_then_prune<const N: usize>(
        h: &Hyp,
        readings: &[(f32, [(char, u32); N])],
        after: Option<u32>,
        model: &DocModel,
    ) -> Vec<Hyp> {
        let mut all: Vec<(f32, Hyp)> = readings
            .iter()
            .map(|(score, chars)| {
                let mut g = extend(h, chars, *score, h.gaps + 1, Some(0xB0));
                g.pos += 1;
                let rank = match after {
                    Some(a) => g.score + model.logp3_id(g.last2, g.last, a).max(GAP_TRIGGER),
                    None => g.score,
                };
                (rank, g)
            })
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut states: Vec<State> = Vec::new();
        let mut kept = Vec::new();
        for (_, g) in all {
            let key = (g.pos, g.pending, g.last2, g.last, g.quotes);
            let new_quotes = !states.iter().any(|s| s.4 == g.quotes);
            if (states.len() < GAP_BEAM || new_quotes) && !states.contains(&key) {
                states.push(key);
                kept.push(g);
            }
        }
        kept
    }

    #[test]
    fn gap_readings_are_kept_as_if_every_one_were_built_and_pruned() {
        let model = DocModel::new("他们在北京开会，会上说了很多话。", &[]);
        let id = |c: char| model.id(c);
        // More readings than the beam keeps, two of them reaching one state (the same last two
        // characters), a closing quote with none open, a fullwidth letter.
        let words = [
            "在会", "开会", "北京", "很多", "会上", "说了", "的话", "好的", "我们", "他们", "”的",
            "Ａ的", "一个", "人们", "多话",
        ];
        let mut readings: Vec<(f32, [(char, u32); 2])> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let mut cs = w.chars();
            let (a, b) = (cs.next().unwrap(), cs.next().unwrap());
            readings.push((-10.0 - i as f32 * 0.25, [(a, id(a)), (b, id(b))]));
        }
        readings.push((-9.0, [('开', id('开')), ('会', id('会'))]));
        // Priors the model does not know decide these: a closing quote with none open and a
        // fullwidth letter lose, a sentence end first in the span wins.
        readings.push((-9.1, [('”', id('”')), ('我', id('我'))]));
        readings.push((-9.2, [('Ｂ', id('Ｂ')), ('的', id('的'))]));
        readings.push((-12.4, [('。', id('。')), ('我', id('我'))]));
        for (pos, out) in [(1, ""), (3, "他们")] {
            let h = Hyp {
                pos,
                pending: None,
                out: out.to_string(),
                quotes: (0, 0),
                last2: id('他'),
                last: id('们'),
                score: -2.0,
                gaps: 0,
            };
            for after in [None, Some(id('上')), Some(id('话'))] {
                let mut kept = Vec::new();
                keep_gap_readings(&h, &readings, 1, Some(0xB0), after, &model, &mut kept);
                let reference = build_all_then_prune(&h, &readings, after, &model);
                assert_eq!(seen(&kept), seen(&reference), "pos {pos}, after {after:?}");
                // The beam, and the best reading that closes a quote, ranked below it.
                assert_eq!(kept.len(), GAP_BEAM + 1, "pos {pos}, after {after:?}");
                assert_eq!(kept.last().map(|g| g.quotes), Some((-1, 0)));
            }
        }
    }
}
