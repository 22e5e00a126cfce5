//! Prints the model's log10 probabilities for each argument: the bigram and trigram totals, then
//! each adjacent pair (bigram layer) and each character with two characters of context (trigram
//! model). The text is scored after a line break and up to and including a final line break.
//!
//! `cargo run --release -p hanfix --example lm -- 全球发展 在闰发展`
//!
//! With `--bench` first, also prints the time of the first use (parsing the embedded model) and
//! of `id`, `logp_id` and `logp3_id` lookups over the arguments.
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.first().is_some_and(|a| a == "--bench");
    if bench {
        args.remove(0);
    }
    let t0 = Instant::now();
    let m = hanfix::model::Model::get();
    if bench {
        println!(
            "first use (parse + build): {:.1} ms; {} ids, {} bigrams, {} trigrams",
            t0.elapsed().as_secs_f64() * 1e3,
            m.vocab_size(),
            m.bigram_count(),
            m.trigram_count()
        );
        bench_lookups(m, &args);
    }
    for arg in args {
        let chars: Vec<char> = std::iter::once('\n')
            .chain(arg.chars())
            .chain(std::iter::once('\n'))
            .collect();
        let pairs: Vec<String> = chars
            .windows(2)
            .map(|w| format!("{}{}:{:.2}", w[0], w[1], m.logp(w[0], w[1])))
            .collect();
        // Trigram terms: the first character has context (line break, line break).
        let padded: Vec<char> = std::iter::once('\n').chain(chars.iter().copied()).collect();
        let triples: Vec<String> = padded
            .windows(3)
            .map(|w| {
                let lp = m.logp3(w[0], w[1], w[2]);
                format!("{}{}{}:{:.2}", w[0], w[1], w[2], lp)
            })
            .collect();
        println!(
            "{arg}: bigram total {:.2} trigram total {:.2} (text only, after ⏎: {:.2} / {:.2})",
            m.score_bigram('\n', &format!("{arg}\n")),
            m.score('\n', &format!("{arg}\n")),
            m.score_bigram('\n', &arg),
            m.score('\n', &arg),
        );
        println!("  bigram  | {}", pairs.join(" ").replace('\n', "⏎"));
        println!("  trigram | {}", triples.join(" ").replace('\n', "⏎"));
    }
}

/// Times lookups over the characters of `args`, repeated until ~2 M lookups were made.
fn bench_lookups(m: &hanfix::model::Model, args: &[String]) {
    let text: Vec<char> = args.iter().flat_map(|a| a.chars()).collect();
    if text.len() < 3 {
        return;
    }
    let reps = (2_000_000 / text.len()).max(1);
    let n = (reps * text.len()) as f64;
    let t = Instant::now();
    let mut acc = 0u64;
    for _ in 0..reps {
        for &c in &text {
            acc = acc.wrapping_add(m.id(black_box(c)) as u64);
        }
    }
    black_box(acc);
    println!("id: {:.1} ns", t.elapsed().as_secs_f64() * 1e9 / n);
    let ids: Vec<u32> = text.iter().map(|&c| m.id(c)).collect();
    let n2 = (reps * (ids.len() - 1)) as f64;
    let t = Instant::now();
    let mut s = 0f32;
    for _ in 0..reps {
        for w in ids.windows(2) {
            s += m.logp_id(black_box(w[0]), w[1]);
        }
    }
    black_box(s);
    println!("logp_id: {:.1} ns", t.elapsed().as_secs_f64() * 1e9 / n2);
    let n3 = (reps * (ids.len() - 2)) as f64;
    let t = Instant::now();
    let mut s = 0f32;
    for _ in 0..reps {
        for w in ids.windows(3) {
            s += m.logp3_id(black_box(w[0]), w[1], w[2]);
        }
    }
    black_box(s);
    println!("logp3_id: {:.1} ns", t.elapsed().as_secs_f64() * 1e9 / n3);
}
