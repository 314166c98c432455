//! A real hyper server and client on 127.0.0.1, a span per request (what
//! tower-http's `TraceLayer` makes), and a layer that keeps each closed
//! span's outcome.
#![allow(dead_code)] // each test file takes what it needs

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use hyper_util::rt::{TokioExecutor, TokioIo};
use spanstatus_tracing::Exchange;
use tower::{Layer, Service};
use tracing::Instrument;
use tracing::span::{Attributes, Id};
use tracing_subscriber::layer::Context as LayerContext;
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type Body = BoxBody<Bytes, BoxError>;

/// The outcome of each closed span named `request`, by its `name` field.
#[derive(Clone, Default)]
pub struct Outcomes(Arc<Mutex<Vec<Closed>>>);

/// A closed span's name and outcome.
type Closed = (String, Option<Exchange>);

struct Name(String);

impl<S> tracing_subscriber::Layer<S> for Outcomes
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: LayerContext<'_, S>) {
        struct Visit(Option<String>);
        impl tracing::field::Visit for Visit {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "name" || field.name() == "otel.name" {
                    self.0 = Some(value.to_owned());
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut visit = Visit(None);
        attrs.record(&mut visit);
        if let (Some(name), Some(span)) = (visit.0, ctx.span(id)) {
            span.extensions_mut().insert(Name(name));
        }
    }

    fn on_close(&self, id: Id, ctx: LayerContext<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let name = span.extensions().get::<Name>().map(|n| n.0.clone());
        if let Some(name) = name {
            let outcome = spanstatus_tracing::exchange_of(&span);
            self.0.lock().unwrap().push((name, outcome));
        }
    }
}

impl Outcomes {
    /// Waits (at most 5 s) until span `name` has closed; its outcome.
    pub async fn of(&self, name: &str) -> Option<Exchange> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            if let Some((_, outcome)) = self.0.lock().unwrap().iter().find(|(n, _)| n == name) {
                return outcome.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "span {name} did not close within 5 s"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Runs `test` on a current-thread runtime under a registry with
/// [`Outcomes`], so that every task (server and client) sees it.
pub fn run<F: Future<Output = ()>>(test: impl FnOnce(Outcomes) -> F) {
    let outcomes = Outcomes::default();
    let subscriber = tracing_subscriber::registry().with(outcomes.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(30), test(outcomes)).await })
        .expect("the test finished within 30 s");
}

/// A span per request, named by the request's `x-span` header, and the
/// request's future instrumented with it: what tower-http's `TraceLayer` does.
#[derive(Clone)]
pub struct SpanPerRequest<S>(pub S);

impl<S, B> Service<Request<B>> for SpanPerRequest<S>
where
    S: Service<Request<B>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let name = request
            .headers()
            .get("x-span")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("unnamed")
            .to_owned();
        let span = tracing::info_span!("request", name = name.as_str());
        let future = span.in_scope(|| self.0.call(request));
        Box::pin(future.instrument(span))
    }
}

/// Serves `service` (behind [`SpanPerRequest`] and `layer`) on 127.0.0.1:0
/// over HTTP/1 and HTTP/2; its address.
pub async fn serve<S, L>(layer: L, service: S) -> SocketAddr
where
    L: Layer<S> + Clone + Send + 'static,
    L::Service: Service<
            Request<hyper::body::Incoming>,
            Response = Response<spanstatus_tower::StatusBody<Body>>,
        > + Clone
        + Send
        + 'static,
    <L::Service as Service<Request<hyper::body::Incoming>>>::Future: Send + 'static,
    <L::Service as Service<Request<hyper::body::Incoming>>>::Error: Into<BoxError>,
    S: Clone + Send + 'static,
{
    serve_stack(layer, service).await
}

/// Serves `service` behind `layer` alone (no span per request) on
/// 127.0.0.1:0; its address.
pub async fn serve_bare<S, L>(layer: L, service: S) -> SocketAddr
where
    L: Layer<S> + Clone + Send + 'static,
    L::Service: Service<
            Request<hyper::body::Incoming>,
            Response = Response<spanstatus_tower::StatusBody<Body>>,
        > + Clone
        + Send
        + 'static,
    <L::Service as Service<Request<hyper::body::Incoming>>>::Future: Send + 'static,
    <L::Service as Service<Request<hyper::body::Incoming>>>::Error: Into<BoxError>,
    S: Clone + Send + 'static,
{
    serve_with(move || layer.layer(service.clone())).await
}

/// A body of these chunks.
pub fn full(text: &'static str) -> Body {
    http_body_util::Full::new(Bytes::from_static(text.as_bytes()))
        .map_err(|never: Infallible| match never {})
        .boxed()
}

/// An HTTP/1 client connection to `addr`.
pub async fn http1(
    addr: SocketAddr,
) -> hyper::client::conn::http1::SendRequest<http_body_util::Empty<Bytes>> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (send, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    send
}

/// An HTTP/2 client connection to `addr`.
pub async fn http2(
    addr: SocketAddr,
) -> hyper::client::conn::http2::SendRequest<http_body_util::Empty<Bytes>> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (send, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    send
}

/// A GET of `path` for span `name`.
pub fn get(path: &str, name: &str) -> Request<http_body_util::Empty<Bytes>> {
    Request::get(format!("http://127.0.0.1{path}"))
        .header("x-span", name)
        .body(http_body_util::Empty::new())
        .unwrap()
}

/// A body that yields these frames (data, trailers, an error), one a poll.
pub struct Frames(std::collections::VecDeque<Result<http_body::Frame<Bytes>, BoxError>>);

impl Frames {
    pub fn new(frames: Vec<Result<http_body::Frame<Bytes>, BoxError>>) -> Frames {
        Frames(frames.into())
    }
}

impl http_body::Body for Frames {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        Poll::Ready(self.0.pop_front())
    }
}

/// [`serve`] for any layer stack (one with tower-http's `CatchPanicLayer`,
/// say), whatever its response body.
pub async fn serve_stack<S, L, B>(layer: L, service: S) -> SocketAddr
where
    L: Layer<S> + Clone + Send + 'static,
    L::Service:
        Service<Request<hyper::body::Incoming>, Response = Response<B>> + Clone + Send + 'static,
    <L::Service as Service<Request<hyper::body::Incoming>>>::Future: Send + 'static,
    <L::Service as Service<Request<hyper::body::Incoming>>>::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
    S: Clone + Send + 'static,
{
    serve_with(move || SpanPerRequest(layer.layer(service.clone()))).await
}

/// Serves the service `make` gives for each connection on 127.0.0.1:0, over
/// HTTP/1 and HTTP/2; its address.
async fn serve_with<S, B>(make: impl Fn() -> S + Send + 'static) -> SocketAddr
where
    S: Service<Request<hyper::body::Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(make());
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}
