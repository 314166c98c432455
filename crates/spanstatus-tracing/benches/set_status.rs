//! `set_status` vs recording the same two values into declared fields by hand,
//! under a realistic subscriber: registry + fmt layer (writing to a sink) + our layer.
//!
//! `cargo bench -p spanstatus-tracing --bench set_status`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use spanstatus_tracing::{Code, SetStatusExt};
use std::hint::black_box;
use tracing::field;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

fn bench(c: &mut Criterion) {
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus_tracing::fmt_layer())
        .with(
            tracing_subscriber::fmt::layer()
                .with_span_events(FmtSpan::CLOSE)
                .with_writer(std::io::sink),
        );
    let _default = tracing::subscriber::set_default(subscriber);

    let mut group = c.benchmark_group("tracing_status");
    group.bench_function("set_status", |b| {
        b.iter_batched_ref(
            || tracing::info_span!("cache.get", key = 42),
            |span| span.set_status(black_box(Code::NotFound), black_box("Cache miss")),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("record_declared_fields", |b| {
        b.iter_batched_ref(
            || {
                tracing::info_span!(
                    "cache.get",
                    key = 42,
                    status = field::Empty,
                    status.message = field::Empty
                )
            },
            |span| {
                span.record("status", black_box(Code::NotFound).as_str());
                span.record("status.message", black_box("Cache miss"));
            },
            BatchSize::SmallInput,
        )
    });
    // The whole life of a span with a status, close line included.
    group.bench_function("span_lifecycle/set_status", |b| {
        b.iter(|| {
            let span = tracing::info_span!("cache.get", key = 42);
            span.set_status(black_box(Code::NotFound), black_box("Cache miss"));
        })
    });
    group.bench_function("span_lifecycle/record_declared_fields", |b| {
        b.iter(|| {
            let span = tracing::info_span!(
                "cache.get",
                key = 42,
                status = field::Empty,
                status.message = field::Empty
            );
            span.record("status", black_box(Code::NotFound).as_str());
            span.record("status.message", black_box("Cache miss"));
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
