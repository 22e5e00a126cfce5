//! The character language model: single lookups and whole-string scores.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hanfix::model::Model;

mod common;

fn bench_model(c: &mut Criterion) {
    let m = Model::get();
    let text = common::clean_hans(4 << 10);
    let ids: Vec<u32> = text.chars().map(|ch| m.id(ch)).collect();
    let n = (ids.len() - 2) as u64;
    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Elements(n));
    g.bench_function("logp_id", |b| {
        b.iter(|| {
            let ids = black_box(&ids);
            ids.windows(2).map(|w| m.logp_id(w[0], w[1])).sum::<f32>()
        })
    });
    g.bench_function("logp3_id", |b| {
        b.iter(|| {
            let ids = black_box(&ids);
            ids.windows(3)
                .map(|w| m.logp3_id(w[0], w[1], w[2]))
                .sum::<f32>()
        })
    });
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("score", |b| b.iter(|| m.score('\n', black_box(&text))));
    g.finish();
}

criterion_group!(benches, bench_model);
criterion_main!(benches);
