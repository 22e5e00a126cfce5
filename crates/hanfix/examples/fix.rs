//! Reads text on stdin, writes the repaired text to stdout and the edits to stderr.
//!
//! `cargo run --release -p hanfix --example fix < damaged.txt`
use std::io::Read;

fn main() {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    let report = hanfix::Fixer::default().fix_report(&input);
    print!("{}", report.text);
    for e in &report.edits {
        eprintln!(
            "{:>9} {:>6}..{:<6} {:.3} {:?} -> {:?} ({})",
            e.stage.name(),
            e.start,
            e.end,
            e.confidence,
            e.before,
            e.after,
            e.reason
        );
    }
    eprintln!("script: {}, garble: {:.3}", report.script, report.garble);
}
