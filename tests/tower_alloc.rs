//! The tower layers allocate nothing per request beyond storing the status:
//! inside tower-http's `TraceLayer`, the same requests through our layer
//! allocate exactly that much more than through `TraceLayer` alone.
//!
//! Counts are this thread's (`spanstatus_devtools::alloc`), over 1 000
//! requests after a warm-up, each polled to its end on this thread with no
//! I/O: they are exact, and each test runs on its own thread.
#![cfg(all(feature = "tower", feature = "tower-http"))]

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::{BodyExt, Full};
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

/// Allocations over 1 000 requests through `service`, after a warm-up (the
/// registry's span pool, the callsites' interest).
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

/// The tracing side of the README's stack: what keeps a span's status.
fn with_subscriber<T>(f: impl FnOnce() -> T) -> T {
    let subscriber = tracing_subscriber::registry().with(spanstatus::tracing::fmt_layer());
    tracing::subscriber::with_default(subscriber, f)
}

/// Allocations per 1 000 HTTP requests answered by `handler`: `TraceLayer`
/// alone, and with `HttpStatusLayer::server()` inside it.
fn http_alone_and_ours<F, Fut>(handler: F) -> (usize, usize)
where
    F: Fn(Request<Empty>) -> Fut + Clone,
    Fut: Future<Output = Result<Response<Full<Bytes>>, Infallible>>,
{
    let trace = TraceLayer::new_for_http()
        .make_span_with(spans::HTTP_SERVER)
        .on_failure(());
    let alone = per_1000(trace.clone().layer(tower::service_fn(handler.clone())));
    let ours = per_1000(trace.layer(HttpStatusLayer::server().layer(tower::service_fn(handler))));
    (alone, ours)
}

async fn not_found(_: Request<Empty>) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"no")));
    *response.status_mut() = StatusCode::NOT_FOUND;
    Ok(response)
}

async fn ok(_: Request<Empty>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(b"hello"))))
}

#[test]
fn the_counter_counts() {
    assert_eq!(
        allocations_in(|| drop(std::hint::black_box(Box::new(1)))),
        1
    );
}

#[test]
fn http_404_one_allocation_per_request_the_status_slot() {
    with_subscriber(|| {
        let (alone, ours) = http_alone_and_ours(not_found);
        // Per request: the slot that holds the span's outcome, inserted in
        // its extensions when the first status arrives. The status itself
        // (NOT_FOUND, no message) is `Copy` plus a `&'static str`.
        // (`alone` is 1 per request here: `collect` buffering the body's one
        // chunk in its `VecDeque`; the span itself comes from the registry's
        // pool.)
        assert_eq!(ours, alone + 1000, "ours {ours}, TraceLayer alone {alone}");
    });
}

#[test]
fn http_200_one_allocation_per_request_the_status_slot() {
    with_subscriber(|| {
        let (alone, ours) = http_alone_and_ours(ok);
        // A 200 is recorded too (traffic OK, with `http.response.status_code`):
        // the same slot, nothing else.
        assert_eq!(ours, alone + 1000, "ours {ours}, TraceLayer alone {alone}");
    });
}

#[test]
fn without_a_subscriber_the_layer_allocates_nothing() {
    // No span to hold a status: the layer's own machinery (its future, the
    // body wrapper, the classification) allocates nothing at all, so the
    // one allocation above is the slot.
    let (alone, ours) = http_alone_and_ours(not_found);
    assert_eq!(ours, alone, "ours {ours}, TraceLayer alone {alone}");
}

/// A gRPC reply: one message, then trailers with `grpc-status: {code}` and,
/// if any, `grpc-message: {message}`.
fn grpc_reply(code: &'static str, message: Option<&'static str>) -> Response<GrpcFrames> {
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from_static(code));
    if let Some(message) = message {
        trailers.insert("grpc-message", HeaderValue::from_static(message));
    }
    let frames = GrpcFrames(vec![
        Frame::trailers(trailers),
        Frame::data(Bytes::from_static(b"\0\0\0\0\0")),
    ]);
    let mut response = Response::new(frames);
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/grpc"));
    response
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

/// Allocations per 1 000 gRPC calls answered by `reply`: `TraceLayer` alone,
/// and with `GrpcStatusLayer::server()` inside it.
fn grpc_alone_and_ours(reply: fn() -> Response<GrpcFrames>) -> (usize, usize) {
    let handler = move |_: Request<Empty>| async move { Ok::<_, Infallible>(reply()) };
    let trace = TraceLayer::new_for_grpc()
        .make_span_with(spans::GRPC_SERVER)
        .on_failure(());
    let alone = per_1000(trace.clone().layer(tower::service_fn(handler)));
    let ours = per_1000(trace.layer(GrpcStatusLayer::server().layer(tower::service_fn(handler))));
    (alone, ours)
}

#[test]
fn grpc_not_found_two_allocations_per_call_the_slot_and_the_message() {
    with_subscriber(|| {
        let (alone, ours) = grpc_alone_and_ours(|| grpc_reply("5", Some("x")));
        // Per call: the outcome slot, and the decoded `grpc-message` ("x"),
        // a `String` owned by the status (it outlives the trailers): both are
        // the status itself; nothing else.
        assert_eq!(ours, alone + 2000, "ours {ours}, TraceLayer alone {alone}");
    });
}

#[test]
fn grpc_ok_one_allocation_per_call_the_status_slot() {
    with_subscriber(|| {
        let (alone, ours) = grpc_alone_and_ours(|| grpc_reply("0", None));
        // No `grpc-message`: an empty message, no `String`; only the slot.
        assert_eq!(ours, alone + 1000, "ours {ours}, TraceLayer alone {alone}");
    });
}
