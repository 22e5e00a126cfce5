//! HTML residue and doubled punctuation.

use crate::rng::Rng;

/// How much residue to leave.
#[derive(Debug, Clone, PartialEq)]
pub struct HtmlParams {
    /// Probability of a tag (`<br>`, `</p>`, ...) after a sentence end or at a line break.
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

const TAGS: &[&str] = &["<br>", "</p>", "<br/>", "<BR>", "</p><p>", "&nbsp;"];

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
                out.push_str(rng.pick(TAGS).unwrap_or(&"<br>"));
                out.push(c);
            }
            '。' | '！' | '？' if rng.chance(p.tag_rate) => {
                out.push(c);
                out.push_str(rng.pick(TAGS).unwrap_or(&"<br>"));
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
}
