//! Classic codec round trips, applied to a whole document or to spans of it.

use encoding_rs::{BIG5, GB18030, GBK, UTF_8, WINDOWS_1252};

use crate::codec::{decode_gbk_strict, decode_iso8859_1, decode_replacing, encode_lossy};
use crate::rng::Rng;

/// A wrong-codec reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// UTF-8 bytes read as GBK: `鍚堝奖`.
    Utf8AsGbk,
    /// Two rounds of UTF-8 read as GBK: `闂傚倸鍊搁崐`.
    Utf8AsGbk2,
    /// UTF-8 bytes read by a strict GBK decoder (Python's `gbk` codec with `errors="replace"`):
    /// U+FFFD wherever a lead byte found no valid trail, also inside a run (`主�佸寘`).
    Utf8AsGbkStrict,
    /// GB18030 bytes read as true ISO-8859-1 (byte → U+0000–U+00FF): `ÖÐÎÄ`.
    GbkAsLatin1,
    /// GB18030 bytes read as windows-1252 (what the `latin1` label means in browsers).
    GbkAsCp1252,
    /// UTF-8 bytes read as windows-1252: `ä¸­æ–‡`.
    Utf8AsCp1252,
    /// UTF-8 bytes read as true ISO-8859-1.
    Utf8AsLatin1,
    /// Big5 bytes read as GBK.
    Big5AsGbk,
    /// GBK bytes read as Big5.
    GbkAsBig5,
    /// GBK read as UTF-8 (two U+FFFD per character), whose UTF-8 was then read as GBK: `锟斤拷`.
    Kunjinkao,
    /// Lost characters as plain U+FFFD.
    Fffd,
}

impl Kind {
    /// Every kind, in a stable order.
    pub const ALL: [Kind; 11] = [
        Kind::Utf8AsGbk,
        Kind::Utf8AsGbk2,
        Kind::Utf8AsGbkStrict,
        Kind::GbkAsLatin1,
        Kind::GbkAsCp1252,
        Kind::Utf8AsCp1252,
        Kind::Utf8AsLatin1,
        Kind::Big5AsGbk,
        Kind::GbkAsBig5,
        Kind::Kunjinkao,
        Kind::Fffd,
    ];

    /// Stable family name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Utf8AsGbk => "utf8_as_gbk",
            Kind::Utf8AsGbk2 => "utf8_as_gbk2",
            Kind::Utf8AsGbkStrict => "utf8_as_gbk_strict",
            Kind::GbkAsLatin1 => "gbk_as_latin1",
            Kind::GbkAsCp1252 => "gbk_as_cp1252",
            Kind::Utf8AsCp1252 => "utf8_as_cp1252",
            Kind::Utf8AsLatin1 => "utf8_as_latin1",
            Kind::Big5AsGbk => "big5_as_gbk",
            Kind::GbkAsBig5 => "gbk_as_big5",
            Kind::Kunjinkao => "kunjinkao",
            Kind::Fffd => "fffd",
        }
    }

    /// Parses [`Kind::name`].
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Applies the wrong reading to `text` as a whole.
    pub fn apply(self, text: &str) -> String {
        match self {
            Kind::Utf8AsGbk => decode_replacing(GBK, text.as_bytes()),
            Kind::Utf8AsGbk2 => {
                let once = decode_replacing(GBK, text.as_bytes());
                decode_replacing(GBK, once.as_bytes())
            }
            Kind::Utf8AsGbkStrict => decode_gbk_strict(text.as_bytes()),
            Kind::GbkAsLatin1 => decode_iso8859_1(&encode_lossy(GB18030, text)),
            Kind::GbkAsCp1252 => decode_replacing(WINDOWS_1252, &encode_lossy(GB18030, text)),
            Kind::Utf8AsCp1252 => decode_replacing(WINDOWS_1252, text.as_bytes()),
            Kind::Utf8AsLatin1 => decode_iso8859_1(text.as_bytes()),
            Kind::Big5AsGbk => decode_replacing(GBK, &encode_lossy(BIG5, text)),
            Kind::GbkAsBig5 => decode_replacing(BIG5, &encode_lossy(GBK, text)),
            Kind::Kunjinkao => {
                // GBK bytes read as UTF-8: every byte of a multi-byte character is malformed.
                let mut lost = String::with_capacity(text.len() * 2);
                for c in text.chars() {
                    if c.is_ascii() {
                        lost.push(c);
                    } else {
                        lost.push_str("\u{FFFD}\u{FFFD}");
                    }
                }
                decode_replacing(GBK, encode_lossy(UTF_8, &lost).as_slice())
            }
            Kind::Fffd => text
                .chars()
                .map(|c| if c.is_ascii() { c } else { '\u{FFFD}' })
                .collect(),
        }
    }
}

