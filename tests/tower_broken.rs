//! Broken peers, cancellation and timeouts, at the three ends (the tracing
//! status, the OTLP span at rotel, the Sentry transaction through Relay):
//!
//! | exchange | span | code | OpenTelemetry |
//! |---|---|---|---|
//! | a gRPC client gets a proxy's 503 page | client | UNAVAILABLE | `Error` |
//! | … `grpc-status: 17` | client | UNKNOWN, the raw value in the message | `Error` |
//! | … trailers without `grpc-status` | client | INTERNAL | `Error` |
//! | … RST_STREAM(ENHANCE_YOUR_CALM) mid-stream | client | RESOURCE_EXHAUSTED | `Error` |
//! | an HTTP body fails after a 200 | server and client | the error's | `Error`, `error.type = "_OTHER"`, the 200 kept |
//! | the client drops its request | client | CANCELLED | `Unset`, no `error.type` (semconv 1.41) |
//! | … so the server's handler is dropped | server | CANCELLED | `Unset` |
//! | the client drops a body mid-stream, after a 200 | client and server | CANCELLED | `Unset`, the 200 kept |
//! | a tower timeout inside the client layer | client | DEADLINE_EXCEEDED | `Error`, `error.type = "timeout"` |
//! | tower-http's `TimeoutLayer` answers 408 inside the server layer | server | DEADLINE_EXCEEDED | `Error`, `error.type = "timeout"`, 408 kept |
//! | … and its client gets the 408 | client | DEADLINE_EXCEEDED | `Error`, `error.type = "408"` |
//!
//! ```sh
//! eval "$(scripts/python-deps.sh)"
//! cargo test --features full --test tower_broken
//! ```
#![cfg(all(
    feature = "opentelemetry",
    feature = "sentry",
    feature = "tower",
    feature = "hyper",
    feature = "h2",
    feature = "tower-http"
))]

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body::Frame;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::trace::v1 as proto;
use spanstatus::Code;
use spanstatus::opentelemetry::code_from_proto_span;
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer};
use tower::{Layer, Service, ServiceBuilder, ServiceExt};
use tracing::Instrument;

#[path = "support/ends.rs"]
mod ends;
#[path = "support/hyper.rs"]
mod hyper_support;
#[path = "support/otlp.rs"]
mod otlp;
#[path = "support/relay.rs"]
mod relay;
use ends::{Ends, attribute};
use hyper_support::{BoxError, Frames};

fn data(text: &'static str) -> Result<Frame<Bytes>, BoxError> {
    Ok(Frame::data(Bytes::from_static(text.as_bytes())))
}

fn response(
    status: u16,
    grpc: bool,
    frames: Vec<Result<Frame<Bytes>, BoxError>>,
) -> Response<Frames> {
    let mut response = Response::new(Frames(VecDeque::from(frames)));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    if grpc {
        response
            .headers_mut()
            .insert("content-type", HeaderValue::from_static("application/grpc"));
    }
    response
}

fn trailers(pairs: &[(&'static str, &'static str)]) -> Result<Frame<Bytes>, BoxError> {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_static(value));
    }
    Ok(Frame::trailers(map))
}

/// A body that sends one chunk, then fails 50 ms later: mid-body, after
/// the client has the headers.
struct FailsLater(Option<Bytes>, std::pin::Pin<Box<tokio::time::Sleep>>);

impl http_body::Body for FailsLater {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some(chunk) = self.0.take() {
            return std::task::Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        std::task::ready!(self.1.as_mut().poll(cx));
        let error = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "disk gone");
        std::task::Poll::Ready(Some(Err(Box::new(error))))
    }
}

/// A peer that breaks gRPC's rules (no status layer: it is not ours), and
/// an HTTP handler whose body fails or that answers late.
async fn handler(
    request: Request<hyper::body::Incoming>,
) -> Result<Response<http_body_util::combinators::BoxBody<Bytes, BoxError>>, BoxError> {
    // `/body-error` fails 50 ms after its first chunk; `/slow-body` would
    // after 5 s, but its client leaves before.
    let late = match request.uri().path() {
        "/body-error" => Some(50),
        "/slow-body" => Some(5_000),
        _ => None,
    };
    if let Some(ms) = late {
        let body = FailsLater(
            Some(Bytes::from_static(b"first")),
            Box::pin(tokio::time::sleep(Duration::from_millis(ms))),
        );
        return Ok(Response::new(body.boxed()));
    }
    Ok(match request.uri().path() {
        "/proxy-503" => response(503, false, vec![data("<html>503</html>")]),
        "/bad-status" => response(
            200,
            true,
            vec![data("m"), trailers(&[("grpc-status", "17")])],
        ),
        "/no-status" => response(200, true, vec![data("m"), trailers(&[])]),
        _ => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            response(200, false, vec![data("late")])
        }
    }
    .map(BodyExt::boxed))
}

