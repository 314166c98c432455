//! `#[spanstatus::instrument]` against `#[tracing::instrument]`, the peer a
//! user has without this crate, on the same subscriber: a plain registry + fmt
//! layer writing to a sink, no spanstatus layer (the status lives in the
//! registry's extensions either way).
//!
//! `cargo bench --features full --bench macros -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::io;

use criterion::{Criterion, criterion_group, criterion_main};
use tracing_subscriber::prelude::*;

#[tracing::instrument]
fn plain_ok(x: u64) -> Result<u64, io::Error> {
    Ok(black_box(x) + 1)
}

#[spanstatus::instrument]
fn ours_ok(x: u64) -> Result<u64, io::Error> {
    Ok(black_box(x) + 1)
}

#[tracing::instrument(err)]
fn plain_err(x: u64) -> Result<u64, io::Error> {
    black_box(x);
    Err(io::Error::from(io::ErrorKind::ConnectionRefused))
}

#[spanstatus::instrument(err)]
fn ours_err(x: u64) -> Result<u64, io::Error> {
    black_box(x);
    Err(io::Error::from(io::ErrorKind::ConnectionRefused))
}

fn bench(c: &mut Criterion) {
    let subscriber =
        tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_writer(io::sink));
    let _default = tracing::subscriber::set_default(subscriber);

    let mut group = c.benchmark_group("instrument");
    group.bench_function("ok/tracing", |b| b.iter(|| plain_ok(black_box(7))));
    group.bench_function("ok/spanstatus", |b| b.iter(|| ours_ok(black_box(7))));
    group.bench_function("err/tracing", |b| b.iter(|| plain_err(black_box(7))));
    group.bench_function("err/spanstatus", |b| b.iter(|| ours_err(black_box(7))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
