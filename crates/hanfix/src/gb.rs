//! Small, exact helpers over GB18030 bytes, built on `encoding_rs`.

use encoding_rs::{DecoderResult, EncoderResult, GB18030};

/// The GB18030 bytes of one character: 1, 2 or 4 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GbBytes {
    len: u8,
    bytes: [u8; 4],
}

impl GbBytes {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

/// Encodes `c` as GB18030. Every Unicode scalar value except U+E5E5 has an encoding.
pub fn encode_char(c: char) -> Option<GbBytes> {
    if c.is_ascii() {
        return Some(GbBytes {
            len: 1,
            bytes: [c as u8, 0, 0, 0],
        });
    }
    let mut enc = GB18030.new_encoder();
    let mut buf = [0u8; 4];
    let mut tmp = [0u8; 4];
    let s = c.encode_utf8(&mut tmp);
    let (res, _read, written) = enc.encode_from_utf8_without_replacement(s, &mut buf, true);
    match res {
        EncoderResult::InputEmpty if written > 0 => Some(GbBytes {
            len: written as u8,
            bytes: buf,
        }),
        _ => None,
    }
}

/// Decodes a two-byte GBK/GB18030 sequence; `None` when it is not a valid pair.
pub fn decode_pair(lead: u8, trail: u8) -> Option<char> {
    if !is_lead(lead) || !is_trail(trail) {
        return None;
    }
    let mut dec = GB18030.new_decoder_without_bom_handling();
    let mut out = [0u16; 2];
    let (res, _read, written) =
        dec.decode_to_utf16_without_replacement(&[lead, trail], &mut out, true);
    match res {
        DecoderResult::InputEmpty if written == 1 => char::from_u32(out[0] as u32),
        _ => None,
    }
}

/// Whether `b` can start a multi-byte GB18030 sequence.
pub fn is_lead(b: u8) -> bool {
    (0x81..=0xFE).contains(&b)
}

/// Whether `b` can end a two-byte GB18030 sequence.
pub fn is_trail(b: u8) -> bool {
    (0x40..=0xFE).contains(&b) && b != 0x7F
}

/// Whether GBK proper assigns the pair `lead trail` a character: a two-byte GB18030 code that is
/// neither in a user-defined (private-use) area nor one GB18030 added to GBK (`€` at A2 E3, `ǹ` at
/// A8 BF, the ideographic description characters at A9 89–95, the radicals and CJK Extension A
/// characters at FE 40–A0). A strict GBK decoder (Python's `gbk` codec) reads any other pair as an
/// error.
pub fn gbk_assigns(lead: u8, trail: u8) -> bool {
    let added = matches!(
        (lead, trail),
        (0xA2, 0xE3) | (0xA8, 0xBF) | (0xA9, 0x89..=0x95) | (0xFE, 0x40..=0xA0)
    );
    !added
        && is_trail(trail)
        && PairTable::global()
            .get(lead, trail)
            .is_some_and(|c| !is_private_use(c))
}

/// Whether `c` lies in a private-use area (GBK's user-defined areas decode there).
pub fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// A precomputed table of every two-byte pair: 126 leads × 191 trails.
pub struct PairTable {
    chars: Vec<char>,
}

impl PairTable {
    /// Builds the table (about 24 k decodes; done once).
    pub fn build() -> Self {
        let mut chars = vec!['\0'; 126 * 256];
        for lead in 0x81u8..=0xFE {
            for trail in 0x40u8..=0xFE {
                if let Some(c) = decode_pair(lead, trail) {
                    chars[(lead as usize - 0x81) * 256 + trail as usize] = c;
                }
            }
        }
        PairTable { chars }
    }

    /// The character of a pair, `None` when invalid.
    pub fn get(&self, lead: u8, trail: u8) -> Option<char> {
        if !is_lead(lead) {
            return None;
        }
        let c = self.chars[(lead as usize - 0x81) * 256 + trail as usize];
        (c != '\0').then_some(c)
    }

    /// The shared table.
    pub fn global() -> &'static PairTable {
        static T: std::sync::OnceLock<PairTable> = std::sync::OnceLock::new();
        T.get_or_init(PairTable::build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_common_characters() {
        for c in "中文發。“！".chars() {
            let b = encode_char(c).unwrap();
            assert_eq!(b.as_slice().len(), 2);
            assert_eq!(decode_pair(b.as_slice()[0], b.as_slice()[1]), Some(c));
        }
        assert_eq!(encode_char('發').unwrap().as_slice(), &[0xB0, 0x6C]);
    }

    #[test]
    fn pair_table_agrees_with_decoder_exhaustively() {
        let t = PairTable::global();
        for lead in 0x81u8..=0xFE {
            for trail in 0u8..=0xFF {
                assert_eq!(
                    t.get(lead, trail),
                    decode_pair(lead, trail),
                    "{lead:02X}{trail:02X}"
                );
            }
        }
    }

    #[test]
    fn user_defined_area_decodes_to_private_use() {
        let c = decode_pair(0xAB, 0xC7).unwrap();
        assert!(is_private_use(c));
    }
}