/// A span as `TraceLayer` makes it with `spans::*`: named, kind declared.
fn span(name: &str, kind: &str, grpc: bool) -> tracing::Span {
    if grpc {
        tracing::info_span!(
            "rpc",
            otel.name = name,
            sentry.name = name,
            otel.kind = kind,
            rpc.system = "grpc"
        )
    } else {
        tracing::info_span!(
            "request",
            otel.name = name,
            sentry.name = name,
            otel.kind = kind,
            http.request.method = "GET"
        )
    }
}

/// The broken peer, bare; and our HTTP server (span + layer) on the same
/// handler.
async fn servers() -> (std::net::SocketAddr, std::net::SocketAddr) {
    let peer = hyper_support::serve(|| tower::service_fn(handler)).await;
    let ours = hyper_support::serve(|| {
        let mut service = HttpStatusLayer::server().layer(tower::service_fn(handler));
        tower::service_fn(move |request: Request<hyper::body::Incoming>| {
            let path = request.uri().path_and_query().map_or("", |p| p.as_str());
            let span = span(&format!("server {path}"), "server", false);
            let future = span.in_scope(|| service.call(request));
            future.instrument(span)
        })
    })
    .await;
    (peer, ours)
}

/// Our HTTP server with tower-http's `TimeoutLayer` inside the status layer:
/// a handler that runs out of time is answered 408.
async fn timeout_server() -> std::net::SocketAddr {
    hyper_support::serve(|| {
        let mut service = ServiceBuilder::new()
            .layer(HttpStatusLayer::server())
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                http::StatusCode::REQUEST_TIMEOUT,
                Duration::from_millis(100),
            ))
            .service(tower::service_fn(handler));
        tower::service_fn(move |request: Request<hyper::body::Incoming>| {
            let path = request.uri().path_and_query().map_or("", |p| p.as_str());
            let span = span(&format!("server {path}"), "server", false);
            let future = span.in_scope(|| service.call(request));
            future.instrument(span)
        })
    })
    .await
}

/// An HTTP/2 peer that answers gRPC headers and a message, then resets the
/// stream with ENHANCE_YOUR_CALM.
async fn resetting_peer() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let Ok(mut connection) = h2::server::handshake(stream).await else {
            return;
        };
        while let Some(Ok((_, mut respond))) = connection.accept().await {
            let head = Response::builder()
                .header("content-type", "application/grpc")
                .body(())
                .unwrap();
            let mut send = respond.send_response(head, false).unwrap();
            send.send_data(Bytes::from_static(b"\0\0\0\0\x01m"), false)
                .unwrap();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                send.send_reset(h2::Reason::ENHANCE_YOUR_CALM);
            });
        }
    });
    addr
}

/// A client service over one new connection: HTTP/2 for gRPC, HTTP/1 else.
async fn connect(
    addr: std::net::SocketAddr,
    http2: bool,
) -> tower::util::BoxService<
    Request<http_body_util::Empty<Bytes>>,
    Response<hyper::body::Incoming>,
    BoxError,
