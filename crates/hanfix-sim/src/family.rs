//! Damage families and their composition.

use std::fmt;

use crate::gbshift::{self, Mode, ShiftParams};
use crate::html::{self, HtmlParams};
use crate::lossy::{self, LossyParams};
use crate::mojibake::{self, Kind, Scope};
use crate::pinyin::{self, PinyinParams, Target};
use crate::rng::{hash_str, mix, Rng};
use crate::script::{self, SpinParams};

/// One damage family with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Family {
    /// Converter-style Simplified→Traditional; `rate` is the share of convertible characters.
    S2t {
        /// Share of convertible characters converted (1 = a converter).
        rate: f64,
    },
    /// Injected dictionary pinyin.
    Pinyin(PinyinParams),
    /// GB18030 spans decoded one byte late.
    GbShift(ShiftParams),
    /// Shift first, then pinyin for a garbage character inserted into the byte stream.
    GbShiftAnnotated(ShiftParams, PinyinParams),
    /// Fullwidth U+FF01–U+FF5E to ASCII, ideographic space to space.
    Fold,
    /// A classic codec round trip over the document or spans of it.
    Mojibake(Kind, Scope),
    /// Article spinner: variant characters and synonym swaps.
    Spin(SpinParams),
    /// HTML residue and doubled punctuation.
    Html(HtmlParams),
    /// Emoji and other symbols an encoder without them wrote as `?`.
    LostSymbols(LossyParams),
}

/// Names accepted by [`Family::parse`] (mojibake kinds also take a `:doc` suffix).
pub const NAMES: &[&str] = &[
    "s2t",
    "pinyin",
    "pinyin_space",
    "pinyin_toneless",
    "pinyin_repeat",
    "pinyin_doubled",
    "pinyin_poly",
    "pinyin_trad",
    "gbshift",
    "gbshift_annotated",
    "gbshift_sparse",
    "gbshift_annotated_sparse",
    "fold",
    "utf8_as_gbk",
    "utf8_as_gbk2",
    "utf8_as_gbk_strict",
    "gbk_as_latin1",
    "gbk_as_cp1252",
    "utf8_as_cp1252",
    "utf8_as_latin1",
    "big5_as_gbk",
    "gbk_as_big5",
    "kunjinkao",
    "fffd",
    "spin",
    "html",
    "lost_symbols",
];

impl Family {
    /// Parses a family name (`-` and `_` are interchangeable; `utf8_as_gbk:doc` damages the whole
    /// document instead of spans).
    pub fn parse(name: &str) -> Result<Family, String> {
        let norm = name.trim().to_ascii_lowercase().replace('-', "_");
        let (base, doc) = match norm.strip_suffix(":doc") {
            Some(b) => (b, true),
            None => (norm.as_str(), false),
        };
        if let Some(k) = Kind::from_name(base) {
            let scope = if doc {
                Scope::Document
            } else {
                Scope::default()
            };
            return Ok(Family::Mojibake(k, scope));
        }
        if doc {
            return Err(format!(
                "`:doc` applies to codec families only, not {base:?}"
            ));
        }
        Ok(match base {
            "s2t" => Family::S2t { rate: 1.0 },
            "pinyin" => Family::Pinyin(PinyinParams::tones()),
            "pinyin_space" => Family::Pinyin(PinyinParams::spaced()),
            "pinyin_toneless" => Family::Pinyin(PinyinParams::toneless()),
            "pinyin_repeat" => Family::Pinyin(PinyinParams::repeated()),
            "pinyin_doubled" => Family::Pinyin(PinyinParams::doubled()),
            "pinyin_poly" => Family::Pinyin(PinyinParams::polyphones()),
            "pinyin_trad" => Family::Pinyin(PinyinParams::seed_like()),
            "gbshift" => Family::GbShift(ShiftParams::default()),
            "gbshift_annotated" => {
                Family::GbShiftAnnotated(ShiftParams::default(), PinyinParams::tones())
            }
            "gbshift_sparse" => Family::GbShift(ShiftParams::seed_density()),
            "gbshift_annotated_sparse" => {
                Family::GbShiftAnnotated(ShiftParams::seed_density(), PinyinParams::tones())
            }
            "fold" => Family::Fold,
            "spin" => Family::Spin(SpinParams::default()),
            "html" => Family::Html(HtmlParams::default()),
            "lost_symbols" => Family::LostSymbols(LossyParams::default()),
            _ => {
                return Err(format!(
                    "unknown damage family {name:?}; known: {}",
                    NAMES.join(", ")
                ))
            }
        })
    }

