//! HTML residue and doubled punctuation.

use crate::rng::Rng;

/// How much residue to leave.
#[derive(Debug, Clone, PartialEq)]
pub struct HtmlParams {
    /// Probability of markup at a line break (`<br>`, `</p>`, ...) or after a sentence end inside
    /// a line (`</span>`, `&nbsp;`, ...).
    pub tag_rate: f64,
    /// Probability that a curly quote, `&` or space is written as an entity.
    pub entity_rate: f64,
    /// Probability that a comma is doubled (`,,` `，，` `,、`).
    pub double_rate: f64,
}

impl Default for HtmlParams {
    fn default() -> Self {
        HtmlParams {
            tag_rate: 0.3,
            entity_rate: 0.5,
            double_rate: 0.2,
        }
    }
}

/// Markup left at a line break: what ended the line or paragraph on the page.
const LINE_END_TAGS: &[&str] = &["<br>", "</p>", "<br/>", "<BR>", "</p><p>", "&nbsp;"];
/// Markup left after a sentence end inside a line: what does not break the line it stands in.
/// A line-break tag there would show a break that the clean text lacks, so the damaged page and
/// its clean text would disagree about the author's line, and a restoration that keeps the break
/// the page shows would count as an error.
const INLINE_TAGS: &[&str] = &["</span>", "</a>", "</b>", "</strong>", "</font>", "&nbsp;"];

/// Leaves HTML residue in `text`.
pub fn residue(text: &str, p: &HtmlParams, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        match c {
            '“' if rng.chance(p.entity_rate) => out.push_str("&ldquo;"),
            '”' if rng.chance(p.entity_rate) => out.push_str("&rdquo;"),
            '&' if rng.chance(p.entity_rate) => out.push_str("&amp;"),
            '"' if rng.chance(p.entity_rate) => out.push_str("\\\""),
            ' ' | '\u{3000}' if rng.chance(p.entity_rate) => out.push_str("&nbsp;"),
            ',' | '，' if rng.chance(p.double_rate) => {
                out.push(c);
                out.push(*rng.pick(&[c, c, '、']).unwrap_or(&c));
            }
            '\n' if rng.chance(p.tag_rate) => {
                out.push_str(rng.pick(LINE_END_TAGS).unwrap_or(&"<br>"));
                out.push(c);
            }
            '。' | '！' | '？' if rng.chance(p.tag_rate) => {
                out.push(c);
                out.push_str(rng.pick(INLINE_TAGS).unwrap_or(&"</span>"));
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_residue() {
        let p = HtmlParams {
            tag_rate: 1.0,
            entity_rate: 1.0,
            double_rate: 1.0,
        };
        let s = residue("他说：“好，走。”", &p, &mut Rng::new(1));
        assert!(s.contains("&ldquo;") && s.contains("&rdquo;"), "{s}");
        assert!(s.contains("，，") || s.contains("，、"), "{s}");
        assert!(s.contains('<') || s.contains("&nbsp;"), "{s}");
    }

    #[test]
    fn markup_inside_a_line_does_not_break_it() {
        let p = HtmlParams {
            tag_rate: 1.0,
            entity_rate: 0.0,
            double_rate: 0.0,
        };
        for seed in 0..64 {
            let s = residue("风停了。雨也停了。\n天晴了。", &p, &mut Rng::new(seed));
            let (first, rest) = s.split_once('\n').unwrap();
            // The sentence end inside the first line gets markup that shows no break.
            let inside = &first[first.find('。').unwrap() + '。'.len_utf8()..];
            assert!(inside.starts_with(['<', '&']), "{s}");
            for brk in ["<br", "<BR", "<p>", "</p>"] {
                assert!(!inside[..inside.find('雨').unwrap()].contains(brk), "{s}");
            }
            assert!(rest.starts_with('天'), "{s}");
        }
    }
}
