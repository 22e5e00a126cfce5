//! The single pass that decides whether a document needs the slow path.

use crate::options::{Options, PunctMode, ScriptMode};
use crate::tables::{self, class};

/// What one scan of a document saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// OR of [`tables::class()`] bits over all non-ASCII characters.
    pub classes: u8,
    /// `?` present.
    pub question: bool,
    /// `(` present (injected annotations are always ASCII-bracketed).
    pub paren: bool,
    /// `<`, `&` or `\` present (markup, entities, escaped quotes).
    pub markup: bool,
    /// ASCII `,:;!?` present.
    pub ascii_punct: bool,
    /// U+FFFD or characters from the private-use area present.
    pub replacement: bool,
}

impl Flags {
    /// Whether no enabled stage can have anything to do.
    pub fn is_clean(&self, opts: &Options) -> bool {
        let han = self.classes & class::HAN != 0;
        let suspicious = self.classes & (class::RARE | class::LATIN) != 0 || self.replacement;
        if opts.mojibake && suspicious {
            return false;
        }
        if opts.byteshift && self.question && han {
            return false;
        }
        if opts.pinyin && self.paren && han {
            return false;
        }
        if opts.html && self.markup {
            return false;
        }
        let script_work = match opts.script {
            ScriptMode::Keep => false,
            ScriptMode::Auto => self.classes & class::TRAD != 0,
            ScriptMode::Hans => self.classes & class::TRAD != 0,
            ScriptMode::Hant => self.classes & class::SIMP != 0 || han,
        };
        if script_work {
            return false;
        }
        !(opts.punct == PunctMode::Auto
            && self.ascii_punct
            && (han || self.classes & class::CJK_PUNCT != 0))
    }
}

/// Whether `text` holds `，，` or `，、`: a comma the page doubled, which the `html` stage removes.
///
/// Not part of [`scan`]: nearly every Chinese text has commas, and tracking neighbours in its
/// loop costs a fifth of its speed, while two substring searches cost much less. Only text the
/// scan finds clean needs it.
pub fn doubled_comma(text: &str) -> bool {
    use std::sync::LazyLock;
    static PAIRS: LazyLock<[memchr::memmem::Finder<'static>; 2]> = LazyLock::new(|| {
        ["，，", "，、"].map(|p| memchr::memmem::Finder::new(p.as_bytes()).into_owned())
    });
    PAIRS.iter().any(|f| f.find(text.as_bytes()).is_some())
}

/// Bits of [`ASCII_BITS`]: which ASCII characters a scan looks for.
mod ascii {
    /// `?`
    pub const QUESTION: u8 = 1;
    /// `(`
    pub const PAREN: u8 = 2;
    /// `<`, `&` or `\`
    pub const MARKUP: u8 = 4;
    /// `,:;!?`
    pub const PUNCT: u8 = 8;
}

/// [`ascii`] bits of each ASCII byte.
static ASCII_BITS: [u8; 128] = {
    let mut t = [0u8; 128];
    t[b'?' as usize] = ascii::QUESTION | ascii::PUNCT;
    t[b'(' as usize] = ascii::PAREN;
    t[b'<' as usize] = ascii::MARKUP;
    t[b'&' as usize] = ascii::MARKUP;
    t[b'\\' as usize] = ascii::MARKUP;
    t[b',' as usize] = ascii::PUNCT;
    t[b':' as usize] = ascii::PUNCT;
    t[b';' as usize] = ascii::PUNCT;
    t[b'!' as usize] = ascii::PUNCT;
    t
};

/// High bit of every byte of a `u64`.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// [`tables::class()`] bits of every BMP code point (bits 0–5), plus [`REPLACEMENT`], so that one
/// load gives everything the scan needs to know about a character.
///
/// Built at compile time from the same embedded file as [`tables::class()`] (its BMP class table
/// starts at byte 8 and has one byte per code point; `tables` checks that header at compile
/// time too). The test `table_matches_tables_class` compares every entry with [`tables::class()`].
static BMP: [u8; 0x10000] = {
    const RAW: &[u8] = include_bytes!("../data/tables.bin");
    const OFFSET: usize = 8;
    assert!(RAW.len() >= OFFSET + 0x10000);
    let mut t = [0u8; 0x10000];
    let mut i = 0;
    while i < 0x10000 {
        t[i] = RAW[OFFSET + i] & CLASS_MASK;
        i += 1;
    }
    let mut cp = 0xE000;
    while cp <= 0xF8FF {
        t[cp] |= REPLACEMENT;
        cp += 1;
    }
    t[0xFFFD] |= REPLACEMENT;
    t
};