    /// Stable short name of the family kind (parameters not included).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Family::S2t { .. } => "s2t",
            Family::Pinyin(_) => "pinyin",
            Family::GbShift(_) => "gbshift",
            Family::GbShiftAnnotated(..) => "gbshift_annotated",
            Family::Fold => "fold",
            Family::Mojibake(k, _) => k.name(),
            Family::Spin(_) => "spin",
            Family::Html(_) => "html",
            Family::LostSymbols(_) => "lost_symbols",
        }
    }

    /// Whether the family converts Simplified characters to Traditional (meaningless on
    /// Traditional documents; the reference is then the Simplified original).
    pub fn converts_script(&self) -> bool {
        matches!(self, Family::S2t { .. } | Family::Spin(_))
    }

    /// Applies the family to `text` with randomness from `rng`.
    pub fn apply(&self, text: &str, rng: &mut Rng) -> String {
        match self {
            Family::S2t { rate } => script::to_traditional(text, *rate, rng),
            Family::Pinyin(p) => pinyin::inject(text, p, rng),
            Family::GbShift(s) => gbshift::shift(text, s, &Mode::Plain, rng),
            Family::GbShiftAnnotated(s, p) => gbshift::shift(
                text,
                s,
                &Mode::Annotated {
                    pinyin: p.clone(),
                    extra_rate: 0.1,
                },
                rng,
            ),
            Family::Fold => script::fold(text),
            Family::Mojibake(k, scope) => mojibake::apply(text, *k, *scope, rng),
            Family::Spin(p) => script::spin(text, p, rng),
            Family::Html(p) => html::residue(text, p, rng),
            Family::LostSymbols(p) => lossy::lose_symbols(text, p, rng),
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind_name())?;
        if let Family::Mojibake(_, Scope::Document) = self {
            f.write_str(":doc")?;
        }
        if let Family::Pinyin(p) = self {
            if p.target == Target::Polyphones {
                f.write_str("(poly)")?;
            }
        }
        Ok(())
    }
}

/// Families applied in order, deterministically under `seed`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// The families, first applied first.
    pub families: Vec<Family>,
    /// The seed; each layer draws from its own stream derived from the seed, its position and
    /// its kind.
    pub seed: u64,
}

impl Pipeline {
    /// A pipeline of `families` under `seed`.
    pub fn new(families: Vec<Family>, seed: u64) -> Self {
        Pipeline { families, seed }
    }

    /// Parses a `+`-joined composition such as `s2t+pinyin+gbshift+fold`.
    pub fn parse(spec: &str, seed: u64) -> Result<Pipeline, String> {
        let families = spec
            .split('+')
            .map(Family::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if families.is_empty() {
            return Err("empty family list".into());
        }
        Ok(Pipeline { families, seed })
    }

    /// The reference crawl's layer order: `s2t+pinyin_trad+gbshift+fold`.
    pub fn seed_order(seed: u64) -> Pipeline {
        Pipeline {
            families: vec![
                Family::S2t { rate: 1.0 },
                Family::Pinyin(PinyinParams::seed_like()),
                Family::GbShift(ShiftParams::default()),
                Family::Fold,
            ],
            seed,
        }
    }

    /// Whether any layer converts the script.
    pub fn converts_script(&self) -> bool {
        self.families.iter().any(Family::converts_script)
    }

    /// Damages `text`.
    pub fn apply(&self, text: &str) -> String {
        let mut cur = text.to_owned();
        for (i, f) in self.families.iter().enumerate() {
            let mut rng = Rng::new(mix(mix(self.seed, i as u64 + 1), hash_str(f.kind_name())));
            cur = f.apply(&cur, &mut rng);
        }
        cur
    }
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, fam) in self.families.iter().enumerate() {
            if i > 0 {
                f.write_str("+")?;
            }
            write!(f, "{fam}")?;
        }
        Ok(())
    }
}
