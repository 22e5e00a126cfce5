//! Applies one codec family's wrong reading to each argument as a whole, and repairs it: a probe
//! for the `mojibake` stage.
//!
//! `cargo run --release -p hanfix-sim --example garble -- utf8_as_gbk2 TEXT...`
use hanfix_sim::mojibake::Kind;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(kind) = args.first().and_then(|k| Kind::from_name(k)) else {
        eprintln!("usage: garble FAMILY TEXT...");
        std::process::exit(2);
    };
    for text in &args[1..] {
        // `[...]` marks the part to damage; without brackets, the whole text.
        let (head, mid, tail) = match (text.find('['), text.find(']')) {
            (Some(a), Some(b)) if a < b => (&text[..a], &text[a + 1..b], &text[b + 1..]),
            _ => ("", text.as_str(), ""),
        };
        let damaged = format!("{head}{}{tail}", kind.apply(mid));
        println!("damaged: {damaged}\nfixed:   {}", hanfix::fix(&damaged));
    }
}
