//! Orders the stages and runs a document through them.

use std::borrow::Cow;

use crate::edit::{Edit, StageKind};
use crate::error::Error;
use crate::options::{Options, ScriptDecision};
use crate::scan;
use crate::stages::{self, Doc};
use crate::text::{Replacement, Tally, Tracked};

/// The result of repairing one document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// The repaired text.
    pub text: String,
    /// Every accepted edit, in the order the stages made them.
    pub edits: Vec<Edit>,
    /// What the script stage decided.
    pub script: ScriptDecision,
    /// How damaged the input looked, from 0 (clean) to 1.
    pub garble: f32,
}

impl Report {
    /// Whether any stage changed the text.
    pub fn changed(&self) -> bool {
        !self.edits.is_empty()
    }

    /// Number of edits each stage made, in pipeline order.
    pub fn edits_per_stage(&self) -> [(StageKind, usize); 7] {
        let mut counts = [0; 7];
        for e in &self.edits {
            counts[e.stage.index()] += 1;
        }
        StageKind::with_counts(counts)
    }
}

/// The result of repairing one document without its edits ([`Fixer::fix_summary`]): what a
/// caller that only writes the repaired text and counts needs, for less memory and time than a
/// [`Report`] (no [`Edit`] per repair, no alignment with the input).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The repaired text.
    pub text: String,
    /// Number of edits each stage made, in pipeline order.
    pub edits_per_stage: [(StageKind, usize); 7],
    /// What the script stage decided.
    pub script: ScriptDecision,
    /// How damaged the input looked, from 0 (clean) to 1 (as [`Report::garble`]).
    pub garble: f32,
}

impl Summary {
    /// Whether any stage changed the text.
    pub fn changed(&self) -> bool {
        self.edits_per_stage.iter().any(|&(_, n)| n > 0)
    }

    fn clean(text: &str) -> Summary {
        Summary {
            text: text.to_owned(),
            edits_per_stage: StageKind::with_counts([0; 7]),
            script: ScriptDecision::default(),
            garble: 0.0,
        }
    }
}

/// A configured repair pipeline. Cheap to clone, `Send + Sync`, and free of per-call state, so
/// one instance serves every thread.
#[derive(Debug, Clone, Default)]
pub struct Fixer {
    opts: Options,
}

impl Fixer {
    /// A fixer with the given options.
    pub fn new(opts: Options) -> Self {
        Fixer { opts }
    }

    /// The options this fixer runs with.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Whether no enabled stage can have anything to do in `text`, whose scan gave `flags`.
    fn is_clean(&self, text: &str, flags: &scan::Flags) -> bool {
        flags.is_clean(&self.opts)
            && !(self.opts.html
                && flags.classes & crate::tables::class::CJK_PUNCT != 0
                && scan::doubled_comma(text))
    }

    /// Repairs `text`. Clean text is returned borrowed after a single scanning pass (and a search
    /// for doubled commas).
    pub fn fix<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let flags = scan::scan(text);
        if self.is_clean(text, &flags) {
            return Cow::Borrowed(text);
        }
        let summary = self.run_counted(text, flags);
        if summary.changed() {
            Cow::Owned(summary.text)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Repairs `text` and counts the edits of each stage without recording them: the same text
    /// as [`Fixer::fix_report`], in less memory.
    pub fn fix_summary(&self, text: &str) -> Summary {
        let flags = scan::scan(text);
        if self.is_clean(text, &flags) {
            return Summary::clean(text);
        }
        self.run_counted(text, flags)
    }

    /// [`Fixer::fix_bytes`] without the edits: the `decode` edits are counted too.
    pub fn fix_bytes_summary(&self, bytes: &[u8]) -> Result<Summary, Error> {
        let decoded = stages::decode::decode(bytes)?;
        let mut summary = self.fix_summary(&decoded.text);
        summary.edits_per_stage[StageKind::Decode.index()].1 += decoded.edits.len();
        Ok(summary)
    }

    /// Repairs `text` and reports every edit.
    pub fn fix_report(&self, text: &str) -> Report {
        let flags = scan::scan(text);
        if self.is_clean(text, &flags) {
            return Report {
                text: text.to_owned(),
                ..Report::default()
            };
        }
        self.run(text, flags)
    }

    /// Decodes `bytes` (UTF-8, or GB18030/Big5 when they are not UTF-8), then repairs the text.
    ///
    /// Invalid UTF-8 inside otherwise UTF-8 text is kept as U+FFFD and logged as a `decode` edit
    /// whose span is a byte range of `bytes`. Binary data is refused with [`Error::Binary`].
    pub fn fix_bytes(&self, bytes: &[u8]) -> Result<Report, Error> {
        let decoded = stages::decode::decode(bytes)?;
        let mut report = self.fix_report(&decoded.text);
        if !decoded.edits.is_empty() {
            let mut edits = decoded.edits;
            edits.append(&mut report.edits);
            report.edits = edits;
        }
        Ok(report)
    }

    fn run(&self, text: &str, flags: scan::Flags) -> Report {
        let mut edits = Vec::new();
        let (doc, repaired) = self.run_stages(text, flags, |tracked, kind, reps| {
            tracked.apply(kind, reps, &mut edits)
        });
        Report {
            text: repaired,
            script: doc.script,
            garble: doc.garble(text, Tally::of(&edits).repaired_chars),
            edits,
        }
    }

    /// [`Fixer::run`] counting the edits instead of recording them.
    fn run_counted(&self, text: &str, flags: scan::Flags) -> Summary {
        let mut tally = Tally::default();
        let (doc, repaired) = self.run_stages(text, flags, |tracked, kind, reps| {
            tracked.apply_counted(kind, reps, &mut tally)
        });
        Summary {
            text: repaired,
            edits_per_stage: StageKind::with_counts(tally.per_stage),
            script: doc.script,
            garble: doc.garble(text, tally.repaired_chars),
        }
    }

    /// Runs every enabled stage in pipeline order; `apply` applies each stage's replacements to
    /// the text (recording or counting them). Returns the document state and the repaired text.
    fn run_stages<'a>(
        &'a self,
        text: &'a str,
        flags: scan::Flags,
        mut apply: impl FnMut(&mut Tracked, StageKind, &mut Vec<Replacement>),
    ) -> (Doc<'a>, String) {
        let mut doc = Doc::new(&self.opts, flags, text);
        let mut tracked = Tracked::new(text.to_owned());
        let mut reps: Vec<Replacement> = Vec::new();
        for stage in stages::PIPELINE {
            if !stage.enabled(&doc) {
                continue;
            }
            stage.run(tracked.as_str(), &mut doc, &mut reps);
            apply(&mut tracked, stage.kind(), &mut reps);
        }
        (doc, tracked.into_string())
    }
}
