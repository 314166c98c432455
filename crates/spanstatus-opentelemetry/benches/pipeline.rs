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
use tracing::Dispatch;
use tracing_subscriber::prelude::*;

#[path = "support/variant.rs"]
mod variant;
use variant::{VARIANTS, one_span};

/// The cheapest exporter: drops every batch.
#[derive(Debug)]
struct NoopExporter;

impl SpanExporter for NoopExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        black_box(batch);
        Ok(())
    }
}

/// The pipeline, with our bridge around tracing-opentelemetry's layer, or
/// without it (the status is kept by spanstatus-tracing but never reaches the
/// OTel span: for the breakdown only).
fn pipeline(bridge: bool) -> (SdkTracerProvider, Dispatch) {
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(NoopExporter)
        .build();
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"));
    let registry = tracing_subscriber::registry().with(spanstatus_tracing::fmt_layer());
    let dispatch = if bridge {
        Dispatch::new(registry.with(spanstatus_opentelemetry::layer(otel)))
    } else {
        Dispatch::new(registry.with(otel))
    };
    (provider, dispatch)
}

fn bench(c: &mut Criterion) {
    let (_provider, dispatch) = pipeline(true);
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(1));
    for (name, variant) in VARIANTS {
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

/// Interleaved rounds of the variants, so that machine noise hits them
/// alike; prints the throughput ratio.
fn ratio() {
    let spans_per_round = 20_000;
    let per_sec = |d: Duration| spans_per_round as f64 / d.as_secs_f64();
    for (label, (_provider, dispatch)) in [
        ("pipeline", pipeline(true)),
        ("without bridge", pipeline(false)),
    ] {
        let mut best = [Duration::MAX; 3];
        tracing::dispatcher::with_default(&dispatch, || {
            for _ in 0..15 {
                for (i, (_, variant)) in VARIANTS.into_iter().enumerate() {
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
