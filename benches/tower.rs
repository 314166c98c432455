//! The tower layers' cost per request over loopback, against tower-http's
//! `TraceLayer` alone, in one process, as throughput ratios (ours ÷ alone).
//!
//! - alone: a real hyper server with `TraceLayer` (the shipped setup:
//!   `make_span_with(spans::*)`, `on_failure(())`) in front of the handler,
//!   under what a user has without us: tracing → tracing-opentelemetry → SDK
//!   (simple processor, no-op exporter).
//! - ours: the same server with `HttpStatusLayer::server()` (or
//!   `GrpcStatusLayer::server()`) inside `TraceLayer`, under the README's
//!   stack (`spanstatus::tracing::layer()` and the OTel wrapper).
//!
//! A keep-alive hyper client sends the requests, one at a time, on the same
//! thread (a current-thread runtime): HTTP/1 GETs answered 200, 404 and 503
//! in turn; gRPC unary calls over HTTP/2 answered OK, NOT_FOUND and
//! UNAVAILABLE in their trailers. Rounds of each variant are interleaved;
//! the best round of each is kept.
//!
//! ```sh
//! cargo bench --features full --bench tower -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Neither pipeline filters by level, as in the other benches: every TRACE
//! span and event of h2 (hyper's HTTP/2) becomes OpenTelemetry data too,
//! which makes a gRPC call here about six times as long as with a level
//! filter. `SPANSTATUS_TOWER_FILTER=info` puts both pipelines behind a global
//! INFO filter (what a deployment usually has): the same comparison without
//! h2's spans and `TraceLayer`'s DEBUG events.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use http::Request;
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_sdk::trace::SdkTracerProvider;
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer, spans};
use tower::ServiceBuilder;
use tower_http::trace::TraceLayer;
use tracing::Dispatch;

#[path = "../tests/support/hyper.rs"]
mod hyper_support;
#[path = "support/otel.rs"]
mod otel;
#[path = "support/rounds.rs"]
mod rounds;
use hyper_support::{grpc_handler, serve, status_handler as http_handler};
use otel::{otel_ours, otel_plain, provider};
use rounds::Rounds;

/// The two pipelines, as in `benches/support/otel.rs`; with
/// `SPANSTATUS_TOWER_FILTER=info`, both behind a global INFO filter (what a
/// deployment usually has), which drops h2's TRACE spans and events and
/// `TraceLayer`'s DEBUG `on_request` / `on_response` events.
fn pipelines(provider: &SdkTracerProvider) -> (Dispatch, Dispatch) {
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::prelude::*;
    match std::env::var("SPANSTATUS_TOWER_FILTER").as_deref() {
        Err(_) => (otel_plain(provider), otel_ours(provider)),
        Ok("info") => {
            let tracer = || provider.tracer("bench");
            let plain = tracing_subscriber::registry()
                .with(LevelFilter::INFO)
                .with(tracing_opentelemetry::layer().with_tracer(tracer()));
            let ours = tracing_subscriber::registry()
                .with(LevelFilter::INFO)
                .with(spanstatus::tracing::layer())
                .with(spanstatus::opentelemetry::layer(
                    tracing_opentelemetry::layer().with_tracer(tracer()),
                ));
            (Dispatch::new(plain), Dispatch::new(ours))
        }
        Ok(other) => panic!("SPANSTATUS_TOWER_FILTER={other:?}: expected info"),
    }
}

const HTTP_PATHS: [&str; 3] = ["/200", "/404", "/503"];
const GRPC_PATHS: [&str; 3] = ["/0", "/5", "/14"];

/// A client connection: HTTP/1 or HTTP/2.
enum Client {
    Http1(hyper::client::conn::http1::SendRequest<Empty<Bytes>>),
    Http2(hyper::client::conn::http2::SendRequest<Empty<Bytes>>),
}

