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

use std::convert::Infallible;
use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body::Frame;
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer, spans};
use tower::ServiceBuilder;
use tower_http::trace::TraceLayer;
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

fn plain(provider: &SdkTracerProvider) -> Dispatch {
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"));
    Dispatch::new(tracing_subscriber::registry().with(otel))
}

fn ours(provider: &SdkTracerProvider) -> Dispatch {
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"));
    Dispatch::new(
        tracing_subscriber::registry()
            .with(spanstatus::tracing::layer())
            .with(spanstatus::opentelemetry::layer(otel)),
    )
}

const HTTP_PATHS: [&str; 3] = ["/200", "/404", "/503"];
const GRPC_PATHS: [&str; 3] = ["/0", "/5", "/14"];

async fn http_handler(
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let status: u16 = request.uri().path()[1..].parse().unwrap();
    let mut response = Response::new(Full::new(Bytes::from_static(b"hello")));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    Ok(response)
}

/// One message, then `grpc-status` = the path's number.
struct GrpcReply(Option<Bytes>, Option<HeaderMap>);

impl http_body::Body for GrpcReply {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let frame = match self.0.take() {
            Some(data) => Some(Frame::data(data)),
            None => self.1.take().map(Frame::trailers),
        };
        std::task::Poll::Ready(frame.map(Ok))
    }
}

async fn grpc_handler(
    request: Request<hyper::body::Incoming>,
) -> Result<Response<GrpcReply>, Infallible> {
    let mut trailers = HeaderMap::new();
    let code = HeaderValue::from_str(&request.uri().path()[1..]).unwrap();
    trailers.insert("grpc-status", code);
    let mut response = Response::new(GrpcReply(
        Some(Bytes::from_static(b"\0\0\0\0\0")),
        Some(trailers),
    ));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/grpc"));
    Ok(response)
}

/// Serves `service` on 127.0.0.1:0 (HTTP/1 and HTTP/2) on the current runtime.
async fn serve<S, B>(service: S) -> std::net::SocketAddr
where
    S: tower::Service<Request<hyper::body::Incoming>, Response = Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

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
        let http_alone = serve(
            ServiceBuilder::new()
                .layer(http_trace())
                .service_fn(http_handler),
        )
        .await;
        let http_ours = serve(
            ServiceBuilder::new()
                .layer(http_trace())
                .layer(HttpStatusLayer::server())
                .service_fn(http_handler),
        )
        .await;
        let grpc_alone = serve(
            ServiceBuilder::new()
                .layer(grpc_trace())
                .service_fn(grpc_handler),
        )
        .await;
        let grpc_ours = serve(
            ServiceBuilder::new()
                .layer(grpc_trace())
                .layer(GrpcStatusLayer::server())
                .service_fn(grpc_handler),
        )
        .await;
        (http_alone, http_ours, grpc_alone, grpc_ours)
    });
    vec![
        Pair {
            name: "HTTP/1 GET (200, 404, 503)",
            alone: variant(plain(provider), http_alone, false, &HTTP_PATHS),
            ours: variant(ours(provider), http_ours, false, &HTTP_PATHS),
        },
        Pair {
            name: "gRPC unary over HTTP/2 (OK, NOT_FOUND, UNAVAILABLE)",
            alone: variant(plain(provider), grpc_alone, true, &GRPC_PATHS),
            ours: variant(ours(provider), grpc_ours, true, &GRPC_PATHS),
        },
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn provider() -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_simple_exporter(NoopExporter)
        .build()
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
    let mut best = vec![(Duration::MAX, Duration::MAX); pairs.len()];
    for _ in 0..rounds {
        for (pair, best) in pairs.iter_mut().zip(&mut best) {
            best.0 = best.0.min(time(&mut pair.alone));
            best.1 = best.1.min(time(&mut pair.ours));
        }
    }
    println!(
        "\nrequests/s, ours ÷ TraceLayer alone (best of {rounds} interleaved rounds of {requests}):"
    );
    for (pair, (alone, ours)) in pairs.iter().zip(best) {
        let per_s = |d: Duration| requests as f64 / d.as_secs_f64();
        println!(
            "  {:<52} {:.3} (goal >= 0.97)   alone {:.0}/s, ours {:.0}/s",
            pair.name,
            alone.as_secs_f64() / ours.as_secs_f64(),
            per_s(alone),
            per_s(ours)
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    // `SPANSTATUS_TOWER_PROFILE=alone|ours`: only HTTP requests of that side
    // for a few seconds, for `perf record`.
    if let Ok(side) = std::env::var("SPANSTATUS_TOWER_PROFILE") {
        let runtime = runtime();
        let provider = provider();
        let mut pair = pairs(&runtime, &provider).remove(0);
        let variant = match side.as_str() {
            "alone" => &mut pair.alone,
            "ours" => &mut pair.ours,
            other => panic!("SPANSTATUS_TOWER_PROFILE={other:?}: expected alone or ours"),
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
