//! Prints the model's log10 probabilities for each adjacent pair of characters of each argument.
//!
//! `cargo run --release -p hanfix --example lm -- 全球发展 在闰发展`
fn main() {
    let m = hanfix::model::Model::get();
    for arg in std::env::args().skip(1) {
        let chars: Vec<char> = std::iter::once('\n')
            .chain(arg.chars())
            .chain(std::iter::once('\n'))
            .collect();
        let parts: Vec<String> = chars
            .windows(2)
            .map(|w| format!("{}{}:{:.2}", w[0], w[1], m.logp(w[0], w[1])))
            .collect();
        println!(
            "{arg}: total {:.2} | {}",
            m.score('\n', &arg),
            parts.join(" ").replace('\n', "⏎")
        );
    }
}
