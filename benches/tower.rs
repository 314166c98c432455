//! The tower layers' cost per request over loopback, against tower-http's
//! `TraceLayer` alone, in one process, as throughput ratios (each variant ÷
//! alone).
//!
//! - alone: a real hyper server with `TraceLayer` (the shipped setup:
//!   `make_span_with(spans::*)`, `on_failure(())`) in front of the handler,
//!   under what a user has without us: tracing → tracing-opentelemetry → SDK
//!   (simple processor, no-op exporter).
//! - by hand: `TraceLayer` alone, its callbacks recording the same
//!   OpenTelemetry status and attributes by hand ([`by_hand`]), same
//!   pipeline: that data through tracing-opentelemetry's record path.
//! - ours: the same server with `HttpStatusLayer::server()` (or
//!   `GrpcStatusLayer::server()`) inside `TraceLayer`, under the README's
//!   stack (`spanstatus::tracing::fmt_layer()` and the OTel wrapper).
//!
//! A keep-alive hyper client sends the requests, one at a time, on the same
//! thread (a current-thread runtime): HTTP/1 GETs answered 200, 404 and 503
//! in turn; gRPC unary calls over HTTP/2 answered OK, NOT_FOUND and
//! UNAVAILABLE in their trailers. Rounds of each variant are interleaved;
//! the best round of each is kept. `scripts/tower-instructions.sh` counts
//! each variant's instructions under callgrind, which timing cannot match for
//! repeatability.
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
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer, spans, trace};
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
                .with(spanstatus::tracing::fmt_layer())
                .with(spanstatus::opentelemetry::layer(
                    tracing_opentelemetry::layer().with_tracer(tracer()),
                ));
            (Dispatch::new(plain), Dispatch::new(ours))
        }
        Ok(other) => panic!("SPANSTATUS_TOWER_FILTER={other:?}: expected info"),
    }
}

/// What a user writes without us to get the OpenTelemetry data ours exports
/// for these responses (no `sentry.*` attribute, as `spans::*` export none):
/// spans that declare the fields, and `TraceLayer`
/// callbacks that record them by hand with the server's semantic-convention
/// rules (a 4xx stays `Unset`; gRPC: the six server-error codes are errors),
/// one `record` per value. No status in tracing or Sentry, no classifier, no
/// cancellation, no strict parsing: the same data through
/// tracing-opentelemetry's record path, at its least.
mod by_hand {
    use std::time::Duration;

    use http::{HeaderMap, Request, Response};
    use spanstatus::Code;
    use tower_http::trace::{DefaultOnEos, DefaultOnResponse, OnEos, OnResponse};
    use tracing::Span;
    use tracing::field::Empty;

    pub fn http_span<B>(request: &Request<B>) -> Span {
        let method = request.method().as_str();
        let path = request.uri().path();
        tracing::info_span!(
            "HTTP request",
            otel.kind = "server",
            otel.name = method,
            http.request.method = method,
            url.path = path,
            http.response.status_code = Empty,
            error.type = Empty,
            otel.status_code = Empty,
        )
    }

    pub fn http_response<B>(response: &Response<B>, latency: Duration, span: &Span) {
        DefaultOnResponse::new().on_response(response, latency, span);
        let status = response.status();
        // An i64: tracing-opentelemetry formats a u64 (or u16) as a string.
        span.record("http.response.status_code", i64::from(status.as_u16()));
        if status.is_server_error() {
            span.record("error.type", status.as_str());
            // `Error` with no description, as ours exports an HTTP status.
            span.record("otel.status_code", "error");
        }
    }

    pub fn grpc_span<B>(request: &Request<B>) -> Span {
        let path = request.uri().path();
        tracing::info_span!(
            "gRPC call",
            otel.kind = "server",
            otel.name = path,
            rpc.system = "grpc",
            url.path = path,
            rpc.response.status_code = Empty,
            error.type = Empty,
            otel.status_description = Empty,
        )
    }

