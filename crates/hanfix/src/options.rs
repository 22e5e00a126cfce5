//! What the user asked for.

use std::fmt;
use std::str::FromStr;

/// Which script the output should be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScriptMode {
    /// Convert back to Simplified when the document shows converter evidence; otherwise keep.
    #[default]
    Auto,
    /// Always output Simplified.
    Hans,
    /// Always output Traditional.
    Hant,
    /// Never change the script.
    Keep,
}

/// Whether ASCII punctuation next to Chinese text becomes fullwidth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PunctMode {
    /// `,:;!?` beside Chinese text become `，：；！？`; in a document whose punctuation was
    /// folded as a whole, brackets around or after Chinese text become `（）` too, and spaces
    /// between Chinese text become U+3000 where the model expects an ideographic space.
    #[default]
    Auto,
    /// Punctuation is left as it is (repair stages still emit fullwidth forms they restore).
    Keep,
}

/// What the script stage decided for one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScriptDecision {
    /// No Traditional-only characters, nothing to decide.
    #[default]
    None,
    /// Genuine Traditional text, kept.
    KeptTraditional,
    /// Converted to Simplified (converter evidence, or asked for).
    ToSimplified,
    /// Converted to Traditional (asked for).
    ToTraditional,
    /// Script left alone because the user asked to keep it.
    Kept,
}

impl ScriptDecision {
    /// Stable name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            ScriptDecision::None => "none",
            ScriptDecision::KeptTraditional => "kept-traditional",
            ScriptDecision::ToSimplified => "to-simplified",
            ScriptDecision::ToTraditional => "to-traditional",
            ScriptDecision::Kept => "kept",
        }
    }
}

impl fmt::Display for ScriptDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Options for a [`crate::Fixer`].
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Output script.
    pub script: ScriptMode,
    /// Punctuation normalisation.
    pub punct: PunctMode,
    /// Repair classic mojibake (UTF-8 read as GBK, GBK read as Latin-1, ...).
    pub mojibake: bool,
    /// Repair GB18030 spans decoded one byte late.
    pub byteshift: bool,
    /// Remove injected pinyin annotations.
    pub pinyin: bool,
    /// Remove stray HTML tags and entities.
    pub html: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            script: ScriptMode::Auto,
            punct: PunctMode::Auto,
            mojibake: true,
            byteshift: true,
            pinyin: true,
            html: true,
        }
    }
}

/// Error for an option value that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptionError(pub String);

impl fmt::Display for ParseOptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseOptionError {}

impl FromStr for ScriptMode {
    type Err = ParseOptionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(ScriptMode::Auto),
            "hans" | "simplified" | "zh-hans" => Ok(ScriptMode::Hans),
            "hant" | "traditional" | "zh-hant" => Ok(ScriptMode::Hant),
            "keep" => Ok(ScriptMode::Keep),
            _ => Err(ParseOptionError(format!(
                "unknown script mode {s:?}: expected auto, hans, hant or keep"
            ))),
        }
    }
}

impl FromStr for PunctMode {
    type Err = ParseOptionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(PunctMode::Auto),
            "keep" => Ok(PunctMode::Keep),
            _ => Err(ParseOptionError(format!(
                "unknown punct mode {s:?}: expected auto or keep"
            ))),
        }
    }
}
