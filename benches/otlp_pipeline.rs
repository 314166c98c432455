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
use opentelemetry::trace::{Status, TracerProvider as _};
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
    fn round(&self, n: u64, variant: Variant) -> (Duration, Vec<proto::Span>) {
        let started = Instant::now();
        tracing::dispatcher::with_default(&self.dispatch, || {
            for key in 0..n {
                one_span(variant, black_box(key));
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

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    WithoutStatus,
    /// `SpanStatusExt::set_status`, exported by our layer.
    WithStatus,
    /// The same status and attributes set by hand with tracing-opentelemetry's
    /// `OpenTelemetrySpanExt`: the peer, exporting the same bytes.
    ByHand,
}

const VARIANTS: [(&str, Variant); 3] = [
    ("without_status", Variant::WithoutStatus),
    ("with_status", Variant::WithStatus),
    ("by_hand", Variant::ByHand),
];

fn one_span(variant: Variant, key: u64) {
    let span = tracing::info_span!("cache.get", key);
    let _entered = span.enter();
    match variant {
        Variant::WithoutStatus => {}
        Variant::WithStatus => {
            span.set_status(Code::NotFound, "Cache miss");
        }
        Variant::ByHand => {
            use spanstatus::opentelemetry::keys;
            use tracing_opentelemetry::OpenTelemetrySpanExt;
            OpenTelemetrySpanExt::set_status(&span, Status::error("Cache miss"));
            span.set_attribute(keys::RPC_RESPONSE_STATUS_CODE, "NOT_FOUND");
            span.set_attribute(keys::ERROR_TYPE, "NOT_FOUND");
        }
    }
}

/// What arrived carries the status (or none), so every variant did its work.
fn check(spans: &[proto::Span], variant: Variant) {
    let expected = (variant != Variant::WithoutStatus).then_some(Code::NotFound);
    for span in spans {
        assert_eq!(code_from_proto_span(span).ok(), expected, "{span:?}");
    }
}

fn bench(c: &mut Criterion, name: &str, pipeline: &Pipeline) {
    let mut group = c.benchmark_group(format!("otlp_pipeline/{name}"));
    group.throughput(Throughput::Elements(1));
    // Few, long samples: each one ends with a flush and waits for delivery.
    group.sample_size(10);
    for (name, variant) in VARIANTS {
        check(&pipeline.round(100, variant).1, variant);
        group.bench_function(name, |b| {
            b.iter_custom(|iters| pipeline.round(iters, variant).0);
        });
    }
    group.finish();
}

/// Interleaved rounds of the variants, so that machine noise hits them
/// alike; prints the throughput ratios (medians of the per-round ratios).
fn ratio(name: &str, pipeline: &Pipeline) {
    let spans_per_round = 50_000;
    let (mut vs_without, mut vs_by_hand) = (Vec::new(), Vec::new());
    let mut best = [Duration::MAX; 3];
    for _ in 0..9 {
        let mut times = [Duration::ZERO; 3];
        for (i, (_, variant)) in VARIANTS.into_iter().enumerate() {
            let (elapsed, spans) = pipeline.round(spans_per_round, variant);
            check(&spans, variant);
            times[i] = elapsed;
            best[i] = best[i].min(elapsed);
        }
        // Throughput ratios: with status ÷ the other.
        vs_without.push(times[0].as_secs_f64() / times[1].as_secs_f64());
        vs_by_hand.push(times[2].as_secs_f64() / times[1].as_secs_f64());
    }
    let summary = |ratios: &mut Vec<f64>| {
        ratios.sort_by(f64::total_cmp);
        let n = ratios.len();
        format!(
            "median {:.3} (quartiles {:.3}..{:.3})",
            ratios[n / 2],
            ratios[n / 4],
            ratios[n * 3 / 4]
        )
    };
    let [without, with, by_hand] = best.map(|d| spans_per_round as f64 / d.as_secs_f64());
    println!(
        "otlp_pipeline/{name}: best rounds without status {without:.0} spans/s, with status \
         {with:.0}, by hand {by_hand:.0}; over {} rounds with/without {} (target >= 0.95), \
         with/by hand {}",
        vs_without.len(),
        summary(&mut vs_without),
        summary(&mut vs_by_hand)
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