impl Client {
    async fn connect(addr: std::net::SocketAddr, http2: bool) -> Client {
        let io = TokioIo::new(tokio::net::TcpStream::connect(addr).await.unwrap());
        if http2 {
            let (send, connection) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
                    .await
                    .unwrap();
            tokio::spawn(connection);
            Client::Http2(send)
        } else {
            let (send, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
            tokio::spawn(connection);
            Client::Http1(send)
        }
    }

    async fn get(&mut self, path: &str) {
        let request = Request::get(format!("http://127.0.0.1{path}"))
            .header("content-type", "application/grpc")
            .body(Empty::new())
            .unwrap();
        let response = match self {
            Client::Http1(send) => {
                send.ready().await.unwrap();
                send.send_request(request).await.unwrap()
            }
            Client::Http2(send) => {
                send.ready().await.unwrap();
                send.send_request(request).await.unwrap()
            }
        };
        black_box(response.into_body().collect().await.unwrap());
    }
}

/// One side of a pair: its subscriber, its server's client, its paths.
struct Variant {
    dispatch: Dispatch,
    client: Client,
    paths: &'static [&'static str],
    next: usize,
}

impl Variant {
    fn request(&mut self, runtime: &tokio::runtime::Runtime) {
        let path = self.paths[self.next % self.paths.len()];
        self.next += 1;
        let client = &mut self.client;
        tracing::dispatcher::with_default(&self.dispatch, || runtime.block_on(client.get(path)));
    }
}

struct Pair {
    name: &'static str,
    alone: Variant,
    ours: Variant,
}

