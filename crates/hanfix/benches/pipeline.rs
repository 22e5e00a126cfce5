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

    // One long line dense with doubled commas, escaped quotes and entities: the `html` stage's
    // lists of edits are merged in one sweep (a check of every pair took 8.8 s on 1.2 MB).
    let line = common::repeat_to(
        &[
            "会议指出,,要优化环境".to_string(),
            "他说：\\\"好\\\"".to_string(),
            "&rdquo;,、&ldquo;".to_string(),
        ],
        "",
        256 << 10,
    );
    let mut g = c.benchmark_group("long_line");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(line.len() as u64));
    g.bench_function("html_dense_256k", |b| {
        b.iter(|| fixer.fix_report(black_box(&line)).edits.len())
    });
    g.finish();
}

criterion_group!(benches, bench_pipeline);
criterion_main!(benches);
