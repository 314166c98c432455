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
use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::trace::v1 as proto;
use opentelemetry_sdk::trace::BatchConfigBuilder;
use serde_json::Value;
use spanstatus::Code;
use spanstatus::opentelemetry::code_from_proto_span;
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer};
use tower::{Layer, Service, ServiceExt};
use tracing::Instrument;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

#[path = "support/hyper.rs"]
mod hyper_support;
#[path = "support/otlp.rs"]
mod otlp;
#[path = "support/relay.rs"]
mod relay;
use hyper_support::grpc_handler;

type Body = http_body_util::Full<Bytes>;

/// `/N` answers with status N.
async fn handler(request: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
    let status: u16 = request.uri().path()[1..].parse().unwrap();
    let mut response = Response::new(Body::new(Bytes::from_static(b"hello")));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    Ok(response)
}

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
            let name = format!("server {}", request.uri().path());
            let span = request_span(&name, "server");
            let future = span.in_scope(|| service.call(request));
            future.instrument(span)
        })
    })
    .await
}

async fn get(addr: std::net::SocketAddr, status: u16, client_layer: bool) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (send, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = Request::get(format!("http://127.0.0.1/{status}"))
        .body(http_body_util::Empty::<Bytes>::new())
        .unwrap();
    if client_layer {
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
    } else {
        let mut send = send;
        let response = send.send_request(request).await.unwrap();
        let _ = response.into_body().collect().await;
    }
}

fn attribute<'a>(span: &'a proto::Span, key: &str) -> Vec<&'a Any> {
    span.attributes
        .iter()
        .filter(|kv| kv.key == key)
        .filter_map(|kv| kv.value.as_ref()?.value.as_ref())
        .collect()
}

/// The three ends: rotel forwarding to an in-test receiver, a provider
/// exporting to rotel, and Relay's Python.
struct Ends {
    receiver: otlp::Receiver,
    _rotel: otlp::Rotel,
    provider: opentelemetry_sdk::trace::SdkTracerProvider,
    python: String,
    _serial: std::sync::MutexGuard<'static, ()>,
}

impl Ends {
    /// `None` (after a warning; a failure in CI) when rotel or Relay is missing.
    fn start() -> Option<Ends> {
        let (Some(rotel), Some(python)) = (otlp::rotel_binary(), relay::relay_python()) else {
            return None;
        };
        let serial = otlp::serial();
        let receiver = otlp::Receiver::start();
        let rotel = otlp::Rotel::start(&rotel, receiver.addr);
        let batch = BatchConfigBuilder::default().with_scheduled_delay(Duration::from_millis(50));
        let provider = otlp::exporting_provider(
            &receiver,
            otlp::Transport::Grpc,
            rotel.grpc_port,
            batch,
            Duration::from_secs(5),
        );
        Some(Ends {
            receiver,
            _rotel: rotel,
            provider,
            python,
            _serial: serial,
        })
    }

    /// Runs `f` on one thread (the Sentry hub the capture binds is this
    /// thread's, and the server's tasks run on it too) under the README's
    /// stack; the captured transactions, normalized by Relay, and the spans
    /// that reached the receiver once `n` have.
    fn run<F: std::future::Future<Output = ()>>(
        &self,
        n: usize,
        f: impl FnOnce() -> F,
    ) -> (Vec<Value>, Vec<proto::Span>) {
        let dispatch = tracing::Dispatch::new(
            tracing_subscriber::registry()
                .with(spanstatus::tracing::layer())
                // hyper's and h2's own (debug and trace) spans stay out.
                .with(
                    spanstatus::opentelemetry::layer(
                        tracing_opentelemetry::layer().with_tracer(self.provider.tracer("tower")),
                    )
                    .with_filter(LevelFilter::INFO),
                )
                .with(spanstatus::sentry::span_layer().with_filter(LevelFilter::INFO)),
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let events = relay::capture(|| {
            tracing::dispatcher::with_default(&dispatch, || {
                runtime.block_on(async {
                    f().await;
                    // Let the server's spans close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                })
            })
        });
        self.provider.force_flush().unwrap();
        let spans = self.receiver.sink.take_at_least(n, Duration::from_secs(10));
        (relay::normalize(&self.python, &events), spans)
    }
}

#[test]
fn http_exchanges_at_the_collector_and_through_relay() {
    let Some(ends) = Ends::start() else { return };
    // (name, kind, HTTP status, OTel status is Error)
    let expected = [
        ("server /200", proto::span::SpanKind::Server, 200, false),
        ("server /404", proto::span::SpanKind::Server, 404, false),
        ("server /503", proto::span::SpanKind::Server, 503, true),
        ("server /429", proto::span::SpanKind::Server, 429, false),
        ("client /429", proto::span::SpanKind::Client, 429, true),
    ];
    let (normalized, spans) = ends.run(expected.len(), || async {
        let addr = serve().await;
        for status in [200, 404, 503] {
            get(addr, status, false).await;
        }
        get(addr, 429, true).await;
    });

    // ---- OpenTelemetry, at the receiver behind rotel ----
    let by_name: BTreeMap<&str, &proto::Span> =
        spans.iter().map(|s| (s.name.as_str(), s)).collect();
    assert_eq!(by_name.len(), expected.len(), "{:?}", by_name.keys());
    for (name, kind, http, error) in expected {
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
    for (name, _, http, _) in expected {
        let event = relay::by_name(&normalized, name);
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
                assert_ne!(status, proto::status::StatusCode::Error as i32, "{name}");
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
