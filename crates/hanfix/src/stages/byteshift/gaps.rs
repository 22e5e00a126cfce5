//! Vanished pairs: bytes that read as a user-defined character and were dropped.

use super::bytes::*;
use super::search::*;
use crate::model::Model;

/// Expands `h` with a vanished user-defined pair before the damaged character whose bytes are
/// `b1 b2`: the original held `(lead, p1)` and `(p2, b1)`. The first character is scored alone
/// and only the best `keep` choices of `p1` are extended with every `p2`. Returns the score of
/// the best first character, if any was pursued.
pub(super) fn expand_gap(
    h: &Hyp,
    lead: u8,
    (b1, b2): (u8, Option<u8>),
    keep: usize,
    model: &Model,
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
    best_first
}

/// Best first characters of a vanished pair after `h`: `(lead, p1)` for the lead bytes `p1` of
/// the user-defined areas, scored in context, best first.
pub(super) fn gap_firsts(
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

/// Expands `h` with two vanished pairs in a row before the damaged character `b1 b2`: the
/// original held `(lead, p1)`, `(p2, q1)` and `(q2, b1)`, where `(p1, p2)` and `(q1, q2)` fell
/// into the user-defined areas. Searched greedily: the best first characters, then the best
/// middle ones, then every last one.
pub(super) fn expand_gap2(
    h: &Hyp,
    lead: u8,
    (b1, b2): (u8, u8),
    model: &Model,
    next: &mut Vec<Hyp>,
) {
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