    pub fn grpc_eos(trailers: Option<&HeaderMap>, latency: Duration, span: &Span) {
        DefaultOnEos::new().on_eos(trailers, latency, span);
        let header = |name| {
            trailers
                .and_then(|t| t.get(name))
                .map(|v| v.to_str().unwrap_or(""))
        };
        let code = header("grpc-status")
            .and_then(|s| s.parse().ok())
            .and_then(Code::from_i32)
            .unwrap_or(Code::Unknown);
        span.record("rpc.response.status_code", code.as_str());
        if code.is_server_error() {
            span.record("error.type", code.as_str());
            // A description alone makes the status `Error` with it; the
            // message stays percent-encoded (ours decodes it).
            span.record(
                "otel.status_description",
                header("grpc-message").unwrap_or(""),
            );
        }
    }
}

const HTTP_PATHS: [&str; 3] = ["/200", "/404", "/503"];
const GRPC_PATHS: [&str; 3] = ["/0", "/5", "/14"];

/// A client connection: HTTP/1 or HTTP/2; or hyper-util's legacy `Client`
/// (a pool of keep-alive connections), to `addr`.
enum Client {
    Http1(hyper::client::conn::http1::SendRequest<Empty<Bytes>>),
    Http2(hyper::client::conn::http2::SendRequest<Empty<Bytes>>),
    // Boxed: the pool is ten times the size of a connection's sender.
    Legacy(
        Box<
            hyper_util::client::legacy::Client<
                hyper_util::client::legacy::connect::HttpConnector,
                Empty<Bytes>,
            >,
        >,
        std::net::SocketAddr,
    ),
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

    fn legacy(addr: std::net::SocketAddr) -> Client {
        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http();
        Client::Legacy(Box::new(client), addr)
    }

