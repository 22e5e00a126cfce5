//! Orders the stages and runs a document through them.

use std::borrow::Cow;

use crate::edit::{Edit, StageKind};
use crate::error::Error;
use crate::options::{Options, ScriptDecision};
use crate::scan;
use crate::stages::{self, Doc};
use crate::text::{Replacement, Tracked};

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
        StageKind::ALL.map(|k| (k, self.edits.iter().filter(|e| e.stage == k).count()))
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

    /// Repairs `text`. Clean text is returned borrowed after a single scanning pass.
    pub fn fix<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let flags = scan::scan(text);
        if flags.is_clean(&self.opts) {
            return Cow::Borrowed(text);
        }
        let report = self.run(text, flags);
        if report.edits.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(report.text)
        }
    }

    /// Repairs `text` and reports every edit.
    pub fn fix_report(&self, text: &str) -> Report {
        let flags = scan::scan(text);
        if flags.is_clean(&self.opts) {
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
        let mut doc = Doc::new(&self.opts, flags, text);
        let mut tracked = Tracked::new(text.to_owned());
        let mut edits = Vec::new();
        let mut reps: Vec<Replacement> = Vec::new();
        for stage in stages::PIPELINE {
            if !stage.enabled(&doc) {
                continue;
            }
            stage.run(tracked.as_str(), &mut doc, &mut reps);
            tracked.apply(stage.kind(), &mut reps, &mut edits);
        }
        let garble = doc.garble(text, &edits);
        Report {
            text: tracked.into_string(),
            edits,
            script: doc.script,
            garble,
        }
    }
}
