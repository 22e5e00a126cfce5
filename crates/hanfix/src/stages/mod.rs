//! The repair stages, one module each, and the order the pipeline runs them in.
//!
//! Damage is applied in layers (annotation, script conversion, encoding, byte shift, folding,
//! HTML leaks); the stages take them off in reverse. Every stage reads the current text and
//! proposes [`Replacement`]s; the pipeline applies them and logs one [`crate::Edit`] each.

pub mod byteshift;
pub mod decode;
pub mod html;
pub mod mojibake;
pub mod pinyin;
pub mod punct;
pub mod script;

use crate::edit::StageKind;
use crate::options::{Options, PunctMode, ScriptDecision};
use crate::scan::Flags;
use crate::text::Replacement;

/// What the stages learn about a document while it passes through them.
#[derive(Debug)]
pub struct Doc<'a> {
    /// The user's options.
    pub opts: &'a Options,
    /// What the first scan saw.
    pub flags: Flags,
    /// Annotations removed by the pinyin stage (converter evidence).
    pub pinyin_removed: usize,
    /// Spans realigned by the byte-shift stage (converter evidence).
    pub shifts_repaired: usize,
    /// Mojibake runs repaired.
    pub mojibake_repaired: usize,
    /// The script stage's decision.
    pub script: ScriptDecision,
    /// Whether the input's fullwidth punctuation looks folded to ASCII as a whole (decided on
    /// the input, before repairs restore fullwidth marks inside spans); see [`punct`].
    pub folded: bool,
}

impl<'a> Doc<'a> {
    /// Starts the state of one document.
    pub fn new(opts: &'a Options, flags: Flags, text: &str) -> Self {
        let folded =
            opts.punct == PunctMode::Auto && flags.ascii_punct && punct::looks_folded(text);
        Doc {
            opts,
            flags,
            pinyin_removed: 0,
            shifts_repaired: 0,
            mojibake_repaired: 0,
            script: ScriptDecision::None,
            folded,
        }
    }

    /// How damaged the input looked, from 0 to 1: the share of input characters touched by repair
    /// stages (script and punctuation normalisation excluded), with replacement characters and
    /// `锟斤拷` runs counted as damage, squashed so that 20 % damage reads as ~1.
    /// `repaired_chars` is [`crate::text::Tally::repaired_chars`] of the document's edits.
    pub fn garble(&self, input: &str, repaired_chars: usize) -> f32 {
        // One pass: characters, replacement characters, `锟斤拷` runs.
        let (mut total, mut damaged) = (0usize, 0usize);
        let mut last3 = ['\0'; 3];
        for c in input.chars() {
            total += 1;
            damaged += (c == '\u{FFFD}') as usize;
            last3 = [last3[1], last3[2], c];
            if last3 == ['锟', '斤', '拷'] {
                damaged += 3;
                last3 = ['\0'; 3];
            }
        }
        let total = total.max(1) as f32;
        damaged += repaired_chars;
        let x = damaged as f32 / total;
        (1.0 - (-x * 12.0).exp()).clamp(0.0, 1.0)
    }
}

/// One repair stage.
pub trait Stage: Sync {
    /// Which stage this is.
    fn kind(&self) -> StageKind;
    /// Whether the stage has anything to do for this document and these options.
    fn enabled(&self, doc: &Doc<'_>) -> bool;
    /// Proposes replacements on `text`, in `text`'s byte offsets, sorted and non-overlapping.
    fn run(&self, text: &str, doc: &mut Doc<'_>, out: &mut Vec<Replacement>);
}

/// Runs `stage` alone over `text` as one document with the default options (unit tests).
#[cfg(test)]
pub(crate) fn run_alone(stage: &dyn Stage, text: &str) -> String {
    crate::text::apply_with(text, |t, out| {
        let opts = crate::Options::default();
        let mut doc = Doc::new(&opts, crate::scan::Flags::default(), t);
        stage.run(t, &mut doc, out);
    })
}

/// The stages in the order they run: the reverse of the order damage is applied in.
pub static PIPELINE: [&dyn Stage; 6] = [
    &byteshift::ByteShift,
    &mojibake::Mojibake,
    &pinyin::Pinyin,
    &html::Html,
    &script::Script,
    &punct::Punct,
];