/// The bits of a [`BMP`] entry that are [`tables::class()`] bits.
const CLASS_MASK: u8 = 0x3F;
/// [`BMP`] bit: U+FFFD or a private-use character (U+E000–U+F8FF).
const REPLACEMENT: u8 = 0x40;

/// [`BMP`] entry of the character encoded by the three-byte UTF-8 sequence `b0 b1 b2`.
#[inline(always)]
fn three(b0: u8, b1: u8, b2: u8) -> u8 {
    let cp = (b0 as usize & 0x0F) << 12 | (b1 as usize & 0x3F) << 6 | (b2 as usize & 0x3F);
    BMP[cp]
}

/// Scans `text` once.
///
/// Works on the bytes: ASCII is read eight bytes at a time and looked up in a 128-entry table
/// only when a word holds one of the characters a stage looks for; two- and three-byte sequences
/// are decoded straight into a class-table index. The result equals a plain loop over `chars()`
/// (see the tests).
pub fn scan(text: &str) -> Flags {
    // OR of the [`BMP`] entries of every non-ASCII BMP character.
    let mut bmp = 0u8;
    // OR of the class bits of characters outside the BMP.
    let mut astral = 0u8;
    // OR of the [`ASCII_BITS`] of every ASCII character.
    let mut seen = 0u8;
    let mut rest = text.as_bytes();
    loop {
        match rest {
            // Runs of Han characters and fullwidth punctuation, four at a time.
            [a0 @ 0xE0..=0xEF, a1, a2, b0 @ 0xE0..=0xEF, b1, b2, c0 @ 0xE0..=0xEF, c1, c2, d0 @ 0xE0..=0xEF, d1, d2, tail @ ..] =>
            {
                bmp |= three(*a0, *a1, *a2)
                    | three(*b0, *b1, *b2)
                    | three(*c0, *c1, *c2)
                    | three(*d0, *d1, *d2);
                rest = tail;
            }
            [b0 @ 0xE0..=0xEF, b1, b2, tail @ ..] => {
                bmp |= three(*b0, *b1, *b2);
                rest = tail;
            }
            [w0, w1, w2, w3, w4, w5, w6, w7, tail @ ..]
                if u64::from_le_bytes([*w0, *w1, *w2, *w3, *w4, *w5, *w6, *w7]) & HIGH == 0 =>
            {
                let w = u64::from_le_bytes([*w0, *w1, *w2, *w3, *w4, *w5, *w6, *w7]);
                if may_have_special(w) {
                    for b in [w0, w1, w2, w3, w4, w5, w6, w7] {
                        seen |= ASCII_BITS[(*b & 0x7F) as usize];
                    }
                }
                rest = tail;
            }
            [b @ 0..=0x7F, tail @ ..] => {
                seen |= ASCII_BITS[*b as usize];
                rest = tail;
            }
            [b0 @ 0xC0..=0xDF, b1, tail @ ..] => {
                bmp |= BMP[(*b0 as usize & 0x1F) << 6 | (*b1 as usize & 0x3F)];
                rest = tail;
            }
            [b0 @ 0xF0..=0xF7, b1, b2, b3, tail @ ..] => {
                let cp = (*b0 as u32 & 0x07) << 18
                    | (*b1 as u32 & 0x3F) << 12
                    | (*b2 as u32 & 0x3F) << 6
                    | (*b3 as u32 & 0x3F);
                astral |= char::from_u32(cp).map_or(0, tables::class);
                rest = tail;
            }
            // Unreachable for a `str`; skip the byte so the loop always ends.
            [_, tail @ ..] => rest = tail,
            [] => break,
        }
    }
    Flags {
        classes: bmp & CLASS_MASK | astral,
        question: seen & ascii::QUESTION != 0,
        paren: seen & ascii::PAREN != 0,
        markup: seen & ascii::MARKUP != 0,
        ascii_punct: seen & ascii::PUNCT != 0,
        replacement: bmp & REPLACEMENT != 0,
    }
}

