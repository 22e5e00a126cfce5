//! Shifts one span of a sentence and shows the repair: a probe for the `byteshift` stage.
//!
//! `cargo run --release -p hanfix-sim --example shiftone -- TEXT START[,START...] [MAX_SPAN [GARBAGE]]`
//! (START is a character index; a span starts at each such character; with GARBAGE, the span's
//! GARBAGE-th garbage character gets its pinyin, as in the `gbshift_annotated` family).
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(text) = args.first() else {
        eprintln!("usage: shiftone TEXT START [MAX_SPAN]");
        std::process::exit(2);
    };
    let starts: Vec<usize> = args
        .get(1)
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default();
    let start = starts.first().copied().unwrap_or(0);
    let max_span: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(40);
    let damaged = match args.get(3).and_then(|s| s.parse().ok()) {
        Some(g) => hanfix_sim::gbshift::shift_annotated_at(text, start, g, true, false),
        None => hanfix_sim::gbshift::shift_at(text, &starts, max_span),
    };
    let report = hanfix::Fixer::default().fix_report(&damaged);
    println!(
        "clean:   {text}\ndamaged: {damaged}\nfixed:   {}",
        report.text
    );
    for e in &report.edits {
        println!(
            "  {:?} {:?} -> {:?} ({:.3})",
            e.stage, e.before, e.after, e.confidence
        );
    }
}
