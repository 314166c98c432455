//! Throughput of the whole in-process pipeline (tracing → StatusLayer →
//! tracing-opentelemetry → SDK → a no-op exporter), with and without a status
//! set on every span, and with the same status and attributes set by hand
//! through tracing-opentelemetry's own `OpenTelemetrySpanExt` (the peer).
//! All variants run in the same process on the same pipeline; the target is
//! `with_status >= 0.95 × without_status`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use opentelemetry::trace::TracerProvider;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use spanstatus_core::Code;
use spanstatus_tracing::SpanStatusExt;
use tracing::Dispatch;
use tracing_subscriber::prelude::*;

/// The cheapest exporter: drops every batch.
#[derive(Debug)]
struct NoopExporter;

impl SpanExporter for NoopExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        black_box(batch);
        Ok(())
    }
}

fn pipeline() -> (SdkTracerProvider, Dispatch) {
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(NoopExporter)
        .build();
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"));
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus_tracing::layer())
        .with(spanstatus_opentelemetry::layer(otel));
    (provider, Dispatch::new(subscriber))
}

/// The same pipeline without our bridge: the status is recorded by
/// spanstatus-tracing but never reaches the OTel span. For the breakdown only.
fn without_bridge() -> (SdkTracerProvider, Dispatch) {
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(NoopExporter)
        .build();
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"));
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus_tracing::layer())
        .with(otel);
    (provider, Dispatch::new(subscriber))
}

#[derive(Clone, Copy)]
enum Variant {
    WithoutStatus,
    /// `SpanStatusExt::set_status`, exported by our layer.
    WithStatus,
    /// What a user writes without this crate to export the same thing.
    ByHand,
}

fn one_span(variant: Variant, key: u64) {
    let span = tracing::info_span!("cache.get", key);
    let _entered = span.enter();
    match variant {
        Variant::WithoutStatus => {}
        Variant::WithStatus => {
            span.set_status(Code::NotFound, "Cache miss");
        }
        Variant::ByHand => {
            use tracing_opentelemetry::OpenTelemetrySpanExt;
            OpenTelemetrySpanExt::set_status(
                &span,
                opentelemetry::trace::Status::error("Cache miss"),
            );
            span.set_attribute(
                spanstatus_opentelemetry::keys::RPC_RESPONSE_STATUS_CODE,
                "NOT_FOUND",
            );
            span.set_attribute(spanstatus_opentelemetry::keys::ERROR_TYPE, "NOT_FOUND");
        }
    }
}

fn bench(c: &mut Criterion) {
    let (_provider, dispatch) = pipeline();
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(1));
    for (name, variant) in [
        ("without_status", Variant::WithoutStatus),
        ("with_status", Variant::WithStatus),
        ("by_hand", Variant::ByHand),
    ] {
        group.bench_function(name, |b| {
            tracing::dispatcher::with_default(&dispatch, || {
                let mut key = 0;
                b.iter(|| {
                    key += 1;
                    one_span(variant, black_box(key));
                });
            });
        });
    }
    group.finish();
}

/// Interleaved rounds of both variants, so that machine noise hits both
/// alike; prints the throughput ratio.
fn ratio() {
    let spans_per_round = 20_000;
    let per_sec = |d: Duration| spans_per_round as f64 / d.as_secs_f64();
    for (label, (_provider, dispatch)) in [
        ("pipeline", pipeline()),
        ("without bridge", without_bridge()),
    ] {
        let mut best = [Duration::MAX; 3];
        let variants = [Variant::WithoutStatus, Variant::WithStatus, Variant::ByHand];
        tracing::dispatcher::with_default(&dispatch, || {
            for _ in 0..15 {
                for (i, variant) in variants.into_iter().enumerate() {
                    let started = Instant::now();
                    for key in 0..spans_per_round {
                        one_span(variant, black_box(key));
                    }
                    best[i] = best[i].min(started.elapsed());
                }
            }
        });
        let [without, with, by_hand] = best.map(per_sec);
        println!(
            "{label}: without status {without:.0} spans/s, with status {with:.0} spans/s, \
             by hand {by_hand:.0} spans/s; with/without {:.3} (target >= 0.95), with/by hand {:.3}",
            with / without,
            with / by_hand
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratio();
}