/// Whether an all-ASCII word may hold one of the bytes in [`ASCII_BITS`] (all lie in
/// 0x21..=0x3F, but for `\`): true exactly when some byte is in that range or is 0x5C.
#[inline(always)]
fn may_have_special(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Every byte is < 0x80, so with its high bit set no subtraction below borrows from the next
    // byte, and a byte's high bit survives exactly when the byte is >= the subtrahend.
    let at_least_21 = (w | HIGH).wrapping_sub(0x21 * ONES);
    let at_least_40 = (w | HIGH).wrapping_sub(0x40 * ONES);
    // A byte equal to 0x5C becomes 0 here, and only a zero byte keeps its high bit in
    // `(x - 1) & !x` (the first zero byte does, and borrows never make a false one appear before it).
    let x = w ^ (0x5C * ONES);
    let backslash = x.wrapping_sub(ONES) & !x;
    (at_least_21 & !at_least_40 | backslash) & HIGH != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward scan the fast one must equal.
    fn reference(text: &str) -> Flags {
        let mut f = Flags::default();
        for c in text.chars() {
            if c.is_ascii() {
                f.question |= c == '?';
                f.paren |= c == '(';
                f.markup |= c == '<' || c == '&' || c == '\\';
                f.ascii_punct |= matches!(c, ',' | ':' | ';' | '!' | '?');
                continue;
            }
            f.classes |= tables::class(c);
            f.replacement |= c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c);
        }
        f
    }

    fn check(text: &str) {
        assert_eq!(scan(text), reference(text), "{text:?}");
    }

    /// SplitMix64, so the generated strings are the same on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn every_char_alone_and_in_context() {
        let mut buf = String::new();
        for cp in 0..0x11_0000u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            buf.clear();
            buf.push(c);
            check(&buf);
            // Misaligned against the 8-byte ASCII words, and next to a 3-byte sequence.
            if cp % 61 == 0 || cp < 0x800 || (0xE000..=0xF8FF).contains(&cp) {
                for pre in ["a", "ab1", "abcdefg", "中", "é"] {
                    buf.clear();
                    buf.push_str(pre);
                    buf.push(c);
                    buf.push_str("xyz");
                    check(&buf);
                }
            }
        }
    }

    #[test]
    fn every_ascii_byte_at_every_word_offset() {
        for b in 0u8..0x80 {
            for pad in 0..17 {
                let mut s = "x".repeat(pad);
                s.push(b as char);
                s.push_str(&"y".repeat(17 - pad));
                check(&s);
                let mut t = "中".repeat(pad % 3);
                t.push_str(&s);
                check(&t);
            }
        }
    }

    #[test]
    fn random_strings_over_class_boundaries() {
        // Code points at and around every change of the class table and the special cases.
        let mut pool: Vec<char> = Vec::new();
        let mut prev = None;
        for cp in 0..0x11_0000u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let cl = tables::class(c);
            if prev != Some(cl) {
                for d in [cp.saturating_sub(1), cp, cp + 1] {
                    pool.extend(char::from_u32(d));
                }
                prev = Some(cl);
            }
        }
        pool.extend([
            '\u{7F}',
            '\u{80}',
            '\u{7FF}',
            '\u{800}',
            '\u{D7FF}',
            '\u{E000}',
            '\u{E001}',
            '\u{F8FF}',
            '\u{F900}',
            '\u{FFFC}',
            '\u{FFFD}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{10000}',
            '\u{10FFFF}',
            '（',
            '）',
            '，',
            '中',
            '們',
            '们',
            '锟',
            'é',
            'Ã',
        ]);
        pool.extend((0u8..0x80).map(char::from));
        let mut rng = Rng(0x5EED);
        let mut s = String::new();
        for _ in 0..200_000 {
            s.clear();
            let len = rng.below(24);
            for _ in 0..len {
                // Mostly plain text, so that the flags are not all set at once.
                let c = match rng.below(4) {
                    0 => pool[rng.below(pool.len())],
                    1 => char::from(b'a' + rng.below(26) as u8),
                    2 => ['中', '文', '的', '。', ' ', '1'][rng.below(6)],
                    _ => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('x'),
                };
                s.push(c);
            }
            check(&s);
        }
    }

    #[test]
    fn table_matches_tables_class() {
        for cp in 0..0x10000u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let e = BMP[cp as usize];
            assert_eq!(e & CLASS_MASK, tables::class(c), "{c:?}");
            let rep = c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c);
            assert_eq!(e & REPLACEMENT != 0, rep, "{c:?}");
        }
    }

    #[test]
    fn flags_of_simple_texts() {
        assert_eq!(scan(""), Flags::default());
        let f = scan("學(xué)習關(guān)鍵詞,兩張合影?<b>&amp;");
        assert!(f.question && f.paren && f.markup && f.ascii_punct);
        assert_ne!(f.classes & class::TRAD, 0);
        let f = scan("今天天气很好。");
        assert_eq!(f.classes & (class::TRAD | class::RARE | class::LATIN), 0);
        assert!(!f.question && !f.paren && !f.markup && !f.ascii_punct && !f.replacement);
        assert!(scan("a\u{FFFD}").replacement && scan("\u{E000}").replacement);
        // Injected annotations are ASCII: a fullwidth bracket does not send text to the slow path.
        assert!(scan("(").paren && !scan("（").paren);
        assert!(doubled_comma("好，，的") && doubled_comma("好，、的"));
        assert!(!doubled_comma("好，的、是，") && !doubled_comma("、，"));
    }
}