    async fn get(&mut self, path: &str) {
        if let Client::Legacy(client, addr) = self {
            let request = Request::get(format!("http://{addr}{path}"))
                .body(Empty::new())
                .unwrap();
            let response = client.request(request).await.unwrap();
            black_box(response.into_body().collect().await.unwrap());
            return;
        }
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
            Client::Legacy(..) => unreachable!("sent above"),
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
    by_hand: Variant,
    ours: Variant,
}

/// The gRPC server of the by-hand variants (pairs and peers).
async fn serve_grpc_by_hand() -> std::net::SocketAddr {
    serve(move || {
        ServiceBuilder::new()
            .layer(
                TraceLayer::new_for_grpc()
                    .make_span_with(by_hand::grpc_span)
                    .on_eos(by_hand::grpc_eos)
                    .on_failure(()),
            )
            .service_fn(grpc_handler)
    })
    .await
}

/// The gRPC server of ours, the documented setup (pairs and peers).
async fn serve_grpc_ours() -> std::net::SocketAddr {
    serve(move || {
        ServiceBuilder::new()
            .layer(trace::grpc_server())
            .layer(GrpcStatusLayer::server())
            .service_fn(grpc_handler)
    })
    .await
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
    let (http_alone, http_by_hand, http_ours) = runtime.block_on(async {
        (
            serve(move || {
                ServiceBuilder::new()
                    .layer(http_trace())
                    .service_fn(http_handler)
            })
            .await,
            serve(move || {
                ServiceBuilder::new()
                    .layer(
                        TraceLayer::new_for_http()
                            .make_span_with(by_hand::http_span)
                            .on_response(by_hand::http_response)
                            .on_failure(()),
                    )
                    .service_fn(http_handler)
            })
            .await,
            serve(move || {
                ServiceBuilder::new()
                    .layer(trace::http_server())
                    .layer(HttpStatusLayer::server())
                    .service_fn(http_handler)
            })
            .await,
        )
    });
    let (grpc_alone, grpc_by_hand, grpc_ours) = runtime.block_on(async {
        (
            serve(move || {
                ServiceBuilder::new()
                    .layer(grpc_trace())
                    .service_fn(grpc_handler)
            })
            .await,
            serve_grpc_by_hand().await,
            serve_grpc_ours().await,
        )
    });
    // A subscriber of its own for each variant.
    let ((http_plain, http_stack), (grpc_plain, grpc_stack)) =
        (pipelines(provider), pipelines(provider));
    let (http_by_hand_plain, grpc_by_hand_plain) = (pipelines(provider).0, pipelines(provider).0);
    vec![
        Pair {
            name: "HTTP/1 GET (200, 404, 503)",
            alone: variant(http_plain, http_alone, false, &HTTP_PATHS),
            by_hand: variant(http_by_hand_plain, http_by_hand, false, &HTTP_PATHS),
            ours: variant(http_stack, http_ours, false, &HTTP_PATHS),
        },
        Pair {
            name: "gRPC unary over HTTP/2 (OK, NOT_FOUND, UNAVAILABLE)",
            alone: variant(grpc_plain, grpc_alone, true, &GRPC_PATHS),
            by_hand: variant(grpc_by_hand_plain, grpc_by_hand, true, &GRPC_PATHS),
            ours: variant(grpc_stack, grpc_ours, true, &GRPC_PATHS),
        },
    ]
}

/// The stacks users pick instead, each beside ours on the same server and
/// client: `peer` is axum-tracing-opentelemetry's `OtelAxumLayer` (an axum
/// 0.8 router, hyper-util's legacy client) or tonic-tracing-opentelemetry's
/// `OtelGrpcLayer` (the gRPC handler above, a hyper HTTP/2 client), under
/// the plain pipeline; `by_hand` the `TraceLayer` callbacks of [`by_hand`],
/// plain pipeline; `ours` the documented setup (`trace::*_server()`, the
/// status layer) under the README's stack. Each exports what it exports
/// today.
struct Peers {
    name: &'static str,
    peer: Variant,
    by_hand: Variant,
    ours: Variant,
}

/// `/{status}` on an axum router, answered with that status.
fn axum_router() -> axum::Router {
    async fn status(
        axum::extract::Path(status): axum::extract::Path<u16>,
    ) -> http::Response<Full<Bytes>> {
        let mut response = http::Response::new(Full::new(Bytes::from_static(b"hello")));
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        response
    }
    axum::Router::new().route("/{status}", axum::routing::get(status))
}

async fn serve_axum(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

fn peers(runtime: &tokio::runtime::Runtime, provider: &SdkTracerProvider) -> Vec<Peers> {
    use axum_tracing_opentelemetry::middleware::OtelAxumLayer;
    use tonic_tracing_opentelemetry::middleware::server::OtelGrpcLayer;
    let variant = |dispatch: Dispatch, client: Client, paths| Variant {
        dispatch,
        client,
        paths,
        next: 0,
    };
    let h2 = |dispatch: Dispatch, addr, paths| {
        let client = tracing::dispatcher::with_default(&dispatch, || {
            runtime.block_on(Client::connect(addr, true))
        });
        variant(dispatch, client, paths)
    };
    let (http_peer, http_by_hand, http_ours) = runtime.block_on(async {
        (
            serve_axum(axum_router().layer(OtelAxumLayer::default())).await,
            serve_axum(
                axum_router().layer(
                    TraceLayer::new_for_http()
                        .make_span_with(by_hand::http_span)
                        .on_response(by_hand::http_response)
                        .on_failure(()),
                ),
            )
            .await,
            serve_axum(
                axum_router().layer(
                    ServiceBuilder::new()
                        .layer(trace::http_server())
                        .layer(HttpStatusLayer::server()),
                ),
            )
            .await,
        )
    });
    let (grpc_peer, grpc_by_hand, grpc_ours) = runtime.block_on(async {
        (
            serve(move || {
                ServiceBuilder::new()
                    .layer(OtelGrpcLayer::default())
                    .service_fn(grpc_handler)
            })
            .await,
            serve_grpc_by_hand().await,
            serve_grpc_ours().await,
        )
    });
    vec![
        Peers {
            name: "HTTP/1 GET on axum, hyper-util client (200, 404, 503)",
            peer: variant(
                pipelines(provider).0,
                Client::legacy(http_peer),
                &HTTP_PATHS,
            ),
            by_hand: variant(
                pipelines(provider).0,
                Client::legacy(http_by_hand),
                &HTTP_PATHS,
            ),
            ours: variant(
                pipelines(provider).1,
                Client::legacy(http_ours),
                &HTTP_PATHS,
            ),
        },
        Peers {
            name: "gRPC unary over HTTP/2 (OK, NOT_FOUND, UNAVAILABLE)",
            peer: h2(pipelines(provider).0, grpc_peer, &GRPC_PATHS),
            by_hand: h2(pipelines(provider).0, grpc_by_hand, &GRPC_PATHS),
            ours: h2(pipelines(provider).1, grpc_ours, &GRPC_PATHS),
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
        group.bench_function(format!("{} / status by hand", pair.name), |b| {
            b.iter(|| pair.by_hand.request(&runtime))
        });
        group.bench_function(format!("{} / + our layer", pair.name), |b| {
            b.iter(|| pair.ours.request(&runtime))
        });
    }
    for mut peers in peers(&runtime, &provider) {
        group.bench_function(format!("{} / peer", peers.name), |b| {
            b.iter(|| peers.peer.request(&runtime))
        });
        group.bench_function(format!("{} / peer's data by hand", peers.name), |b| {
            b.iter(|| peers.by_hand.request(&runtime))
        });
        group.bench_function(format!("{} / ours, documented setup", peers.name), |b| {
            b.iter(|| peers.ours.request(&runtime))
        });
    }
    group.finish();
}

/// Interleaved rounds; prints each variant's throughput ÷ alone's for each
/// pair.
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
    // Per pair: (alone, ours) and (alone, by hand), from the same rounds.
    let mut all: Vec<(Rounds, Rounds)> = pairs.iter().map(|_| Default::default()).collect();
    for _ in 0..rounds {
        for (pair, (ours, by_hand)) in pairs.iter_mut().zip(&mut all) {
            let alone = time(&mut pair.alone);
            ours.push(alone, time(&mut pair.ours));
            by_hand.push(alone, time(&mut pair.by_hand));
        }
    }
    println!(
        "\nrequests/s ÷ TraceLayer alone (best of {rounds} interleaved rounds of {requests}; \
         the median of the rounds' own ratios in brackets):"
    );
    let per_s = |d: Duration| requests as f64 / d.as_secs_f64();
    for (pair, (ours, by_hand)) in pairs.iter().zip(all) {
        println!("  {}", pair.name);
        for (name, rounds) in [("ours (goal >= 0.97)", ours), ("status by hand", by_hand)] {
            let (alone, this) = rounds.best();
            println!(
                "    {:<22} {:.3} [{:.3}]   alone {:.0}/s, this {:.0}/s",
                name,
                rounds.best_ratio(),
                rounds.median_ratio(),
                per_s(alone),
                per_s(this)
            );
        }
    }
    // The peers: ours ÷ the peer, by hand ÷ the peer, ours ÷ by hand.
    let mut peers = peers(&runtime, &provider);
    let mut all: Vec<(Rounds, Rounds)> = peers.iter().map(|_| Default::default()).collect();
    for _ in 0..rounds {
        for (pair, (ours, by_hand)) in peers.iter_mut().zip(&mut all) {
            let peer = time(&mut pair.peer);
            ours.push(peer, time(&mut pair.ours));
            by_hand.push(peer, time(&mut pair.by_hand));
        }
    }
    println!("\nrequests/s ÷ the peer (OtelAxumLayer, OtelGrpcLayer), same rounds:");
    for (pair, (ours, by_hand)) in peers.iter().zip(all) {
        println!("  {}", pair.name);
        for (name, rounds) in [("ours, documented", ours), ("by hand", by_hand)] {
            let (peer, this) = rounds.best();
            println!(
                "    {:<22} {:.3} [{:.3}]   peer {:.0}/s, this {:.0}/s",
                name,
                rounds.best_ratio(),
                rounds.median_ratio(),
                per_s(peer),
                per_s(this)
            );
        }
    }
}

/// `alone`: `TraceLayer` alone under the plain pipeline; `by-hand`: its
/// callbacks record the status by hand ([`by_hand`]), same pipeline; `layer`: with
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
        "alone" | "layer" | "by-hand" => otel_plain(&provider),
        "ours" => otel_ours(&provider),
        other => {
            panic!("SPANSTATUS_TOWER_INPROC={other:?}: expected alone, by-hand, layer or ours")
        }
    };
    let trace = TraceLayer::new_for_http()
        .make_span_with(spans::HTTP_SERVER)
        .on_failure(());
    tracing::dispatcher::with_default(&dispatch, || {
        if side == "alone" {
            requests(trace.layer(tower::service_fn(not_found)));
        } else if side == "by-hand" {
            let trace = TraceLayer::new_for_http()
                .make_span_with(by_hand::http_span)
                .on_response(by_hand::http_response)
                .on_failure(());
            requests(trace.layer(tower::service_fn(not_found)));
        } else {
            requests(trace.layer(HttpStatusLayer::server().layer(tower::service_fn(not_found))));
        }
    });
}

