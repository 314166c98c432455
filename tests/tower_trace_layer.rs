//! `GrpcStatusLayer` inside tower-http's `TraceLayer`. With `TraceLayer`'s
//! defaults, its `on_failure` logs every non-OK gRPC code at ERROR, which
//! tracing-opentelemetry turns into `Error("")` (so a server's NOT_FOUND can
//! no longer be `Unset`) and which sentry-tracing would send as one issue per
//! call. The setup docs/tower.md ships (`.on_failure(())`, and a span that
//! declares `otel.kind`) exports what the semantic conventions ask, and the
//! ready `trace::grpc_server()` logs no event at all.
#![cfg(all(
    feature = "opentelemetry",
    feature = "tower",
    feature = "tower-http",
    feature = "hyper"
))]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::Request;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use spanstatus::Code;
use spanstatus::opentelemetry::code_from_span_data;
use spanstatus::tower::GrpcStatusLayer;
use tower::Layer;
use tower_http::trace::TraceLayer;
use tracing_subscriber::prelude::*;

#[path = "support/hyper.rs"]
mod hyper_support;
use hyper_support::grpc_handler;

/// Counts ERROR events (what sentry-tracing would turn into Sentry issues)
/// and all of `TraceLayer`'s events (what tracing-opentelemetry would turn
/// into span events).
#[derive(Clone, Default)]
struct ErrorEvents(Arc<AtomicUsize>, Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ErrorEvents {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if *event.metadata().level() == tracing::Level::ERROR {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
        if event.metadata().target().starts_with("tower_http") {
            self.1.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Serves the gRPC handler behind `$trace` around
/// `GrpcStatusLayer::server()`, makes one NOT_FOUND call from a plain
/// client, and gives the exported server span and the ERROR events counted.
macro_rules! one_not_found_call {
    ($trace:expr) => {{
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let errors = ErrorEvents::default();
        let subscriber = tracing_subscriber::registry().with(errors.clone()).with(
            spanstatus::opentelemetry::layer(
                tracing_opentelemetry::layer().with_tracer(provider.tracer("trace-layer")),
            )
            // TraceLayer's spans and this file's; not hyper's or h2's own.
            .with_filter(
                tracing_subscriber::filter::Targets::new()
                    .with_target("tower_http", tracing::Level::TRACE)
                    .with_target("spanstatus_tower", tracing::Level::TRACE)
                    .with_target("tower_trace_layer", tracing::Level::TRACE),
            ),
        );
        let _default = tracing::subscriber::set_default(subscriber);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let trace = $trace;
        runtime.block_on(async move {
            let addr = hyper_support::serve(move || {
                trace.layer(GrpcStatusLayer::server().layer(tower::service_fn(grpc_handler)))
            })
            .await;
            let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let (send, connection) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                    .await
                    .unwrap();
            tokio::spawn(connection);
            let request = Request::post(format!("http://127.0.0.1/{}", Code::NotFound as i32))
                .header("content-type", "application/grpc")
                .body(http_body_util::Empty::<Bytes>::new())
                .unwrap();
            let mut send = send;
            let response = send.send_request(request).await.unwrap();
            let _ = response.into_body().collect().await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        });
        provider.force_flush().unwrap();
        let spans = exporter.get_finished_spans().unwrap();
        assert_eq!(spans.len(), 1, "{spans:?}");
        let span: SpanData = spans.into_iter().next().unwrap();
        (
            span,
            errors.0.load(Ordering::Relaxed),
            errors.1.load(Ordering::Relaxed),
        )
    }};
}

#[test]
fn trace_layer_defaults_turn_a_server_not_found_into_an_error() {
    let (span, errors, events) = one_not_found_call!(TraceLayer::new_for_grpc());
    // on_request, on_response, on_eos (DEBUG) and on_failure (ERROR).
    assert_eq!(events, 4);
    // The status we set (NOT_FOUND, Unset on a server) lost to `Error("")`:
    // the SDK keeps an Error over a later Unset.
    assert_eq!(span.status, Status::error(""));
    assert_eq!(errors, 1, "TraceLayer's on_failure logged at ERROR");
    // The code is still there.
    assert_eq!(code_from_span_data(&span), Ok(Code::NotFound));
}

#[test]
fn the_shipped_setup_keeps_the_semantic_conventions() {
    let trace = TraceLayer::new_for_grpc()
        // Our layer sets the status; no ERROR event per failed call.
        .on_failure(())
        // The kind declared, so the exported span is a SERVER span.
        .make_span_with(|request: &Request<hyper::body::Incoming>| {
            tracing::info_span!(
                "grpc request",
                otel.kind = "server",
                rpc.system = "grpc",
                uri = %request.uri()
            )
        });
    let (span, errors, _) = one_not_found_call!(trace);
    assert_eq!(span.span_kind, SpanKind::Server);
    assert_eq!(
        span.status,
        Status::Unset,
        "a server's NOT_FOUND is no error"
    );
    assert_eq!(errors, 0);
    assert_eq!(code_from_span_data(&span), Ok(Code::NotFound));
    let rpc_code = span
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "rpc.response.status_code")
        .map(|kv| kv.value.to_string());
    assert_eq!(rpc_code.as_deref(), Some("NOT_FOUND"));
}

#[test]
fn the_ready_trace_layer_keeps_the_conventions_and_logs_nothing() {
    let (span, errors, events) = one_not_found_call!(spanstatus::tower::trace::grpc_server());
    assert_eq!(span.span_kind, SpanKind::Server);
    assert_eq!(
        span.status,
        Status::Unset,
        "a server's NOT_FOUND is no error"
    );
    assert_eq!((errors, events), (0, 0), "no event per call");
    assert!(span.events.is_empty(), "{:?}", span.events);
    assert_eq!(code_from_span_data(&span), Ok(Code::NotFound));
    // Sentry's naming fields are declared without values: none is exported.
    let sentry_keys: Vec<_> = span
        .attributes
        .iter()
        .filter(|kv| kv.key.as_str().starts_with("sentry."))
        .collect();
    assert!(sentry_keys.is_empty(), "{sentry_keys:?}");
}
