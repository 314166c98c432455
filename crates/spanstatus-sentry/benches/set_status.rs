//! `set_canonical_status` against the same work done by hand with
//! sentry-core's inherent methods, in one run.
//!
//! ```sh
//! cargo bench -p spanstatus-sentry --bench set_status -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use sentry_core::protocol::{SpanStatus, Value};
use sentry_core::{ClientOptions, Hub, TransactionContext};
use spanstatus_core::Code;
use spanstatus_sentry::CanonicalStatusExt;

fn bench(c: &mut Criterion) {
    // A bound client, so that transactions keep their data; nothing is
    // finished, so nothing is sent.
    let options = ClientOptions::new()
        .dsn("https://public@sentry.invalid/1")
        .transport(sentry_core::test::TestTransport::new())
        .traces_sample_rate(1.0);
    Hub::current().bind_client(Some(Arc::new(options.into())));
    let transaction = sentry_core::start_transaction(TransactionContext::new("bench", "bench"));
    let span = transaction.start_child("cache.get", "key");

    let mut group = c.benchmark_group("span");
    group.bench_function("set_canonical_status", |b| {
        b.iter(|| span.set_canonical_status(black_box(Code::NotFound), black_box("Cache miss")))
    });
    group.bench_function("by_hand_set_status", |b| {
        b.iter(|| span.set_status(black_box(SpanStatus::NotFound)))
    });
    group.bench_function("by_hand_set_status_and_data", |b| {
        b.iter(|| {
            span.set_status(black_box(SpanStatus::NotFound));
            span.set_data("sentry.status.code", Value::from(black_box("NOT_FOUND")));
            span.set_data(
                "sentry.status.message",
                Value::from(black_box("Cache miss")),
            );
        })
    });
    group.finish();

    let mut group = c.benchmark_group("transaction");
    group.bench_function("set_canonical_status", |b| {
        b.iter(|| {
            transaction.set_canonical_status(black_box(Code::NotFound), black_box("Cache miss"))
        })
    });
    group.bench_function("by_hand_set_status", |b| {
        b.iter(|| transaction.set_status(black_box(SpanStatus::NotFound)))
    });
    group.bench_function("by_hand_set_status_and_data", |b| {
        b.iter(|| {
            transaction.set_status(black_box(SpanStatus::NotFound));
            transaction.set_data("sentry.status.code", Value::from(black_box("NOT_FOUND")));
            transaction.set_data(
                "sentry.status.message",
                Value::from(black_box("Cache miss")),
            );
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
