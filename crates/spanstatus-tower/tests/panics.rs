//! A handler, a body or a client call that panics inside the layers, on a
//! real server over loopback, with tower-http's `CatchPanicLayer` outside the
//! layer and without it: the span ends UNKNOWN with the panic's message and
//! `error.type = "panic"`, and the panic goes on (no second one from our drop
//! code, which would abort the test process).

mod support;

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::BodyExt;
use spanstatus_core::Code;
use spanstatus_tower::{GrpcStatusLayer, HttpStatusLayer, Protocol, Side, StatusSource};
use support::{Body, BoxError, Outcomes, full, get, http1, http2, run, serve, serve_stack};
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
use tracing::Instrument;

/// A body whose first poll panics.
struct PanickingBody;

impl http_body::Body for PanickingBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        panic!("the body broke");
    }
}

/// `/panic` panics after an await, `/body-panic` answers 200 with a body that
/// panics; anything else answers 200.
async fn handler(request: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
    match request.uri().path() {
        "/panic" => {
            tokio::task::yield_now().await;
            panic!("no row {}", request.uri().query().unwrap_or("?"));
        }
        "/body-panic" => Ok(Response::new(PanickingBody.boxed())),
        _ => Ok(Response::new(full("fine"))),
    }
}

/// The span `name`'s status code, message, source, `error.type`, side and
/// protocol.
async fn outcome(
    outcomes: &Outcomes,
    name: &str,
) -> (Code, String, StatusSource, Option<String>, Side, Protocol) {
    let exchange = outcomes.of(name).await.expect("an exchange was recorded");
    (
        exchange.status().code(),
        exchange.status().message().to_owned(),
        exchange.source(),
        exchange.error_type().map(str::to_owned),
        exchange.side(),
        exchange.protocol(),
    )
}

fn panicked(
    message: &str,
    side: Side,
    protocol: Protocol,
) -> (Code, String, StatusSource, Option<String>, Side, Protocol) {
    (
        Code::Unknown,
        format!("panicked: {message}"),
        StatusSource::Panic,
        Some("panic".to_owned()),
        side,
        protocol,
    )
}

#[test]
fn a_panicking_http_handler_without_catch_panic_layer() {
    run(|outcomes| async move {
        let addr = serve(HttpStatusLayer::server(), tower::service_fn(handler)).await;
        // hyper's connection task dies with the panic: the client sees the
        // connection close.
        let mut client = http1(addr).await;
        assert!(
            client
                .send_request(get("/panic?7", "no-catch"))
                .await
                .is_err()
        );
        assert_eq!(
            outcome(&outcomes, "no-catch").await,
            panicked("no row 7", Side::Server, Protocol::Http)
        );
    });
}

#[test]
fn a_panicking_http_handler_with_catch_panic_layer_outside() {
    run(|outcomes| async move {
        let stack = ServiceBuilder::new()
            .layer(CatchPanicLayer::new())
            .layer(HttpStatusLayer::server());
        let addr = serve_stack(stack, tower::service_fn(handler)).await;
        let mut client = http1(addr).await;
        let response = client
            .send_request(get("/panic?8", "caught"))
            .await
            .unwrap();
        // CatchPanicLayer's own 500; the span keeps the panic (the 500 is
        // recorded outside our layer, where we do not see it).
        assert_eq!(response.status(), 500);
        assert_eq!(
            outcome(&outcomes, "caught").await,
            panicked("no row 8", Side::Server, Protocol::Http)
        );
        // A body that panics after a 200 (CatchPanicLayer catches only the
        // service's future: the connection dies, the client gets no whole
        // response): the panic, with the 200 kept.
        let mut client = http1(addr).await;
        let response = client.send_request(get("/body-panic", "body")).await;
        assert!(response.is_err() || response.unwrap().into_body().collect().await.is_err());
        let exchange = outcomes.of("body").await.unwrap();
        assert_eq!(exchange.status().message(), "panicked: the body broke");
        assert_eq!(exchange.source(), StatusSource::Panic);
        assert_eq!(exchange.http_status(), Some(200));
    });
}

#[test]
fn a_panicking_grpc_handler_with_and_without_catch_panic_layer() {
    run(|outcomes| async move {
        let bare = serve(GrpcStatusLayer::server(), tower::service_fn(handler)).await;
        let mut client = http2(bare).await;
        let _ = client.send_request(get("/panic?9", "grpc-no-catch")).await;
        assert_eq!(
            outcome(&outcomes, "grpc-no-catch").await,
            panicked("no row 9", Side::Server, Protocol::Grpc)
        );
        let stack = ServiceBuilder::new()
            .layer(CatchPanicLayer::new())
            .layer(GrpcStatusLayer::server());
        let caught = serve_stack(stack, tower::service_fn(handler)).await;
        let mut client = http2(caught).await;
        let response = client
            .send_request(get("/panic?10", "grpc-caught"))
            .await
            .unwrap();
        assert_eq!(response.status(), 500);
        assert_eq!(
            outcome(&outcomes, "grpc-caught").await,
            panicked("no row 10", Side::Server, Protocol::Grpc)
        );
    });
}

/// A client service whose call panics after an await.
async fn panicking_call(
    _: Request<http_body_util::Empty<Bytes>>,
) -> Result<Response<Body>, Infallible> {
    tokio::task::yield_now().await;
    panic!("the client broke");
}

type PanickingClient = spanstatus_tower::StatusService<
    tower::util::ServiceFn<fn(Request<http_body_util::Empty<Bytes>>) -> PanickingCall>,
>;

/// [`panicking_call`] as a service, inside `layer`.
fn panicking_client(
    layer: impl tower::Layer<
        tower::util::ServiceFn<fn(Request<http_body_util::Empty<Bytes>>) -> PanickingCall>,
        Service = PanickingClient,
    >,
) -> PanickingClient {
    let call: fn(Request<http_body_util::Empty<Bytes>>) -> PanickingCall =
        |request| Box::pin(panicking_call(request));
    layer.layer(tower::service_fn(call))
}

/// Calls `client` in span `name`, from a spawned task; checks that the panic
/// reaches the caller as it was.
async fn call_panicking<S>(client: S, name: &'static str)
where
    S: Service<Request<http_body_util::Empty<Bytes>>> + Send + 'static,
    S::Future: Send,
{
    let span = tracing::info_span!("request", name);
    let joined = tokio::spawn(
        async move {
            let _ = client.oneshot(get("/", name)).await;
        }
        .instrument(span),
    )
    .await;
    let payload = joined.unwrap_err().into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"the client broke"));
}

type PanickingCall =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response<Body>, Infallible>> + Send>>;

#[test]
fn a_panicking_client_call_propagates_after_its_span_is_set() {
    run(|outcomes| async move {
        call_panicking(panicking_client(HttpStatusLayer::client()), "http-client").await;
        assert_eq!(
            outcome(&outcomes, "http-client").await,
            panicked("the client broke", Side::Client, Protocol::Http)
        );
        call_panicking(panicking_client(GrpcStatusLayer::client()), "grpc-client").await;
        assert_eq!(
            outcome(&outcomes, "grpc-client").await,
            panicked("the client broke", Side::Client, Protocol::Grpc)
        );
    });
}
