//! Run statistics: the summary on standard error and the `--stats` JSON.

use std::time::Duration;

use hanfix::StageKind;

/// Counters for one run.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Input files read.
    pub files: u64,
    /// Documents repaired (plain-text files, JSON lines, Parquet rows).
    pub documents: u64,
    /// Text bytes seen (the text fields, decompressed).
    pub bytes: u64,
    /// Documents with at least one edit.
    pub changed: u64,
    /// Edits per stage, in pipeline order.
    pub edits: [u64; 7],
    /// Bad records skipped under `--on-error skip`.
    pub skipped: u64,
}

impl Stats {
    /// Counts one document's edits.
    pub fn add_doc(&mut self, bytes: usize, per_stage: &[(StageKind, usize); 7]) {
        self.documents += 1;
        self.bytes += bytes as u64;
        let mut any = false;
        for (i, (_, n)) in per_stage.iter().enumerate() {
            self.edits[i] += *n as u64;
            any |= *n > 0;
        }
        if any {
            self.changed += 1;
        }
    }

    fn mb_per_s(&self, elapsed: Duration) -> f64 {
        let secs = elapsed.as_secs_f64().max(1e-9);
        self.bytes as f64 / 1e6 / secs
    }

    /// The human-readable summary.
    pub fn summary(&self, elapsed: Duration) -> String {
        let stages: Vec<String> = StageKind::ALL
            .iter()
            .zip(self.edits)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{}={n}", k.name()))
            .collect();
        let stages = if stages.is_empty() {
            "none".to_owned()
        } else {
            stages.join(" ")
        };
        format!(
            "hanfix {}: {} documents ({} files), {:.2} MB, {} changed; edits: {}; {} skipped; {:.1}s, {:.2} MB/s",
            env!("CARGO_PKG_VERSION"),
            self.documents,
            self.files,
            self.bytes as f64 / 1e6,
            self.changed,
            stages,
            self.skipped,
            elapsed.as_secs_f64(),
            self.mb_per_s(elapsed),
        )
    }

    /// The summary as a JSON object.
    pub fn to_json(&self, elapsed: Duration, status: &str) -> String {
        let mut per_stage = serde_json::Map::new();
        for (k, n) in StageKind::ALL.iter().zip(self.edits) {
            per_stage.insert(k.name().to_owned(), n.into());
        }
        let v = serde_json::json!({
            "hanfix_version": env!("CARGO_PKG_VERSION"),
            "status": status,
            "files": self.files,
            "documents": self.documents,
            "bytes": self.bytes,
            "documents_changed": self.changed,
            "edits_per_stage": per_stage,
            "errors_skipped": self.skipped,
            "seconds": elapsed.as_secs_f64(),
            "mb_per_s": self.mb_per_s(elapsed),
        });
        v.to_string()
    }
}
