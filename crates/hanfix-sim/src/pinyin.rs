//! Injected dictionary pinyin: `學(xué)習`, `會(huì )`, `的(de)(de)`, `會(huì)(huì )`, `中(zhōng)`.

use pinyin::{Pinyin, ToPinyin, ToPinyinMulti};

use crate::rng::Rng;
use crate::script;

/// Which characters receive an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Any Han character with a reading.
    All,
    /// Only characters with more than one reading (`中(zhōng)`).
    Polyphones,
    /// Only Traditional-only characters (what the reference crawl shows after `s2t`); falls back
    /// to [`Target::All`] while the script tables are not generated.
    Traditional,
}

/// How pinyin is injected.
#[derive(Debug, Clone, PartialEq)]
pub struct PinyinParams {
    /// Probability that an eligible character is annotated.
    pub rate: f64,
    /// Which characters are eligible.
    pub target: Target,
    /// Tone marks (`xué`) or plain letters (`xue`).
    pub tone: bool,
    /// Probability of a stray space before the closing parenthesis: `會(huì )`.
    pub space_rate: f64,
    /// Probability that an annotation is stacked: `的(de)(de)` (2 or 3 copies).
    pub repeat_rate: f64,
    /// Probability that an annotation is doubled with a stray space: `會(huì)(huì )`.
    pub doubled_rate: f64,
}

impl Default for PinyinParams {
    fn default() -> Self {
        PinyinParams {
            rate: 0.3,
            target: Target::All,
            tone: true,
            space_rate: 0.1,
            repeat_rate: 0.0,
            doubled_rate: 0.0,
        }
    }
}

impl PinyinParams {
    /// Tone marks, occasional stray space (`學(xué)`, `會(huì )`).
    pub fn tones() -> Self {
        Self::default()
    }
    /// Every annotation with a stray space: `會(huì )`.
    pub fn spaced() -> Self {
        PinyinParams {
            space_rate: 1.0,
            ..Self::default()
        }
    }
    /// No tone marks: `的(de)`.
    pub fn toneless() -> Self {
        PinyinParams {
            tone: false,
            space_rate: 0.0,
            ..Self::default()
        }
    }
    /// Toneless and stacked: `的(de)(de)`.
    pub fn repeated() -> Self {
        PinyinParams {
            tone: false,
            space_rate: 0.0,
            repeat_rate: 1.0,
            ..Self::default()
        }
    }
    /// Doubled, second copy with a stray space: `會(huì)(huì )`.
    pub fn doubled() -> Self {
        PinyinParams {
            space_rate: 0.0,
            doubled_rate: 1.0,
            ..Self::default()
        }
    }
    /// Only polyphones, tone marks: `中(zhōng)`.
    pub fn polyphones() -> Self {
        PinyinParams {
            rate: 0.8,
            target: Target::Polyphones,
            space_rate: 0.0,
            ..Self::default()
        }
    }
    /// The reference crawl's layer: Traditional-only characters, tone marks, some stray spaces.
    pub fn seed_like() -> Self {
        PinyinParams {
            rate: 0.7,
            target: Target::Traditional,
            space_rate: 0.15,
            ..Self::default()
        }
    }
}

fn first(c: char) -> Option<Pinyin> {
    match c.to_pinyin_multi() {
        Some(m) => m.get_opt(0),
        None => c.to_pinyin(),
    }
}

/// The first dictionary reading of `c`, with tone marks or plain.
pub fn reading(c: char, tone: bool) -> Option<&'static str> {
    let p = first(c)?;
    Some(if tone { p.with_tone() } else { p.plain() })
}

/// Whether `c` has more than one distinct reading.
pub fn is_polyphone(c: char) -> bool {
    match c.to_pinyin_multi() {
        Some(m) => {
            let first = m.get(0).with_tone();
            m.into_iter().any(|p| p.with_tone() != first)
        }
        None => false,
    }
}

/// The annotation for `c`: `(xué)`, or `(huì )` with `space`.
pub fn annotation(c: char, tone: bool, space: bool) -> Option<String> {
    let r = reading(c, tone)?;
    Some(if space {
        format!("({r} )")
    } else {
        format!("({r})")
    })
}

/// Whether `c` is eligible under `target`.
pub fn eligible(c: char, target: Target) -> bool {
    if !script::is_han(c) || first(c).is_none() {
        return false;
    }
    match target {
        Target::All => true,
        Target::Polyphones => is_polyphone(c),
        Target::Traditional => !script::tables_ready() || script::is_traditional_only(c),
    }
}

/// The text to insert after `c` (one or more annotations), or `None` to leave it alone.
pub fn injection(c: char, p: &PinyinParams, rng: &mut Rng) -> Option<String> {
    let space = rng.chance(p.space_rate);
    let one = annotation(c, p.tone, space)?;
    if rng.chance(p.doubled_rate) {
        let plain = annotation(c, p.tone, false)?;
        let spaced = annotation(c, p.tone, true)?;
        return Some(plain + &spaced);
    }
    if rng.chance(p.repeat_rate) {
        let n = rng.range(2, 3);
        return Some(one.repeat(n));
    }
    Some(one)
}

/// Injects pinyin after some Han characters of `text`.
pub fn inject(text: &str, p: &PinyinParams, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        out.push(c);
        if eligible(c, p.target) && rng.chance(p.rate) {
            if let Some(ins) = injection(c, p, rng) {
                out.push_str(&ins);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_first_dictionary_readings() {
        assert_eq!(reading('學', true), Some("xué"));
        assert_eq!(reading('發', true), Some("fā"));
        assert_eq!(reading('的', false), Some("de"));
        assert_eq!(annotation('會', true, true).as_deref(), Some("(huì )"));
        assert!(is_polyphone('中'));
        assert!(!is_polyphone('鸭'));
    }

    #[test]
    fn variants_have_their_shape() {
        let mut rng = Rng::new(3);
        let all = PinyinParams {
            rate: 1.0,
            ..PinyinParams::repeated()
        };
        let s = inject("的", &all, &mut rng);
        assert!(s == "的(de)(de)" || s == "的(de)(de)(de)", "{s}");
        let d = inject(
            "會",
            &PinyinParams {
                rate: 1.0,
                ..PinyinParams::doubled()
            },
            &mut rng,
        );
        assert_eq!(d, "會(huì)(huì )");
        let sp = inject(
            "會",
            &PinyinParams {
                rate: 1.0,
                ..PinyinParams::spaced()
            },
            &mut rng,
        );
        assert_eq!(sp, "會(huì )");
        let t = inject(
            "的",
            &PinyinParams {
                rate: 1.0,
                ..PinyinParams::toneless()
            },
            &mut rng,
        );
        assert_eq!(t, "的(de)");
        let poly = inject(
            "中鸭",
            &PinyinParams {
                rate: 1.0,
                ..PinyinParams::polyphones()
            },
            &mut rng,
        );
        assert_eq!(poly, "中(zhōng)鸭");
    }
}