criterion_group!(benches, bench);

fn main() {
    // `SPANSTATUS_TOWER_INPROC=alone|by-hand|layer|ours`: 10 000 404s through
    // `TraceLayer` in-process, no sockets, for `valgrind --tool=callgrind`
    // (instruction counts are repeatable there, not over loopback).
    if let Ok(side) = std::env::var("SPANSTATUS_TOWER_INPROC") {
        in_process(&side);
        return;
    }
    // `SPANSTATUS_TOWER_PEERS=http-peer|http-by-hand|http-ours` (or `grpc-`
    // for the gRPC pair): only that variant of [`peers`], for callgrind
    // (`SPANSTATUS_TOWER_REQUESTS`, default 150 000).
    if let Ok(side) = std::env::var("SPANSTATUS_TOWER_PEERS") {
        let runtime = runtime();
        let provider = provider();
        let (pair, variant) = side.split_once('-').unwrap_or(("", ""));
        let mut pair = peers(&runtime, &provider).swap_remove(match pair {
            "http" => 0,
            "grpc" => 1,
            _ => panic!("SPANSTATUS_TOWER_PEERS={side:?}: expected http-… or grpc-…"),
        });
        let variant = match variant {
            "peer" => &mut pair.peer,
            "by-hand" => &mut pair.by_hand,
            "ours" => &mut pair.ours,
            other => panic!("SPANSTATUS_TOWER_PEERS: {other:?}: expected peer, by-hand or ours"),
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
    // `SPANSTATUS_TOWER_PROFILE=alone|by-hand|layer|ours` (HTTP), or one of
    // them after `grpc-`: only requests of that pair and side, for `perf
    // record` or `valgrind --tool=callgrind` (`SPANSTATUS_TOWER_REQUESTS`,
    // default 150 000).
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
            "by-hand" => &mut pair.by_hand,
            "ours" => &mut pair.ours,
            // Our layer under the plain pipeline: what the layer costs
            // before any of the status reaches OpenTelemetry.
            "layer" => {
                pair.ours.dispatch = pipelines(&provider).0;
                &mut pair.ours
            }
            other => panic!(
                "SPANSTATUS_TOWER_PROFILE={other:?}: expected [grpc-]alone, [grpc-]by-hand, \
                 [grpc-]layer or [grpc-]ours"
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
