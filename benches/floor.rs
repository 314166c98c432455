//! The cost floor: what spanstatus adds to the pipelines a user has without
//! it, in one process, as throughput ratios (ours ÷ plain; 1.0 = free).
//!
//! - OpenTelemetry: plain = tracing → tracing-opentelemetry → SDK (simple
//!   processor, no-op exporter); ours = the README stack, with
//!   `spanstatus::tracing::fmt_layer()` and the OTel wrapper. By hand = the plain
//!   pipeline with the same data written through `OpenTelemetrySpanExt`.
//! - fmt only: plain = registry + fmt; ours = + `spanstatus::tracing::fmt_layer()`.
//! - Sentry: plain = sentry-tracing's `SpanLayer`; ours = our wrapper around it.
//!
//! Every span is an entered `cache.get` span. Rounds of each variant are
//! interleaved so that the machine's noise hits them alike; the best round of
//! each is kept.
//!
//! ```sh
//! cargo bench --features full --bench floor -- --warm-up-time 1 --measurement-time 2
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use opentelemetry::trace::Status as OtelStatus;
use opentelemetry_sdk::trace::SdkTracerProvider;
use spanstatus::prelude::*;
use tracing::Dispatch;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::prelude::*;

#[path = "support/otel.rs"]
mod otel;
#[path = "support/rounds.rs"]
mod rounds;
use otel::{otel_ours, otel_plain, provider};
use rounds::Rounds;

/// A Sentry transport that drops what it is given.
struct DropEnvelopes;

impl sentry::Transport for DropEnvelopes {
    fn send_envelope(&self, envelope: sentry::Envelope) {
        black_box(envelope);
    }
}

impl sentry::TransportFactory for DropEnvelopes {
    fn create_transport(&self, _: &sentry::ClientOptions) -> Arc<dyn sentry::Transport> {
        Arc::new(DropEnvelopes)
    }
}

fn fmt_plain() -> Dispatch {
    Dispatch::new(
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink)),
    )
}

fn fmt_ours() -> Dispatch {
    Dispatch::new(
        tracing_subscriber::registry()
            .with(spanstatus::tracing::fmt_layer())
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink)),
    )
}

fn sentry_plain() -> Dispatch {
    Dispatch::new(
        tracing_subscriber::registry().with(spanstatus::sentry::sentry_tracing::SpanLayer::new()),
    )
}

fn sentry_ours() -> Dispatch {
    Dispatch::new(tracing_subscriber::registry().with(spanstatus::sentry::span_layer()))
}

/// What each span does.
#[derive(Clone, Copy)]
enum Work {
    /// No status.
    Nothing,
    /// No status, on a span that declares `rpc.system`.
    RpcNothing,
    /// OK through our API.
    Ok,
    /// OK by hand: `OpenTelemetrySpanExt::set_status(Ok)`.
    OkByHand,
    /// NOT_FOUND through our API, on a span of type Other.
    Error,
    /// The same data by hand: `Error("Cache miss")` and `error.type`.
    ErrorByHand,
    /// NOT_FOUND through our API, on a span that declares `rpc.system`.
    RpcError,
    /// The same data by hand: status, `error.type` and `rpc.response.status_code`.
    RpcErrorByHand,
}

#[inline(never)]
fn one_span(work: Work, key: u64) {
    match work {
        Work::Nothing | Work::Ok | Work::OkByHand | Work::Error | Work::ErrorByHand => {
            let span = tracing::info_span!("cache.get", key);
            let _entered = span.enter();
            match work {
                Work::Ok => span.set_canonical_code(Code::Ok),
                Work::OkByHand => OpenTelemetrySpanExt::set_status(&span, OtelStatus::Ok),
                Work::Error => span.set_canonical_status(Code::NotFound, "Cache miss"),
                Work::ErrorByHand => {
                    OpenTelemetrySpanExt::set_status(&span, OtelStatus::error("Cache miss"));
                    span.set_attribute("error.type", "NOT_FOUND");
                }
                _ => {}
            }
        }
        Work::RpcNothing | Work::RpcError | Work::RpcErrorByHand => {
            let span = tracing::info_span!("cache.get", key, rpc.system = "grpc");
            let _entered = span.enter();
            match work {
                Work::RpcError => span.set_canonical_status(Code::NotFound, "Cache miss"),
                Work::RpcErrorByHand => {
                    OpenTelemetrySpanExt::set_status(&span, OtelStatus::error("Cache miss"));
                    span.set_attribute("error.type", "NOT_FOUND");
                    span.set_attribute("rpc.response.status_code", "NOT_FOUND");
                }
                _ => {}
            }
        }
    }
}

/// One comparison: `ours` against `plain`, each a pipeline and a workload.
struct Pair {
    name: &'static str,
    goal: f64,
    plain: (Dispatch, Work),
    ours: (Dispatch, Work),
}