> {
    let io = TokioIo::new(tokio::net::TcpStream::connect(addr).await.unwrap());
    if http2 {
        let (send, connection) = hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
            .await
            .unwrap();
        tokio::spawn(connection);
        tower::util::BoxService::new(tower::service_fn(move |request| {
            let mut send = send.clone();
            async move { send.send_request(request).await.map_err(BoxError::from) }
        }))
    } else {
        let (send, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(connection);
        let mut send = Some(send);
        tower::util::BoxService::new(tower::service_fn(move |request| {
            let mut send = send.take().expect("one request per connection");
            async move { send.send_request(request).await.map_err(BoxError::from) }
        }))
    }
}

fn get(path: &str) -> Request<http_body_util::Empty<Bytes>> {
    Request::get(format!("http://127.0.0.1{path}"))
        .header("content-type", "application/grpc")
        .body(http_body_util::Empty::new())
        .unwrap()
}

/// What one span must show: its code, whether OpenTelemetry calls it an
/// error, its `error.type`, and its HTTP status code, if any.
struct Expected {
    name: &'static str,
    kind: proto::span::SpanKind,
    code: Code,
    error: bool,
    error_type: Option<&'static str>,
    http_status: Option<i64>,
    rpc: bool,
}

#[test]
fn broken_peers_cancellation_and_timeouts_at_the_three_ends() {
    let Some(ends) = Ends::start() else { return };
    use proto::span::SpanKind::{Client, Server};
    let broken_pipe = Code::from_io_error_kind(std::io::ErrorKind::BrokenPipe);
    let expected = [
        Expected {
            name: "client /proxy-503",
            kind: Client,
            code: Code::Unavailable,
            error: true,
            error_type: Some("UNAVAILABLE"),
            http_status: None,
            rpc: true,
        },
        Expected {
            name: "client /bad-status",
            kind: Client,
            code: Code::Unknown,
            error: true,
            error_type: Some("UNKNOWN"),
            http_status: None,
            rpc: true,
        },
        Expected {
            name: "client /no-status",
            kind: Client,
            code: Code::Internal,
            error: true,
            error_type: Some("INTERNAL"),
            http_status: None,
            rpc: true,
        },
        Expected {
            name: "client reset",
            kind: Client,
            code: Code::ResourceExhausted,
            error: true,
            error_type: Some("RESOURCE_EXHAUSTED"),
            http_status: None,
            rpc: true,
        },
        Expected {
            name: "server /body-error",
            kind: Server,
            code: broken_pipe,
            error: true,
            error_type: Some("_OTHER"),
            http_status: Some(200),
            rpc: false,
        },
        // The connection breaks mid-body: hyper's incomplete message.
        Expected {
            name: "client /body-error",
            kind: Client,
            code: Code::Unavailable,
            error: true,
            error_type: Some("_OTHER"),
            http_status: Some(200),
            rpc: false,
        },
        Expected {
            name: "client dropped",
            kind: Client,
            code: Code::Cancelled,
            error: false,
            error_type: None,
            http_status: None,
            rpc: false,
        },
        Expected {
            name: "server /slow?dropped",
            kind: Server,
            code: Code::Cancelled,
            error: false,
            error_type: None,
            http_status: None,
            rpc: false,
        },
        // The client reads the headers and a chunk, then drops the body.
        Expected {
            name: "client dropped body",
            kind: Client,
            code: Code::Cancelled,
            error: false,
            error_type: None,
            http_status: Some(200),
            rpc: false,
        },
        Expected {
            name: "server /slow-body",
            kind: Server,
            code: Code::Cancelled,
            error: false,
            error_type: None,
            http_status: Some(200),
            rpc: false,
        },
        Expected {
            name: "client timeout",
            kind: Client,
            code: Code::DeadlineExceeded,
            error: true,
            error_type: Some("timeout"),
            http_status: None,
            rpc: false,
        },
        Expected {
            name: "server /slow?timeout",
            kind: Server,
            code: Code::Cancelled,
            error: false,
            error_type: None,
            http_status: None,
            rpc: false,
        },
        // tower-http's `TimeoutLayer` answers 408 for the handler that ran
        // out of time: the server's failure, not the client's 4xx.
        Expected {
            name: "server /slow?408",
            kind: Server,
            code: Code::DeadlineExceeded,
            error: true,
            error_type: Some("timeout"),
            http_status: Some(408),
            rpc: false,
        },
        // The client gets a 408: a client 4xx, from its number.
        Expected {
            name: "client 408",
            kind: Client,
            code: Code::DeadlineExceeded,
            error: true,
            error_type: Some("408"),
            http_status: Some(408),
            rpc: false,
        },
    ];
    let (normalized, spans) = ends.run(expected.len(), || async {
        let (peer, ours) = servers().await;
        for path in ["/proxy-503", "/bad-status", "/no-status"] {
            let client = GrpcStatusLayer::client().layer(connect(peer, true).await);
            let response = client
                .oneshot(get(path))
                .instrument(span(&format!("client {path}"), "client", true))
                .await
                .unwrap();
            let _ = response.into_body().collect().await;
        }
        let client = GrpcStatusLayer::client().layer(connect(resetting_peer().await, true).await);
        let response = client
            .oneshot(get("/"))
            .instrument(span("client reset", "client", true))
            .await
            .unwrap();
        assert!(response.into_body().collect().await.is_err());

        let client = HttpStatusLayer::client().layer(connect(ours, false).await);
        let response = client
            .oneshot(get("/body-error"))
            .instrument(span("client /body-error", "client", false))
            .await
            .unwrap();
        assert!(response.into_body().collect().await.is_err());

        // The caller gives up: the request's future is dropped.
        let client = HttpStatusLayer::client().layer(connect(ours, false).await);
        let call = client.oneshot(get("/slow?dropped")).instrument(span(
            "client dropped",
            "client",
            false,
        ));
        assert!(
            tokio::time::timeout(Duration::from_millis(100), call)
                .await
                .is_err()
        );

        let client = HttpStatusLayer::client().layer(connect(ours, false).await);
        let response = client
            .oneshot(get("/slow-body"))
            .instrument(span("client dropped body", "client", false))
            .await
            .unwrap();
        let mut body = response.into_body();
        assert!(body.frame().await.unwrap().unwrap().is_data());
        drop(body);

        // A timeout inside the client layer: its error reaches the layer.
        let client = ServiceBuilder::new()
            .layer(HttpStatusLayer::client())
            .timeout(Duration::from_millis(100))
            .service(connect(ours, false).await);
        let error = client
            .oneshot(get("/slow?timeout"))
            .instrument(span("client timeout", "client", false))
            .await
            .unwrap_err();
        assert!(error.is::<tower::timeout::error::Elapsed>(), "{error}");

        let client = HttpStatusLayer::client().layer(connect(timeout_server().await, false).await);
        let response = client
            .oneshot(get("/slow?408"))
            .instrument(span("client 408", "client", false))
            .await
            .unwrap();
        assert_eq!(response.status(), 408);
        let _ = response.into_body().collect().await;
    });

    let by_name: BTreeMap<&str, &proto::Span> =
        spans.iter().map(|s| (s.name.as_str(), s)).collect();
    assert_eq!(by_name.len(), expected.len(), "{:?}", by_name.keys());
    for e in &expected {
        let name = e.name;
        let span = by_name
            .get(name)
            .unwrap_or_else(|| panic!("no span {name}"));
        assert_eq!(span.kind, e.kind as i32, "{name}");
        let status = span.status.clone().unwrap_or_default();
        let want = if e.error {
            proto::status::StatusCode::Error
        } else {
            proto::status::StatusCode::Unset
        };
        assert_eq!(
            status.code, want as i32,
            "{name}: {status:?} {:?}",
            span.attributes
        );
        assert_eq!(
            attribute(span, "error.type"),
            e.error_type
                .map(|t| Any::StringValue(t.to_owned()))
                .iter()
                .collect::<Vec<_>>(),
            "{name}"
        );
        assert_eq!(
            attribute(span, "http.response.status_code"),
            e.http_status.map(Any::IntValue).iter().collect::<Vec<_>>(),
            "{name}"
        );
        let rpc_code = attribute(span, "rpc.response.status_code");
        if e.rpc {
            assert_eq!(
                rpc_code,
                [&Any::StringValue(e.code.as_str().to_owned())],
                "{name}"
            );
            assert_eq!(code_from_proto_span(span), Ok(e.code), "{name}");
        } else {
            assert!(rpc_code.is_empty(), "{name}");
        }

        let event = relay::by_name(&normalized, name);
        let trace = &event["contexts"]["trace"];
        let stored = match e.code {
            Code::Unknown => "internal_error", // Relay's name for `unknown_error`
            code => code.sentry_str(),
        };
        assert_eq!(trace["status"], stored, "{name}");
        assert_eq!(
            trace["data"]["sentry.status.code"],
            e.code.as_str(),
            "{name}"
        );
    }
    let bad = &by_name["client /bad-status"]
        .status
        .clone()
        .unwrap()
        .message;
    assert!(bad.contains("\"17\""), "{bad}");
}
