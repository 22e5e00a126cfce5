//! Bytes to text.

use std::borrow::Cow;

use crate::edit::{Edit, StageKind};
use crate::error::Error;

/// Text decoded from bytes, with the edits decoding made.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The decoded text.
    pub text: String,
    /// Decoding edits (charset conversion, invalid sequences), spans in input bytes.
    pub edits: Vec<Edit>,
}

/// Decodes `bytes`: UTF-8 when valid; otherwise GB18030 or Big5 when one of them decodes
/// without error; otherwise UTF-8 with each invalid sequence replaced by U+FFFD and logged.
pub fn decode(bytes: &[u8]) -> Result<Decoded, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(offset) = binary_offset(bytes) {
        return Err(Error::Binary { offset });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded {
            text: s.to_owned(),
            edits: Vec::new(),
        }),
        Err(_) => Ok(decode_legacy_or_lossy(bytes)),
    }
}

/// Reports where `bytes` look binary: a NUL byte, or more than 10 % C0 control bytes other than
/// tab, newline, carriage return and form feed in the first 64 KiB.
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Some(i);
    }
    let head = &bytes[..bytes.len().min(1 << 16)];
    let ctrl = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C);
    let count = head.iter().filter(|&&b| ctrl(b)).count();
    if count * 10 > head.len() && count > 0 {
        return head.iter().position(|&b| ctrl(b));
    }
    None
}

fn decode_legacy_or_lossy(bytes: &[u8]) -> Decoded {
    for (enc, name) in [
        (encoding_rs::GB18030, "decoded as GB18030"),
        (encoding_rs::BIG5, "decoded as Big5"),
    ] {
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
            let text = text.into_owned();
            let edit = Edit {
                start: 0,
                end: bytes.len(),
                stage: StageKind::Decode,
                before: String::new(),
                after: String::new(),
                confidence: 0.9,
                reason: Cow::Borrowed(name),
            };
            return Decoded {
                text,
                edits: vec![edit],
            };
        }
    }
    let mut text = String::with_capacity(bytes.len());
    let mut edits = Vec::new();
    let mut rest = bytes;
    let mut pos = 0;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                text.push_str(s);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                // SAFETY-free: the prefix is valid by construction.
                text.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len() - good);
                edits.push(Edit {
                    start: pos + good,
                    end: pos + good + bad,
                    stage: StageKind::Decode,
                    before: rest[good..good + bad]
                        .iter()
                        .map(|b| format!("\\x{b:02X}"))
                        .collect(),
                    after: "\u{FFFD}".into(),
                    confidence: 1.0,
                    reason: Cow::Borrowed("invalid UTF-8 sequence"),
                });
                text.push('\u{FFFD}');
                rest = &rest[good + bad..];
                pos += good + bad;
            }
        }
    }
    Decoded { text, edits }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        assert_eq!(decode("中文".as_bytes()).unwrap().text, "中文");
    }

    #[test]
    fn gb18030_bytes_are_decoded_and_logged() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("这是中文文本");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "这是中文文本");
        assert_eq!(d.edits[0].reason, "decoded as GB18030");
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"ab\0cd"), Err(Error::Binary { offset: 2 }));
    }

    #[test]
    fn lone_invalid_bytes_become_replacement_characters() {
        // 0xFF is invalid in UTF-8, GB18030 and Big5 alike.
        let d = decode(b"ok \xFF\xFF end").unwrap();
        assert_eq!(d.text, "ok \u{FFFD}\u{FFFD} end");
        assert_eq!(d.edits.len(), 2);
        assert_eq!((d.edits[0].start, d.edits[0].end), (3, 4));
    }

    #[test]
    fn empty_input_is_empty_text() {
        assert_eq!(decode(b"").unwrap().text, "");
    }
}
