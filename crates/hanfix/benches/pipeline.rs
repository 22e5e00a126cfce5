//! `Fixer::fix_report` on documents that exercise one stage each, plus the seed-style mix.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod common;

fn bench_pipeline(c: &mut Criterion) {
    let fixer = hanfix::Fixer::default();
    const DOC: usize = 2 << 10;
    let inputs = [
        ("pinyin", common::damaged_hans("pinyin", DOC)),
        ("gbshift", common::damaged_hans("gbshift", DOC)),
        (
            "mojibake_utf8_as_gbk",
            common::damaged_hans("utf8_as_gbk", DOC),
        ),
        (
            "mojibake_gbk_as_latin1",
            common::damaged_hans("gbk_as_latin1", DOC),
        ),
        ("punct_fold", common::damaged_hans("fold", DOC)),
        ("clean_hant", common::clean_hant(DOC)),
        ("seed_style", common::seed_style(DOC)),
    ];
    let mut g = c.benchmark_group("fix_report");
    g.sample_size(20);
    for (name, text) in &inputs {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| fixer.fix_report(black_box(text)).edits.len())
        });
    }
    g.finish();
}

criterion_group!(benches, bench_pipeline);
criterion_main!(benches);
