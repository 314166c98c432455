//! Throughput of the whole export pipeline, with and without a status on
//! every span: tracing → `spanstatus::opentelemetry` → tracing-opentelemetry →
//! the SDK's batch processor → opentelemetry-otlp over gRPC → an OTLP
//! receiver in this process (`direct`), and the same through a real `rotel`
//! collector (`rotel`, when `SPANSTATUS_ROTEL` is set). A measurement ends
//! when every span has been delivered, so the export work counts; both
//! variants run interleaved on one pipeline. Everything shares the machine's
//! cores, so the collector's and receiver's work per byte is in the figures.
//!
//! ```sh
//! eval "$(./scripts/python-deps.sh)"
//! cargo bench --features full --bench otlp_pipeline -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_proto::tonic::trace::v1 as proto;
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};
use spanstatus::opentelemetry::code_from_proto_span;
use spanstatus::prelude::*;
use tracing::Dispatch;
use tracing_subscriber::prelude::*;

#[path = "../tests/support/otlp.rs"]
mod otlp;

/// The application side of the pipeline, and where its spans arrive.
struct Pipeline {
    receiver: otlp::Receiver,
    _rotel: Option<otlp::Rotel>,
    provider: SdkTracerProvider,
    dispatch: Dispatch,
}

impl Pipeline {
    /// Through rotel at `rotel` when given, else straight to the receiver.
    fn start(rotel: Option<&PathBuf>) -> Pipeline {
        let receiver = otlp::Receiver::start();
        let rotel = rotel.map(|binary| otlp::Rotel::start(binary, receiver.addr));
        let endpoint = match &rotel {
            Some(rotel) => format!("http://127.0.0.1:{}", rotel.grpc_port),
            None => format!("http://{}", receiver.addr),
        };
        let to = if rotel.is_some() {
            "rotel"
        } else {
            "the receiver"
        };
        eprintln!("otlp_pipeline: exporting over gRPC to {to} at {endpoint}");
        let exporter = {
            // The tonic channel lives on the receiver's runtime.
            let _enter = receiver.runtime.enter();
            opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()
                .expect("OTLP exporter")
        };
        // The queue holds every span of a measurement: the batch processor
        // drops spans when it is full, and a lost span fails the bench.
        let batch = BatchConfigBuilder::default()
            .with_max_queue_size(1 << 20)
            .with_max_export_batch_size(512);
        let provider = SdkTracerProvider::builder()
            .with_span_processor(
                BatchSpanProcessor::builder(exporter)
                    .with_batch_config(batch.build())
                    .build(),
            )
            .build();
        let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"));
        let subscriber = tracing_subscriber::registry()
            .with(spanstatus::tracing::layer())
            .with(spanstatus::opentelemetry::layer(otel));
        Pipeline {
            receiver,
            _rotel: rotel,
            provider,
            dispatch: Dispatch::new(subscriber),
        }
    }

    /// Emits `n` spans and waits until all of them are delivered; returns the
    /// time taken and the spans.
    fn round(&self, n: u64, with_status: bool) -> (Duration, Vec<proto::Span>) {
        let started = Instant::now();
        tracing::dispatcher::with_default(&self.dispatch, || {
            for key in 0..n {
                one_span(with_status, black_box(key));
            }
        });
        self.provider.force_flush().expect("flush");
        let spans = self
            .receiver
            .sink
            .take_at_least(n as usize, Duration::from_secs(60));
        let elapsed = started.elapsed();
        assert_eq!(spans.len() as u64, n, "spans lost or duplicated");
        (elapsed, spans)
    }
}

fn one_span(with_status: bool, key: u64) {
    let span = tracing::info_span!("cache.get", key);
    let _entered = span.enter();
    if with_status {
        span.set_status(Code::NotFound, "Cache miss");
    }
}

/// What arrived carries the status (or none), so both variants did their work.
fn check(spans: &[proto::Span], with_status: bool) {
    for span in spans {
        let code = code_from_proto_span(span).ok();
        assert_eq!(code, with_status.then_some(Code::NotFound), "{span:?}");
    }
}

fn bench(c: &mut Criterion, name: &str, pipeline: &Pipeline) {
    let mut group = c.benchmark_group(format!("otlp_pipeline/{name}"));
    group.throughput(Throughput::Elements(1));
    // Few, long samples: each one ends with a flush and waits for delivery.
    group.sample_size(10);
    for (name, with_status) in [("without_status", false), ("with_status", true)] {
        check(&pipeline.round(100, with_status).1, with_status);
        group.bench_function(name, |b| {
            b.iter_custom(|iters| pipeline.round(iters, with_status).0);
        });
    }
    group.finish();
}

/// Interleaved rounds of both variants, so that machine noise hits both
/// alike; prints the throughput ratio (median of the per-round ratios).
fn ratio(name: &str, pipeline: &Pipeline) {
    let spans_per_round = 50_000;
    let mut ratios = Vec::new();
    let mut best = [Duration::MAX; 2];
    for _ in 0..9 {
        let mut times = [Duration::ZERO; 2];
        for (i, with_status) in [false, true].into_iter().enumerate() {
            let (elapsed, spans) = pipeline.round(spans_per_round, with_status);
            check(&spans, with_status);
            times[i] = elapsed;
            best[i] = best[i].min(elapsed);
        }
        ratios.push(times[0].as_secs_f64() / times[1].as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let per_sec = |d: Duration| spans_per_round as f64 / d.as_secs_f64();
    println!(
        "otlp_pipeline/{name} ratio: without status {:.0} spans/s, with status {:.0} spans/s \
         (best rounds); ratio median {:.3}, quartiles {:.3}..{:.3} over {} rounds (target >= 0.95)",
        per_sec(best[0]),
        per_sec(best[1]),
        ratios[ratios.len() / 2],
        ratios[ratios.len() / 4],
        ratios[ratios.len() * 3 / 4],
        ratios.len()
    );
}

fn main() {
    let rotel = std::env::var_os("SPANSTATUS_ROTEL").map(PathBuf::from);
    if rotel.is_none() {
        eprintln!("otlp_pipeline: SPANSTATUS_ROTEL is unset; measuring without the collector only");
    }
    let mut criterion = Criterion::default().configure_from_args();
    let mut ratios = Vec::new();
    for (name, rotel) in [("direct", None), ("rotel", rotel.as_ref())] {
        if name == "rotel" && rotel.is_none() {
            continue;
        }
        let pipeline = Pipeline::start(rotel);
        bench(&mut criterion, name, &pipeline);
        ratios.push((name, pipeline));
    }
    criterion.final_summary();
    for (name, pipeline) in &ratios {
        ratio(name, pipeline);
        pipeline.provider.shutdown().expect("shutdown");
    }
}
