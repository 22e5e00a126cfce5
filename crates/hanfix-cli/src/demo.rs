//! `hanfix demo`: a before/after of a built-in damaged text.

use crate::error::Result;
use crate::run::position_edits;

/// Damaged sample text (Traditional conversion with injected pinyin and ASCII punctuation).
pub const DEMO: &str = include_str!("../assets/demo.txt");

/// Shortens `s` to at most `max` characters for the table.
fn clip(s: &str, max: usize) -> String {
    let s = s.replace('\n', "\\n");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Prints the damaged text, a separator, the repaired text and the edits.
pub fn run() -> Result<()> {
    let report = hanfix::Fixer::default().fix_report(DEMO);
    let mut s = String::new();
    s.push_str("damaged:\n");
    s.push_str(DEMO.trim_end());
    s.push_str("\n\n──────── hanfix ────────\n\nrepaired:\n");
    s.push_str(report.text.trim_end());
    s.push_str("\n\n");
    let script = report.script.name();
    let garble = report.garble;
    let n = report.edits.len();
    s.push_str(&format!(
        "{n} edits (script decision: {script}, garble {garble:.2})\n"
    ));
    if n > 0 {
        s.push_str(&format!(
            "{:<10} {:>11}  {:<24} {:>5}  {}\n",
            "stage", "chars", "before → after", "conf", "reason"
        ));
        for e in position_edits(DEMO, report.edits) {
            let span = format!("{}..{}", e.chars.0, e.chars.1);
            let change = format!("{} → {}", clip(&e.before, 10), clip(&e.after, 10));
            s.push_str(&format!(
                "{:<10} {:>11}  {:<24} {:>5.2}  {}\n",
                e.stage.name(),
                span,
                change,
                e.confidence,
                e.reason
            ));
        }
    }
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()?;
    Ok(())
}
