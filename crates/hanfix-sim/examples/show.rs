//! Shows clean, damaged and repaired text for the built-in sentences that one family leaves wrong.
//!
//! `cargo run --release -p hanfix-sim --example show -- gbshift+fold [SEED] [MAX] [FILE.jsonl]`
use std::time::Instant;

use std::path::Path;

use hanfix_sim::eval::load_jsonl;
use hanfix_sim::{corpus, Pipeline};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let spec = args
        .first()
        .map_or("s2t+pinyin+gbshift+fold", String::as_str);
    let seed: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let max: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let fixer = hanfix::Fixer::default();
    let mut shown = 0;
    let docs: Vec<String> = match args.get(3) {
        Some(path) => match load_jsonl(Path::new(path), None) {
            Ok(docs) => docs.into_iter().map(|d| d.text).collect(),
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        },
        None => corpus::builtin().into_iter().map(|(t, _)| t).collect(),
    };
    for (i, clean) in docs.into_iter().enumerate() {
        let p = match Pipeline::parse(spec, seed.wrapping_add(i as u64 * 0x9E37_79B9)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let damaged = p.apply(&clean);
        let t = Instant::now();
        let fixed = fixer.fix(&damaged).into_owned();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if fixed != clean || ms > 200.0 {
            println!(
                "#{i} ({ms:.1} ms)\n  clean:   {clean}\n  damaged: {damaged}\n  fixed:   {fixed}\n"
            );
            shown += 1;
            if shown >= max {
                break;
            }
        }
    }
}
