//! Scores texts under the embedded model: a probe for comparing candidate readings.
//!
//! `cargo run --release -p hanfix-sim --example lmscore -- TEXT...` prints each text's total
//! log10 probability (after a line break) and its per-character terms.
fn main() {
    let model = hanfix::model::Model::get();
    for text in std::env::args().skip(1) {
        let (mut a, mut b) = ('\n', '\n');
        let mut terms = Vec::new();
        for c in text.chars() {
            terms.push(format!("{c:?}{:.1}", model.logp3(a, b, c)));
            (a, b) = (b, c);
        }
        println!(
            "{:8.2} {text:?}  [{}]",
            model.score('\n', &text),
            terms.join(" ")
        );
    }
}
