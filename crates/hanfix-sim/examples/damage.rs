//! Prints the built-in sentences damaged by one family, one per line.
//!
//! `cargo run --release -p hanfix-sim --example damage -- utf8_as_latin1 [SEED]`
use hanfix_sim::{corpus, Pipeline};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let spec = args
        .first()
        .map_or("s2t+pinyin+gbshift+fold", String::as_str);
    let seed: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    for (i, (clean, _)) in corpus::builtin().into_iter().enumerate() {
        match Pipeline::parse(spec, seed.wrapping_add(i as u64 * 0x9E37_79B9)) {
            Ok(p) => println!("{}", p.apply(&clean).replace('\n', " ")),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }
}
