//! The tower layers end to end, at the three ends: a real hyper server and
//! client on 127.0.0.1 with `spanstatus::tower`'s layers, a real OTLP
//! collector (rotel) receiving the spans, and Sentry's normalizer (Relay)
//! receiving the transactions.
//!
//! ```sh
//! eval "$(scripts/python-deps.sh)"
//! cargo test --features full --test tower_end_to_end
//! ```
#![cfg(all(
    feature = "opentelemetry",
    feature = "sentry",
    feature = "tower",
    feature = "hyper"
))]

use std::collections::BTreeMap;

use bytes::Bytes;
use http::Request;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::trace::v1 as proto;
use serde_json::Value;
use spanstatus::Code;
use spanstatus::opentelemetry::code_from_proto_span;
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer};
use tower::{Layer, Service, ServiceExt};
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
use hyper_support::{grpc_handler, status_handler as handler};

/// The span tower-http's `TraceLayer` would make, with the kind declared
/// (its `make_span_with`) and a name for each request.
fn request_span(name: &str, kind: &str) -> tracing::Span {
    tracing::info_span!(
        "request",
        otel.name = name,
        otel.kind = kind,
        sentry.name = name,
        http.request.method = "GET"
    )
}

async fn serve() -> std::net::SocketAddr {
    hyper_support::serve(|| {
        let mut service = HttpStatusLayer::server().layer(tower::service_fn(handler));
        tower::service_fn(move |request: Request<hyper::body::Incoming>| {
            let path = request.uri().path_and_query().map_or("", |p| p.as_str());
            let name = format!("server {path}");
            let span = request_span(&name, "server");
            let future = span.in_scope(|| service.call(request));
            future.instrument(span)
        })
    })
    .await
}

/// GET `/status` through `HttpStatusLayer::client()`, in a client span.
async fn get(addr: std::net::SocketAddr, status: u16) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (send, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = Request::get(format!("http://127.0.0.1/{status}"))
        .body(http_body_util::Empty::<Bytes>::new())
        .unwrap();
    let mut send = Some(send);
    let send = tower::service_fn(move |request| {
        let mut send = send.take().expect("one call");
        async move { send.send_request(request).await }
    });
    let span = request_span(&format!("client /{status}"), "client");
    let response = HttpStatusLayer::client()
        .layer(send)
        .oneshot(request)
        .instrument(span)
        .await
        .unwrap();
    let _ = response.into_body().collect().await;
}

/// The issue's matrix of HTTP statuses.
const STATUSES: [u16; 18] = [
    200, 204, 301, 304, 400, 401, 403, 404, 409, 413, 429, 499, 500, 501, 502, 503, 504, 599,
];

/// One exchange's two spans: (name, kind, HTTP status, OTel status is
/// Error), by semconv's HTTP rules written out independently of the
/// bridge's (server: 5xx; client: 4xx and 5xx).
fn both_sides(path: &str, status: u16) -> [(String, proto::span::SpanKind, u16, bool); 2] {
    [
        (
            format!("server {path}"),
            proto::span::SpanKind::Server,
            status,
            status >= 500,
        ),
        (
            format!("client {path}"),
            proto::span::SpanKind::Client,
            status,
            status >= 400,
        ),
    ]
}