fn pairs(runtime: &tokio::runtime::Runtime, provider: &SdkTracerProvider) -> Vec<Pair> {
    let variant = |dispatch: Dispatch, addr, http2, paths| Variant {
        client: tracing::dispatcher::with_default(&dispatch, || {
            runtime.block_on(Client::connect(addr, http2))
        }),
        dispatch,
        paths,
        next: 0,
    };
    let http_trace = || {
        TraceLayer::new_for_http()
            .make_span_with(spans::HTTP_SERVER)
            .on_failure(())
    };
    let grpc_trace = || {
        TraceLayer::new_for_grpc()
            .make_span_with(spans::GRPC_SERVER)
            .on_failure(())
    };
    let (http_alone, http_ours, grpc_alone, grpc_ours) = runtime.block_on(async {
        (
            serve(move || {
                ServiceBuilder::new()
                    .layer(http_trace())
                    .service_fn(http_handler)
            })
            .await,
            serve(move || {
                ServiceBuilder::new()
                    .layer(http_trace())
                    .layer(HttpStatusLayer::server())
                    .service_fn(http_handler)
            })
            .await,
            serve(move || {
                ServiceBuilder::new()
                    .layer(grpc_trace())
                    .service_fn(grpc_handler)
            })
            .await,
            serve(move || {
                ServiceBuilder::new()
                    .layer(grpc_trace())
                    .layer(GrpcStatusLayer::server())
                    .service_fn(grpc_handler)
            })
            .await,
        )
    });
    // A subscriber of its own for each variant.
    let ((http_plain, http_stack), (grpc_plain, grpc_stack)) =
        (pipelines(provider), pipelines(provider));
    vec![
        Pair {
            name: "HTTP/1 GET (200, 404, 503)",
            alone: variant(http_plain, http_alone, false, &HTTP_PATHS),
            ours: variant(http_stack, http_ours, false, &HTTP_PATHS),
        },
        Pair {
            name: "gRPC unary over HTTP/2 (OK, NOT_FOUND, UNAVAILABLE)",
            alone: variant(grpc_plain, grpc_alone, true, &GRPC_PATHS),
            ours: variant(grpc_stack, grpc_ours, true, &GRPC_PATHS),
        },
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Criterion times of each variant, for the record.
fn bench(c: &mut Criterion) {
    let runtime = runtime();
    let provider = provider();
    let mut group = c.benchmark_group("tower");
    for mut pair in pairs(&runtime, &provider) {
        group.bench_function(format!("{} / TraceLayer alone", pair.name), |b| {
            b.iter(|| pair.alone.request(&runtime))
        });
        group.bench_function(format!("{} / + our layer", pair.name), |b| {
            b.iter(|| pair.ours.request(&runtime))
        });
    }
    group.finish();
}

/// Interleaved rounds; prints ours ÷ alone throughput for each pair.
fn ratios() {
    let runtime = runtime();
    let provider = provider();
    let mut pairs = pairs(&runtime, &provider);
    let (requests, rounds) = (2_000, 15);
    let time = |variant: &mut Variant| {
        let started = Instant::now();
        for _ in 0..requests {
            variant.request(&runtime);
        }
        started.elapsed()
    };
    let mut all: Vec<Rounds> = pairs.iter().map(|_| Rounds::default()).collect();
    for _ in 0..rounds {
        for (pair, rounds) in pairs.iter_mut().zip(&mut all) {
            let alone = time(&mut pair.alone);
            rounds.push(alone, time(&mut pair.ours));
        }
    }
    println!(
        "\nrequests/s, ours ÷ TraceLayer alone (best of {rounds} interleaved rounds of {requests}; \
         the median of the rounds' own ratios in brackets):"
    );
    for (pair, rounds) in pairs.iter().zip(all) {
        let (alone, ours) = rounds.best();
        let per_s = |d: Duration| requests as f64 / d.as_secs_f64();
        println!(
            "  {:<52} {:.3} [{:.3}] (goal >= 0.97)   alone {:.0}/s, ours {:.0}/s",
            pair.name,
            rounds.best_ratio(),
            rounds.median_ratio(),
            per_s(alone),
            per_s(ours)
        );
    }
}

/// `alone`: `TraceLayer` alone under the plain pipeline; `layer`: with
/// `HttpStatusLayer::server()` inside, same pipeline; `ours`: with the layer,
/// under the README's stack.
fn in_process(side: &str) {
    use tower::{Layer, Service, ServiceExt};
    type Empty = http_body_util::Empty<Bytes>;
    async fn not_found(
        _: Request<Empty>,
    ) -> Result<http::Response<Full<Bytes>>, std::convert::Infallible> {
        let mut response = http::Response::new(Full::new(Bytes::from_static(b"no")));
        *response.status_mut() = http::StatusCode::NOT_FOUND;
        Ok(response)
    }
    fn requests<S, B>(mut service: S)
    where
        S: Service<Request<Empty>, Response = http::Response<B>>,
        S::Error: std::fmt::Debug,
        B: http_body::Body,
        B::Error: std::fmt::Debug,
    {
        let runtime = runtime();
        for _ in 0..10_000 {
            runtime.block_on(async {
                let response = service
                    .ready()
                    .await
                    .unwrap()
                    .call(Request::new(Empty::new()))
                    .await
                    .unwrap();
                black_box(response.into_body().collect().await.unwrap());
            });
        }
    }
    let provider = provider();
    let dispatch = match side {
        "alone" | "layer" => otel_plain(&provider),
        "ours" => otel_ours(&provider),
        other => panic!("SPANSTATUS_TOWER_INPROC={other:?}: expected alone, layer or ours"),
    };
    let trace = TraceLayer::new_for_http()
        .make_span_with(spans::HTTP_SERVER)
        .on_failure(());
    tracing::dispatcher::with_default(&dispatch, || {
        if side == "alone" {
            requests(trace.layer(tower::service_fn(not_found)));
        } else {
            requests(trace.layer(HttpStatusLayer::server().layer(tower::service_fn(not_found))));
        }
    });
}

criterion_group!(benches, bench);

fn main() {
    // `SPANSTATUS_TOWER_INPROC=alone|layer|ours`: 10 000 404s through
    // `TraceLayer` in-process, no sockets, for `valgrind --tool=callgrind`
    // (instruction counts are repeatable there, not over loopback).
    if let Ok(side) = std::env::var("SPANSTATUS_TOWER_INPROC") {
        in_process(&side);
        return;
    }
    // `SPANSTATUS_TOWER_PROFILE=alone|ours` (HTTP) or `grpc-alone|grpc-ours`:
    // only requests of that pair and side for a few seconds, for `perf record`.
    if let Ok(side) = std::env::var("SPANSTATUS_TOWER_PROFILE") {
        let runtime = runtime();
        let provider = provider();
        let (pair, side) = match side.strip_prefix("grpc-") {
            Some(side) => (1, side),
            None => (0, side.as_str()),
        };
        let mut pair = pairs(&runtime, &provider).swap_remove(pair);
        let variant = match side {
            "alone" => &mut pair.alone,
            "ours" => &mut pair.ours,
            other => panic!(
                "SPANSTATUS_TOWER_PROFILE={other:?}: expected alone, ours, grpc-alone or grpc-ours"
            ),
        };
        let requests: usize = std::env::var("SPANSTATUS_TOWER_REQUESTS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(150_000);
        for _ in 0..requests {
            variant.request(&runtime);
        }
        return;
    }
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    ratios();
}
