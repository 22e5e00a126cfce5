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
    let scored = score_gap(h, &firsts, &[b1], BEAM, model);
    let mut local: Vec<Hyp> = Vec::with_capacity(scored.len());
    for r in scored {
        let mut g = extend(h, &[r.first, r.second], r.score, h.gaps + 1, b2);
        g.pos += 1;
        local.push(g);
    }
    prune_gap(&mut local, after, model);
    next.extend(local);
    best_first
}

/// Keeps the best [`GAP_BEAM`] readings of a vanished pair, with the character after them when
/// it is known. Where that character is less likely than [`GAP_TRIGGER`] after a reading, the
/// search will look for another vanished pair before it, so it says nothing of the reading.
fn prune_gap(local: &mut Vec<Hyp>, after: Option<u32>, model: &DocModel) {
    match after {
        Some(a) => prune_ranked(local, GAP_BEAM, |g| {
            g.score + model.logp3_id(g.last2, g.last, a).max(GAP_TRIGGER)
        }),
        None => prune(local, GAP_BEAM),
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
        scored.select_nth_unstable_by(keep, |a, b| b.score.total_cmp(&a.score));
        scored.truncate(keep);
    }
    scored
}

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
    let mut local = Vec::new();
    for m in middles {
        let context = model.context(m.first.1, m.second.1);
        // `m.byte` is the second character's trail, the first byte of the second vanished pair.
        for &q2 in pua_trails(m.byte) {
            let Some(c3) = pair(q2, b1) else { continue };
            let id3 = model.id(c3);
            let total = m.score + GAP_PRIOR + context.logp(id3) + model.script_cost(c3);
            let mut g = extend(
                h,
                &[m.first, m.second, (c3, id3)],
                total,
                h.gaps + 2,
                Some(b2),
            );
            g.pos += 1;
            local.push(g);
        }
    }
    prune_gap(&mut local, after, model);
    next.extend(local);
}
