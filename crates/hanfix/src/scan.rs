//! The single pass that decides whether a document needs the slow path.

use crate::options::{Options, PunctMode, ScriptMode};
use crate::tables::{self, class};

/// What one scan of a document saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// OR of [`tables::class`] bits over all non-ASCII characters.
    pub classes: u8,
    /// `?` present.
    pub question: bool,
    /// `(` or `（` present.
    pub paren: bool,
    /// `<` or `&` present.
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

/// Scans `text` once.
pub fn scan(text: &str) -> Flags {
    let mut f = Flags::default();
    let bytes = text.as_bytes();
    let mut ascii_seen = [false; 128];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            ascii_seen[b as usize] = true;
            i += 1;
            continue;
        }
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        f.classes |= tables::class(c);
        if c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c) {
            f.replacement = true;
        }
        if c == '（' {
            f.paren = true;
        }
        i += c.len_utf8();
    }
    f.question = ascii_seen[b'?' as usize];
    f.paren |= ascii_seen[b'(' as usize];
    f.markup = ascii_seen[b'<' as usize] || ascii_seen[b'&' as usize];
    f.ascii_punct = [b',', b':', b';', b'!', b'?']
        .iter()
        .any(|&b| ascii_seen[b as usize]);
    f
}