/// Whether damage covers the whole document or spans of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scope {
    /// The whole document.
    Document,
    /// Spans of non-ASCII text.
    Spans {
        /// Probability that a span starts at a given non-ASCII character.
        rate: f64,
        /// Shortest span, in characters.
        min_len: usize,
        /// Longest span, in characters (a span also stops at the first ASCII character).
        max_len: usize,
    },
}

impl Default for Scope {
    fn default() -> Self {
        Scope::Spans {
            rate: 0.04,
            min_len: 2,
            max_len: 12,
        }
    }
}

/// Applies `kind` to `text` within `scope`.
pub fn apply(text: &str, kind: Kind, scope: Scope, rng: &mut Rng) -> String {
    let (rate, min_len, max_len) = match scope {
        Scope::Document => return kind.apply(text),
        Scope::Spans {
            rate,
            min_len,
            max_len,
        } => (rate, min_len.max(1), max_len.max(min_len.max(1))),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii() && rng.chance(rate) {
            let want = rng.range(min_len, max_len);
            let mut j = i;
            while j < chars.len() && j - i < want && !chars[j].is_ascii() {
                j += 1;
            }
            let span: String = chars[i..j].iter().collect();
            out.push_str(&kind.apply(&span));
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_examples() {
        assert_eq!(Kind::Utf8AsGbk.apply("合影"), "鍚堝奖");
        assert_eq!(Kind::GbkAsLatin1.apply("中文"), "ÖÐÎÄ");
        assert_eq!(Kind::Utf8AsCp1252.apply("中文"), "ä¸\u{AD}æ–‡");
        assert_eq!(Kind::Kunjinkao.apply("中文"), "锟斤拷锟斤拷");
        assert_eq!(Kind::Fffd.apply("中a"), "\u{FFFD}a");
        assert!(Kind::Utf8AsGbk2.apply("中文").chars().count() > 3);
    }

    #[test]
    fn a_strict_decoder_loses_one_byte_per_replacement_character() {
        // `要` is E8 A6 81: E8 pairs with the byte before it, A6 81 is no GBK pair, so A6 alone
        // becomes U+FFFD and 81 starts the next pair. The final 82 of `。` has no trail.
        assert_eq!(
            Kind::Utf8AsGbkStrict.apply("主要包括社会福利中心。"),
            "涓昏\u{FFFD}佸寘鎷\u{FFFD}绀句細绂忓埄涓\u{FFFD}蹇冦\u{FFFD}\u{FFFD}"
        );
        // A browser's decoder keeps private-use pairs and reads 0x80 as `€`.
        assert!(!Kind::Utf8AsGbk.apply("主要包括").contains('\u{FFFD}'));
    }

    #[test]
    fn every_kind_damages_chinese() {
        for k in Kind::ALL {
            let s = "我們今天學習中文";
            assert_ne!(k.apply(s), s, "{}", k.name());
        }
    }

    #[test]
    fn spans_leave_ascii_alone() {
        let mut rng = Rng::new(2);
        let s = apply(
            "abc 中文 def",
            Kind::Utf8AsGbk,
            Scope::Spans {
                rate: 1.0,
                min_len: 5,
                max_len: 5,
            },
            &mut rng,
        );
        assert!(s.starts_with("abc ") && s.ends_with(" def"), "{s}");
    }
}