/// Checks each expected span at the collector and through Relay.
fn check_http(
    expected: &[(String, proto::span::SpanKind, u16, bool)],
    spans: &[proto::Span],
    normalized: &[Value],
) {
    // ---- OpenTelemetry, at the receiver behind rotel ----
    let by_name: BTreeMap<&str, &proto::Span> =
        spans.iter().map(|s| (s.name.as_str(), s)).collect();
    assert_eq!(by_name.len(), expected.len(), "{:?}", by_name.keys());
    for (name, kind, http, error) in expected.iter().cloned() {
        let name = name.as_str();
        let span = by_name[name];
        assert_eq!(span.kind, kind as i32, "{name}");
        let status = span.status.as_ref().map_or(0, |s| s.code);
        let want = if error {
            proto::status::StatusCode::Error
        } else {
            proto::status::StatusCode::Unset
        };
        assert_eq!(status, want as i32, "{name}");
        assert_eq!(span.status.as_ref().map_or("", |s| s.message.as_str()), "");
        assert_eq!(
            attribute(span, "http.response.status_code"),
            [&Any::IntValue(i64::from(http))],
            "{name}"
        );
        let error_type = attribute(span, "error.type");
        if error {
            assert_eq!(error_type, [&Any::StringValue(http.to_string())], "{name}");
        } else {
            assert!(error_type.is_empty(), "{name}: {error_type:?}");
        }
        assert!(
            attribute(span, "rpc.response.status_code").is_empty(),
            "{name}"
        );
        assert_eq!(code_from_proto_span(span), Ok(Code::from_http_status(http)));
    }

    // ---- Sentry, through Relay's normalizer ----
    assert_eq!(normalized.len(), expected.len());
    for (name, _, http, _) in expected.iter().cloned() {
        let name = name.as_str();
        let event = relay::by_name(normalized, name);
        assert!(event.get("errors").is_none(), "{:#}", event["errors"]);
        let trace = &event["contexts"]["trace"];
        let code = Code::from_http_status(http);
        assert_eq!(trace["status"], code.sentry_str(), "{name}");
        assert_eq!(trace["data"]["sentry.status.code"], code.as_str(), "{name}");
        assert_eq!(trace["data"]["http.response.status_code"], http, "{name}");
        assert_eq!(
            trace["data"].get("sentry.status.message"),
            None::<&Value>,
            "{name}"
        );
    }
}

#[test]
fn http_exchanges_at_the_collector_and_through_relay() {
    let Some(ends) = Ends::start() else { return };
    let expected: Vec<_> = STATUSES
        .iter()
        .flat_map(|&status| both_sides(&format!("/{status}"), status))
        .collect();
    let (normalized, spans) = ends.run(expected.len(), || async {
        let addr = serve().await;
        for status in STATUSES {
            get(addr, status).await;
        }
    });
    check_http(&expected, &spans, &normalized);
}

#[test]
fn a_thousand_concurrent_exchanges_each_with_its_own_status() {
    let Some(ends) = Ends::start() else { return };
    const N: usize = 1000;
    const CONNECTIONS: usize = 10;
    let path = |i: usize| format!("/{}?i={i}", STATUSES[i % STATUSES.len()]);
    let expected: Vec<_> = (0..N)
        .flat_map(|i| both_sides(&path(i), STATUSES[i % STATUSES.len()]))
        .collect();
    let (normalized, spans) = ends.run(expected.len(), || async move {
        let addr = serve().await;
        // HTTP/2: 100 concurrent streams on each of 10 connections.
        let mut connections = Vec::new();
        for _ in 0..CONNECTIONS {
            let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let (send, connection) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                    .await
                    .unwrap();
            tokio::spawn(connection);
            connections.push(send);
        }
        let mut calls = tokio::task::JoinSet::new();
        for i in 0..N {
            let send = connections[i % CONNECTIONS].clone();
            let path = path(i);
            calls.spawn(async move {
                let send = tower::service_fn(move |request| {
                    let mut send = send.clone();
                    async move { send.send_request(request).await }
                });
                let request = Request::get(format!("http://127.0.0.1{path}"))
                    .body(http_body_util::Empty::<Bytes>::new())
                    .unwrap();
                let span = request_span(&format!("client {path}"), "client");
                let response = HttpStatusLayer::client()
                    .layer(send)
                    .oneshot(request)
                    .instrument(span)
                    .await
                    .unwrap();
                let _ = response.into_body().collect().await;
            });
        }
        while let Some(call) = calls.join_next().await {
            call.unwrap();
        }
    });
    check_http(&expected, &spans, &normalized);
}

// ---------------------------------------------------------------------------
// gRPC over HTTP/2: the status in the trailers at the end of the stream.
// ---------------------------------------------------------------------------

