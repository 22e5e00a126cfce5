//! Stage `punct`: ASCII punctuation where the author wrote fullwidth.
//!
//! Crawlers and converters fold `，：；！？` to `,:;!?`. With `--punct auto` an ASCII mark becomes
//! fullwidth when a Han character or a CJK punctuation mark stands right before or after it
//! (`24日,习近平` → `24日，习近平`, `1/6;高` → `1/6；高`). Between Latin letters or digits on both
//! sides it stays (`3,000`, `v1.2: fix`, `22:08:32`).

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::options::PunctMode;
use crate::tables::{self, class};
use crate::text::Replacement;

/// The `punct` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Punct;

impl Stage for Punct {
    fn kind(&self) -> StageKind {
        StageKind::Punct
    }

    fn enabled(&self, doc: &Doc<'_>) -> bool {
        doc.opts.punct == PunctMode::Auto && doc.flags.ascii_punct
    }

    fn run(&self, text: &str, _doc: &mut Doc<'_>, out: &mut Vec<Replacement>) {
        widen(text, out);
    }
}

/// The fullwidth form of an ASCII mark this stage handles.
pub fn fullwidth(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '!' => '！',
        '?' => '？',
        _ => return None,
    })
}

fn is_cjk(c: Option<char>) -> bool {
    c.is_some_and(|c| tables::class(c) & (class::HAN | class::CJK_PUNCT) != 0)
}

/// Proposes a replacement for every ASCII mark with CJK text on either side.
pub fn widen(text: &str, out: &mut Vec<Replacement>) {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let Some(wide) = fullwidth(b as char) else {
            continue;
        };
        let before = text[..i].chars().next_back();
        let after = text[i + 1..].chars().next();
        if !(is_cjk(before) || is_cjk(after)) {
            continue;
        }
        // A time or a ratio written between digits stays ASCII even beside Han text: `8:30`.
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        if b == b':' && digit(before) && digit(after) {
            continue;
        }
        out.push(Replacement::new(
            i,
            i + 1,
            wide.to_string(),
            0.95,
            "ASCII punctuation beside Chinese text",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> String {
        crate::text::apply_with(text, widen)
    }

    #[test]
    fn widens_beside_han() {
        assert_eq!(apply("24日,习近平"), "24日，习近平");
        assert_eq!(apply("1/6;高"), "1/6；高");
        assert_eq!(apply("精选:"), "精选：");
        assert_eq!(apply("好!"), "好！");
        assert_eq!(apply("“好”,他说"), "“好”，他说");
    }

    #[test]
    fn leaves_latin_and_numbers() {
        assert_eq!(apply("3,000 and v1.2: fix"), "3,000 and v1.2: fix");
        assert_eq!(apply("2025年07月01日 22:08:32"), "2025年07月01日 22:08:32");
        assert_eq!(apply("比分3:2"), "比分3:2");
    }
}