fn pairs(provider: &SdkTracerProvider) -> Vec<Pair> {
    let (plain, ours) = (otel_plain(provider), otel_ours(provider));
    let pair = |name, goal, plain_work, ours_work, plain: &Dispatch, ours: &Dispatch| Pair {
        name,
        goal,
        plain: (plain.clone(), plain_work),
        ours: (ours.clone(), ours_work),
    };
    vec![
        pair(
            "otel: installed, no status",
            0.99,
            Work::Nothing,
            Work::Nothing,
            &plain,
            &ours,
        ),
        pair("otel: OK", 0.95, Work::Nothing, Work::Ok, &plain, &ours),
        pair(
            "otel: OK by hand (peer)",
            f64::NAN,
            Work::Nothing,
            Work::OkByHand,
            &plain,
            &plain,
        ),
        pair(
            "otel: error, Other",
            0.90,
            Work::Nothing,
            Work::Error,
            &plain,
            &ours,
        ),
        pair(
            "otel: error by hand (peer)",
            f64::NAN,
            Work::Nothing,
            Work::ErrorByHand,
            &plain,
            &plain,
        ),
        pair(
            "otel: error, RPC",
            0.88,
            Work::RpcNothing,
            Work::RpcError,
            &plain,
            &ours,
        ),
        pair(
            "otel: RPC error by hand (peer)",
            f64::NAN,
            Work::RpcNothing,
            Work::RpcErrorByHand,
            &plain,
            &plain,
        ),
        pair(
            "fmt only: installed, no status",
            0.99,
            Work::Nothing,
            Work::Nothing,
            &fmt_plain(),
            &fmt_ours(),
        ),
        pair(
            "sentry: installed, no status",
            0.99,
            Work::Nothing,
            Work::Nothing,
            &sentry_plain(),
            &sentry_ours(),
        ),
    ]
}

fn run(dispatch: &Dispatch, work: Work, spans: u64) -> Duration {
    tracing::dispatcher::with_default(dispatch, || {
        let started = Instant::now();
        for key in 0..spans {
            one_span(work, black_box(key));
        }
        started.elapsed()
    })
}

/// Criterion times of each variant, for the record.
fn bench(c: &mut Criterion) {
    let provider = provider();
    let mut group = c.benchmark_group("floor");
    for pair in pairs(&provider) {
        for (side, (dispatch, work)) in [("plain", &pair.plain), ("ours", &pair.ours)] {
            group.bench_function(format!("{} / {side}", pair.name), |b| {
                tracing::dispatcher::with_default(dispatch, || {
                    let mut key = 0;
                    b.iter(|| {
                        key += 1;
                        one_span(*work, black_box(key));
                    })
                })
            });
        }
    }
    group.finish();
}

/// Interleaved rounds; prints ours ÷ plain throughput for each pair.
fn ratios() {
    let provider = provider();
    let pairs = pairs(&provider);
    let spans = 20_000;
    let rounds = 15;
    let mut all: Vec<Rounds> = pairs.iter().map(|_| Rounds::default()).collect();
    for _ in 0..rounds {
        for (pair, rounds) in pairs.iter().zip(&mut all) {
            let plain = run(&pair.plain.0, pair.plain.1, spans);
            rounds.push(plain, run(&pair.ours.0, pair.ours.1, spans));
        }
    }
    println!(
        "\nthroughput, ours ÷ plain (best of {rounds} interleaved rounds of {spans} spans; \
         the median of the rounds' own ratios in brackets):"
    );
    for (pair, rounds) in pairs.iter().zip(all) {
        let (plain, ours) = rounds.best();
        let ratio = rounds.best_ratio();
        let median = rounds.median_ratio();
        let per_span = |d: Duration| d.as_nanos() as f64 / spans as f64;
        let goal = if pair.goal.is_nan() {
            String::new()
        } else {
            format!(" (goal >= {:.2})", pair.goal)
        };
        println!(
            "  {:<34} {ratio:.3} [{median:.3}]{goal}   plain {:.0} ns, ours {:.0} ns per span",
            pair.name,
            per_span(plain),
            per_span(ours)
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    // `SPANSTATUS_FLOOR_PROFILE=error` (or `ok`, `none`, `rpc`, and `ok-by-hand`,
    // `error-by-hand`, `rpc-by-hand`, `rpc-none`): only run that workload on our
    // OTel stack (`SPANSTATUS_FLOOR_PIPELINE=plain`: the plain pipeline) for
    // `SPANSTATUS_FLOOR_SPANS` spans (default 3 000 000), for `perf record` or
    // `valgrind --tool=callgrind`, whose instruction counts do not vary with
    // the machine's load.
    if let Ok(work) = std::env::var("SPANSTATUS_FLOOR_PROFILE") {
        let work = match work.as_str() {
            "none" => Work::Nothing,
            "rpc-none" => Work::RpcNothing,
            "ok" => Work::Ok,
            "ok-by-hand" => Work::OkByHand,
            "error" => Work::Error,
            "error-by-hand" => Work::ErrorByHand,
            "rpc" => Work::RpcError,
            "rpc-by-hand" => Work::RpcErrorByHand,
            other => panic!(
                "SPANSTATUS_FLOOR_PROFILE={other:?}: expected none, rpc-none, ok, ok-by-hand, \
                 error, error-by-hand, rpc or rpc-by-hand"
            ),
        };
        let spans = std::env::var("SPANSTATUS_FLOOR_SPANS")
            .map(|n| n.parse().expect("SPANSTATUS_FLOOR_SPANS: a number"))
            .unwrap_or(3_000_000);
        let provider = provider();
        let pipeline = match std::env::var("SPANSTATUS_FLOOR_PIPELINE").as_deref() {
            Err(_) | Ok("ours") => otel_ours(&provider),
            Ok("plain") => otel_plain(&provider),
            Ok(other) => panic!("SPANSTATUS_FLOOR_PIPELINE={other:?}: expected ours or plain"),
        };
        run(&pipeline, work, spans);
        return;
    }
    // sentry-tracing's spans need a bound client that samples them; the
    // transport drops every envelope (one that kept them would slow each
    // round down as it grows).
    let options = sentry::ClientOptions::new()
        .dsn("https://public@sentry.invalid/1")
        .transport(Arc::new(DropEnvelopes))
        .traces_sample_rate(1.0);
    sentry::Hub::current().bind_client(Some(Arc::new(options.into())));
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios();
}
