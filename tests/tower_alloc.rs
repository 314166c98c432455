//! The tower layers allocate nothing per request beyond storing the status:
//! inside tower-http's `TraceLayer`, the same requests through our layer
//! allocate exactly that much more than through `TraceLayer` alone.
#![cfg(all(feature = "tower", feature = "tower-http"))]

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::BodyExt;
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer, spans};
use spanstatus_devtools::alloc::{Counting, allocations_in};
use tower::{Layer, Service, ServiceExt};
use tower_http::trace::TraceLayer;
use tracing_subscriber::prelude::*;

type Empty = http_body_util::Empty<Bytes>;

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Polls `future` to its end on this thread; every future here is ready at
/// once (no I/O), so a no-op waker is enough.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// One request through `service`, its body read to the end.
fn exchange<S, B>(service: &mut S)
where
    S: Service<Request<Empty>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    run(async {
        let response = service
            .ready()
            .await
            .unwrap()
            .call(Request::new(Empty::new()))
            .await
            .unwrap();
        response.into_body().collect().await.unwrap();
    });
}

/// Allocations over 1 000 requests through `service`, after a warm-up.
fn per_1000<S, B>(mut service: S) -> usize
where
    S: Service<Request<Empty>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    for _ in 0..100 {
        exchange(&mut service);
    }
    allocations_in(|| {
        for _ in 0..1000 {
            exchange(&mut service);
        }
    })
}

fn with_subscriber<T>(f: impl FnOnce() -> T) -> T {
    let subscriber = tracing_subscriber::registry().with(spanstatus::tracing::layer());
    tracing::subscriber::with_default(subscriber, f)
}

async fn not_found(_: Request<Empty>) -> Result<Response<http_body_util::Full<Bytes>>, Infallible> {
    let mut response = Response::new(http_body_util::Full::new(Bytes::from_static(b"no")));
    *response.status_mut() = StatusCode::NOT_FOUND;
    Ok(response)
}

#[test]
fn http_one_allocation_per_request_the_status_slot() {
    with_subscriber(|| {
        let trace = TraceLayer::new_for_http()
            .make_span_with(spans::HTTP_SERVER)
            .on_failure(());
        let alone = per_1000(trace.clone().layer(tower::service_fn(not_found)));
        let ours =
            per_1000(trace.layer(HttpStatusLayer::server().layer(tower::service_fn(not_found))));
        // Per request: the slot that holds the span's outcome, inserted in
        // its extensions when the first status arrives. The status itself
        // (NOT_FOUND, no message) is `Copy` plus a `&'static str`.
        assert_eq!(ours - alone, 1000, "ours {ours}, TraceLayer alone {alone}");
    });
}

/// A gRPC reply: one message, then `grpc-status: 5`, `grpc-message: x`.
async fn grpc_not_found(_: Request<Empty>) -> Result<Response<GrpcFrames>, Infallible> {
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from_static("5"));
    trailers.insert("grpc-message", HeaderValue::from_static("x"));
    let frames = GrpcFrames(vec![
        Frame::trailers(trailers),
        Frame::data(Bytes::from_static(b"\0\0\0\0\0")),
    ]);
    let mut response = Response::new(frames);
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/grpc"));
    Ok(response)
}

/// The frames of a reply, last first.
struct GrpcFrames(Vec<Frame<Bytes>>);

impl http_body::Body for GrpcFrames {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop().map(Ok))
    }
}

#[test]
fn grpc_two_allocations_per_call_the_slot_and_the_message() {
    with_subscriber(|| {
        let trace = TraceLayer::new_for_grpc()
            .make_span_with(spans::GRPC_SERVER)
            .on_failure(());
        let alone = per_1000(trace.clone().layer(tower::service_fn(grpc_not_found)));
        let ours = per_1000(
            trace.layer(GrpcStatusLayer::server().layer(tower::service_fn(grpc_not_found))),
        );
        // Per call: the outcome slot, and the decoded `grpc-message` ("x"),
        // owned by the status; nothing else.
        assert_eq!(ours - alone, 2000, "ours {ours}, TraceLayer alone {alone}");
    });
}
