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
use opentelemetry_proto::tonic::trace::v1 as proto;
use opentelemetry_sdk::trace::BatchConfigBuilder;
use spanstatus::opentelemetry::code_from_proto_span;
use spanstatus::prelude::*;

#[path = "../tests/support/otlp.rs"]
mod otlp;
#[path = "../crates/spanstatus-opentelemetry/benches/support/variant.rs"]
mod variant;
use variant::{VARIANTS, Variant, one_span};

/// The application side of the pipeline, and where its spans arrive.
struct Pipeline {
    receiver: otlp::Receiver,
    _rotel: Option<otlp::Rotel>,
    app: otlp::App,
}

impl Pipeline {
    /// Through rotel at `rotel` when given, else straight to the receiver.
    fn start(rotel: Option<&PathBuf>) -> Pipeline {
        let receiver = otlp::Receiver::start();
        let rotel = rotel.map(|binary| otlp::Rotel::start(binary, receiver.addr));
        let (to, port) = match &rotel {
            Some(rotel) => ("rotel", rotel.grpc_port),
            None => ("the receiver", receiver.addr.port()),
        };
        eprintln!("otlp_pipeline: exporting over gRPC to {to} on port {port}");
        // The queue holds every span of a measurement: the batch processor
        // drops spans when it is full, and a lost span fails the bench.
        let batch = BatchConfigBuilder::default()
            .with_max_queue_size(1 << 20)
            .with_max_export_batch_size(512);
        let app = otlp::App::new(
            &receiver,
            otlp::Transport::Grpc,
            port,
            batch,
            Duration::from_secs(10),
            |layer| layer,
        );
        Pipeline {
            receiver,
            _rotel: rotel,
            app,
        }
    }

    /// Emits `n` spans and waits until all of them are delivered; returns the
    /// time taken and the spans.
    fn round(&self, n: u64, variant: Variant) -> (Duration, Vec<proto::Span>) {
        let started = Instant::now();
        self.app.run(|| {
            for key in 0..n {
                one_span(variant, black_box(key));
            }
        });
        let spans = self
            .app
            .deliver(&self.receiver, n as usize, Duration::from_secs(60));
        let elapsed = started.elapsed();
        assert_eq!(spans.len() as u64, n, "spans lost or duplicated");
        (elapsed, spans)
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
        pipeline.app.provider.shutdown().expect("shutdown");
    }
}