async fn serve_grpc() -> std::net::SocketAddr {
    hyper_support::serve(|| {
        let mut service = GrpcStatusLayer::server().layer(tower::service_fn(grpc_handler));
        tower::service_fn(move |request: Request<hyper::body::Incoming>| {
            let name = format!("grpc server {}", request.uri().path());
            // No `otel.kind`: the layer's side decides the policy.
            let span = tracing::info_span!(
                "rpc",
                otel.name = name.as_str(),
                sentry.name = name.as_str(),
                rpc.system = "grpc"
            );
            let future = span.in_scope(|| service.call(request));
            future.instrument(span)
        })
    })
    .await
}

async fn grpc_call(addr: std::net::SocketAddr, code: Code) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (send, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let request = Request::post(format!("http://127.0.0.1/{}", code as i32))
        .header("content-type", "application/grpc")
        .body(http_body_util::Empty::<Bytes>::new())
        .unwrap();
    let send = tower::service_fn(move |request| {
        let mut send = send.clone();
        async move { send.send_request(request).await }
    });
    let name = format!("grpc client /{}", code as i32);
    // A client span that declares no kind either.
    let span = tracing::info_span!(
        "rpc",
        otel.name = name.as_str(),
        sentry.name = name.as_str()
    );
    let response = GrpcStatusLayer::client()
        .layer(send)
        .oneshot(request)
        .instrument(span)
        .await
        .unwrap();
    let _ = response.into_body().collect().await;
}

#[test]
fn grpc_calls_at_the_collector_and_through_relay() {
    let Some(ends) = Ends::start() else { return };
    let codes = [Code::Ok, Code::NotFound, Code::Unavailable];
    let (normalized, spans) = ends.run(2 * codes.len(), || async move {
        let addr = serve_grpc().await;
        for code in codes {
            grpc_call(addr, code).await;
        }
    });
    let by_name: BTreeMap<&str, &proto::Span> =
        spans.iter().map(|s| (s.name.as_str(), s)).collect();
    assert_eq!(by_name.len(), 2 * codes.len(), "{:?}", by_name.keys());
    for code in codes {
        let n = code as i32;
        for side in ["server", "client"] {
            let name = format!("grpc {side} /{n}");
            let span = by_name[name.as_str()];
            // Entered before the status is known, so tracing-opentelemetry
            // started them as INTERNAL (docs/opentelemetry.md, "the side of
            // an exchange"); the policy still follows the side.
            assert_eq!(span.kind, proto::span::SpanKind::Internal as i32, "{name}");
            // gRPC semconv: a server errs only for the six server codes, a
            // client for every non-OK code.
            let error = code != Code::Ok && (side == "client" || code == Code::Unavailable);
            let status = span.status.as_ref().map_or(0, |s| s.code);
            if error {
                assert_eq!(status, proto::status::StatusCode::Error as i32, "{name}");
                assert_eq!(span.status.as_ref().unwrap().message, format!("call {n}"));
                assert_eq!(
                    attribute(span, "error.type"),
                    [&Any::StringValue(code.as_str().to_owned())],
                    "{name}"
                );
            } else {
                // OK included: instrumentation does not set Ok.
                assert_eq!(status, proto::status::StatusCode::Unset as i32, "{name}");
                assert!(attribute(span, "error.type").is_empty(), "{name}");
            }
            assert_eq!(
                attribute(span, "rpc.response.status_code"),
                [&Any::StringValue(code.as_str().to_owned())],
                "{name}"
            );
            assert_eq!(code_from_proto_span(span), Ok(code), "{name}");

            let event = relay::by_name(&normalized, &name);
            let trace = &event["contexts"]["trace"];
            assert_eq!(trace["status"], code.sentry_str(), "{name}");
            assert_eq!(trace["data"]["sentry.status.code"], code.as_str(), "{name}");
            if code != Code::Ok {
                assert_eq!(
                    trace["data"]["sentry.status.message"],
                    format!("call {n}"),
                    "{name}"
                );
            }
        }
    }
}
