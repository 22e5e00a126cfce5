//! The clean-text fast path: `Fixer::fix` on clean Simplified text is one scan and a borrow.

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod common;

fn bench_scan(c: &mut Criterion) {
    let fixer = hanfix::Fixer::default();
    let mut g = c.benchmark_group("scan");
    for (name, text) in [
        ("clean_hans_1k", common::clean_hans(1 << 10)),
        ("clean_hans_64k", common::clean_hans(64 << 10)),
        ("clean_hans_1m", common::clean_hans(1 << 20)),
        (
            "ascii_1m",
            common::repeat_to(
                &["The quick brown fox jumps over the lazy dog.".to_string()],
                " ",
                1 << 20,
            ),
        ),
    ] {
        assert!(
            matches!(fixer.fix(&text), Cow::Borrowed(_)),
            "{name} must take the fast path"
        );
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| b.iter(|| fixer.fix(black_box(&text)).len()));
    }
    g.finish();
}

criterion_group!(benches, bench_scan);
criterion_main!(benches);
