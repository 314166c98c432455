//! A custom OpenTelemetry policy reaches the spans that declare their kind:
//! `spans::HTTP_SERVER` and `spans::GRPC_CLIENT`, with the real status
//! layers and the real SDK (in memory).
#![cfg(all(feature = "opentelemetry", feature = "tower"))]

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Empty};
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use spanstatus::CodeSet;
use spanstatus::opentelemetry::{Policy, StatusLayer};
use spanstatus::prelude::*;
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer, spans};
use tower::{Layer, ServiceExt};
use tracing::Instrument;
use tracing_subscriber::prelude::*;

type Otel = StatusLayer<
    tracing_opentelemetry::OpenTelemetryLayer<
        tracing_subscriber::Registry,
        opentelemetry_sdk::trace::SdkTracer,
    >,
>;

/// A 429 whose handler said why: RESOURCE_EXHAUSTED, set by code.
async fn over_quota(_: Request<Empty<Bytes>>) -> Result<Response<Empty<Bytes>>, Infallible> {
    tracing::Span::current().set_canonical_status(Code::ResourceExhausted, "quota");
    let mut response = Response::new(Empty::new());
    *response.status_mut() = http::StatusCode::TOO_MANY_REQUESTS;
    Ok(response)
}

/// A Trailers-Only gRPC reply: NOT_FOUND in the headers.
async fn not_found(_: Request<Empty<Bytes>>) -> Result<Response<Empty<Bytes>>, Infallible> {
    let mut response = Response::new(Empty::new());
    let headers = response.headers_mut();
    headers.insert("content-type", "application/grpc".parse().unwrap());
    headers.insert("grpc-status", "5".parse().unwrap());
    Ok(response)
}

/// One HTTP server exchange and one gRPC client call under `configure`'s
/// layer; the two exported spans.
fn exchanges(configure: impl FnOnce(Otel) -> Otel) -> (SpanData, SpanData) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("policies"));
    let subscriber =
        tracing_subscriber::registry().with(configure(spanstatus::opentelemetry::layer(otel)));
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let request = Request::get("http://127.0.0.1/quota")
            .body(Empty::<Bytes>::new())
            .unwrap();
        let span = spans::HTTP_SERVER.make(&request);
        let service = HttpStatusLayer::server().layer(tower::service_fn(over_quota));
        let response = service.oneshot(request).instrument(span).await.unwrap();
        let _ = response.into_body().collect().await;

        let request = Request::post("http://127.0.0.1/pkg.Users/Get")
            .header("content-type", "application/grpc")
            .body(Empty::<Bytes>::new())
            .unwrap();
        let span = spans::GRPC_CLIENT.make(&request);
        let service = GrpcStatusLayer::client().layer(tower::service_fn(not_found));
        let response = service.oneshot(request).instrument(span).await.unwrap();
        let _ = response.into_body().collect().await;
    });
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let find = |kind: SpanKind| {
        spans
            .iter()
            .find(|span| span.span_kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} span in {spans:#?}"))
            .clone()
    };
    (find(SpanKind::Server), find(SpanKind::Client))
}

#[test]
fn the_default_policies_follow_the_semantic_conventions() {
    let (server, client) = exchanges(|layer| layer);
    // RESOURCE_EXHAUSTED is no server error; NOT_FOUND is a client's.
    assert_eq!(server.status, Status::Unset);
    assert_eq!(client.status, Status::error(""));
}

#[test]
fn a_policy_per_side_reaches_the_spans_of_spans() {
    let strict = Policy::custom(CodeSet::SERVER_ERRORS.with(Code::ResourceExhausted)).unwrap();
    let lenient = Policy::custom(CodeSet::SERVER_ERRORS).unwrap();
    let (server, client) =
        exchanges(|layer| layer.with_server_policy(strict).with_client_policy(lenient));
    assert_eq!(server.status, Status::error("quota"));
    assert_eq!(client.status, Status::Unset);
}
