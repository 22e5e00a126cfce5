//! GB18030 byte pairs: valid characters, and the pairs that fall into the user-defined areas.

use crate::gb::{self, PairTable};

/// Lead bytes of GBK's user-defined areas, with the trail bytes that make a private-use pair.
pub(super) fn pua_pairs() -> &'static [(u8, Vec<u8>)] {
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

/// The trail bytes that make `lead` a user-defined (vanishing) pair; empty for other leads.
pub(super) fn pua_trails(lead: u8) -> &'static [u8] {
    pua_pairs()
        .iter()
        .find(|(l, _)| *l == lead)
        .map_or(&[], |(_, t)| t.as_slice())
}

/// A valid, non-private-use character for a byte pair.
pub(super) fn pair(lead: u8, trail: u8) -> Option<char> {
    PairTable::global()
        .get(lead, trail)
        .filter(|&c| !gb::is_private_use(c))
}

/// The two GB18030 bytes of `c`, if it has two.
pub(super) fn two_bytes(c: char) -> Option<(u8, u8)> {
    let b = gb::encode_char(c)?;
    match b.as_slice() {
        &[b1, b2] => Some((b1, b2)),
        _ => None,
    }
}
