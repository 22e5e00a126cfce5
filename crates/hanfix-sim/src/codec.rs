//! Byte-level helpers: lossy encoders and the "crawler" GB18030 decoder that the byte-shift
//! families are built on.

use encoding_rs::{DecoderResult, EncoderResult, Encoding, GB18030};

/// Encodes `text` with `enc`; characters the encoding cannot represent become `?` (the way most
/// crawlers and `str.encode(errors="replace")` behave), never HTML numeric references.
pub fn encode_lossy(enc: &'static Encoding, text: &str) -> Vec<u8> {
    if enc == encoding_rs::UTF_8 {
        return text.as_bytes().to_vec();
    }
    let mut encoder = enc.new_encoder();
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut buf = [0u8; 4096];
    let mut rest = text;
    loop {
        let (res, read, written) =
            encoder.encode_from_utf8_without_replacement(rest, &mut buf, true);
        out.extend_from_slice(&buf[..written]);
        rest = &rest[read..];
        match res {
            EncoderResult::InputEmpty => break,
            EncoderResult::OutputFull => {}
            EncoderResult::Unmappable(_) => out.push(b'?'),
        }
    }
    out
}

/// Decodes `bytes` with `enc` the way a browser does (malformed sequences become U+FFFD).
pub fn decode_replacing(enc: &'static Encoding, bytes: &[u8]) -> String {
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// Reads bytes with a strict GBK decoder, as Python's `gbk` codec with `errors="replace"` does:
/// byte 0x80, a lead byte without a valid trail, and a pair in a user-defined (private-use) area
/// each give one U+FFFD for the lead byte alone, and decoding goes on at the next byte. (A
/// browser's GBK decoder reads 0x80 as `€` and keeps the private-use pairs.)
pub fn decode_gbk_strict(bytes: &[u8]) -> String {
    let table = hanfix::gb::PairTable::global();
    let mut out = String::with_capacity(bytes.len() * 3 / 2);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b as char);
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(&n) if hanfix::gb::gbk_assigns(b, n) => {
                out.extend(table.get(b, n));
                i += 2;
            }
            _ => {
                out.push('\u{FFFD}');
                i += 1;
            }
        }
    }
    out
}

/// Reads bytes as true ISO-8859-1: every byte becomes the code point of the same value.
pub fn decode_iso8859_1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// GB18030 bytes of `text` plus, for every byte, whether a character starts there
/// (`boundary[bytes.len()]` is `true`). U+E5E5, the one unencodable scalar, becomes `?`.
#[derive(Debug, Clone)]
pub struct GbText {
    /// The encoded bytes.
    pub bytes: Vec<u8>,
    /// `boundary[i]`: a character starts at byte `i`; one longer than `bytes`.
    pub boundary: Vec<bool>,
    /// `char_index[i]`: index of the character that byte `i` belongs to; one longer than `bytes`.
    pub char_index: Vec<usize>,
    /// The characters, in order.
    pub chars: Vec<char>,
}

impl GbText {
    /// Encodes `text` as GB18030.
    pub fn encode(text: &str) -> Self {
        let mut bytes = Vec::with_capacity(text.len());
        let mut boundary = Vec::with_capacity(text.len() + 1);
        let mut char_index = Vec::with_capacity(text.len() + 1);
        let chars: Vec<char> = text.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let enc = hanfix::gb::encode_char(c);
            let slice: &[u8] = match &enc {
                Some(b) => b.as_slice(),
                None => b"?",
            };
            for (k, &b) in slice.iter().enumerate() {
                bytes.push(b);
                boundary.push(k == 0);
                char_index.push(i);
            }
        }
        boundary.push(true);
        char_index.push(chars.len());
        GbText {
            bytes,
            boundary,
            char_index,
            chars,
        }
    }
}

/// What the crawler decoder produced for one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    /// A character.
    Char(char),
    /// A pair that decoded to a private-use code point: dropped from the crawled text.
    Vanish,
    /// An undecodable byte (possibly with the ASCII byte it swallowed): shown as `?`.
    Question,
}

fn decode4(b: &[u8]) -> Option<char> {
    let mut dec = GB18030.new_decoder_without_bom_handling();
    let mut out = [0u16; 4];
    let (res, _read, written) = dec.decode_to_utf16_without_replacement(b, &mut out, true);
    if res != DecoderResult::InputEmpty {
        return None;
    }
    char::decode_utf16(out[..written].iter().copied())
        .next()
        .and_then(Result::ok)
}

/// One step of the decoder the damaged crawls were read with: GB18030, `?` for malformed input,
/// private-use results dropped, and a lead byte followed by an ASCII byte that cannot be its trail
/// swallowing that byte. Returns the output and the position after the step.
pub fn crawl_step(bytes: &[u8], pos: usize) -> (Out, usize) {
    let b = bytes[pos];
    if b < 0x80 {
        return (Out::Char(b as char), pos + 1);
    }
    if !hanfix::gb::is_lead(b) {
        return (Out::Question, pos + 1);
    }
    let Some(&n) = bytes.get(pos + 1) else {
        return (Out::Question, pos + 1);
    };
    if hanfix::gb::is_trail(n) {
        return match hanfix::gb::PairTable::global().get(b, n) {
            Some(c) if hanfix::gb::is_private_use(c) => (Out::Vanish, pos + 2),
            Some(c) => (Out::Char(c), pos + 2),
            None => (Out::Question, pos + 2),
        };
    }
    if n.is_ascii_digit() {
        if let (Some(&b3), Some(&b4)) = (bytes.get(pos + 2), bytes.get(pos + 3)) {
            if hanfix::gb::is_lead(b3) && b4.is_ascii_digit() {
                return match decode4(&bytes[pos..pos + 4]) {
                    Some(c) if hanfix::gb::is_private_use(c) => (Out::Vanish, pos + 4),
                    Some(c) => (Out::Char(c), pos + 4),
                    None => (Out::Question, pos + 2),
                };
            }
        }
        return (Out::Question, pos + 2);
    }
    if n < 0x80 {
        // An ASCII byte that cannot be a trail: swallowed together with the orphan lead.
        return (Out::Question, pos + 2);
    }
    (Out::Question, pos + 1)
}

/// Decodes a whole byte stream with [`crawl_step`].
pub fn crawl_decode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3 / 2);
    let mut pos = 0;
    while pos < bytes.len() {
        let (o, next) = crawl_step(bytes, pos);
        push_out(&mut out, o);
        pos = next;
    }
    out
}

pub(crate) fn push_out(out: &mut String, o: Out) {
    match o {
        Out::Char(c) => out.push(c),
        Out::Vanish => {}
        Out::Question => out.push('?'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_decode_round_trips() {
        let s = "中文 text，發展(fā)𠀀！\n";
        let gb = GbText::encode(s);
        assert_eq!(crawl_decode(&gb.bytes), s);
        assert_eq!(
            gb.boundary.iter().filter(|&&b| b).count(),
            s.chars().count() + 1
        );
    }

    #[test]
    fn lead_swallows_ascii() {
        assert_eq!(crawl_decode(&[0xD6, b'(', b'a']), "?a");
        assert_eq!(crawl_decode(&[0xD6, b'1', b'a']), "?a");
        assert_eq!(crawl_decode(&[0xD6]), "?");
    }

    #[test]
    fn lossy_encoders_use_question_marks() {
        assert_eq!(encode_lossy(encoding_rs::BIG5, "发a"), b"?a");
        assert_eq!(decode_iso8859_1(&[0xD6, 0xD0]), "ÖÐ");
    }
}
