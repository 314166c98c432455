//! `set_canonical_status` on native OpenTelemetry spans, with the SDK's own
//! traits (`Span::set_status`, `TraceContextExt`) in scope: no name collides.

use opentelemetry::trace::{Span, SpanKind, Status, TraceContextExt, Tracer, TracerProvider};
use opentelemetry::{Context, KeyValue, global};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use spanstatus_core::Code;
use spanstatus_opentelemetry::{Policy, SpanExt, SpanRefExt, code_from_span_data};

fn provider() -> (SdkTracerProvider, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    (provider, exporter)
}

fn finished(provider: &SdkTracerProvider, exporter: &InMemorySpanExporter) -> Vec<SpanData> {
    provider.force_flush().unwrap();
    exporter.get_finished_spans().unwrap()
}

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .rev()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.to_string())
}

#[test]
fn sdk_span_boxed_span_and_span_ref() {
    let (provider, exporter) = provider();
    let tracer = provider.tracer("native");

    // The SDK span, with `Span::set_status` still callable by its own name.
    let mut span = tracer.start("sdk");
    span.set_canonical_status(Code::NotFound, "Cache miss");
    span.set_attribute(KeyValue::new("after", true));
    span.end();

    // A server span with an explicit policy: NOT_FOUND stays Unset.
    let mut span = tracer
        .span_builder("server")
        .with_kind(SpanKind::Server)
        .start(&tracer);
    span.set_canonical_status_with(Code::NotFound, "no such user", &Policy::SERVER);
    span.end();

    // The active span of a context.
    tracer.in_span("span_ref", |cx: Context| {
        cx.span()
            .set_canonical_status(Code::DeadlineExceeded, "took 3s");
    });
    let cx = Context::current_with_span(tracer.start("span_ref_ok"));
    cx.span().set_canonical_status(Code::Ok, "");
    cx.span().end();

    // The SDK's own set_status is untouched.
    let mut span = tracer.start("plain");
    span.set_status(Status::error("plain"));
    span.end();

    let spans = finished(&provider, &exporter);
    let by_name = |name: &str| spans.iter().find(|s| s.name == name).unwrap();

    let sdk = by_name("sdk");
    assert_eq!(sdk.status, Status::error("Cache miss"));
    assert_eq!(attribute(sdk, "error.type").as_deref(), Some("NOT_FOUND"));
    assert_eq!(code_from_span_data(sdk), Ok(Code::NotFound));

    let server = by_name("server");
    assert_eq!(server.status, Status::Unset);
    assert_eq!(attribute(server, "error.type"), None);
    assert_eq!(code_from_span_data(server), Ok(Code::NotFound));

    let span_ref = by_name("span_ref");
    assert_eq!(span_ref.status, Status::error("took 3s"));
    assert_eq!(code_from_span_data(span_ref), Ok(Code::DeadlineExceeded));

    let ok = by_name("span_ref_ok");
    assert_eq!(ok.status, Status::Ok);
    assert_eq!(code_from_span_data(ok), Ok(Code::Ok));

    let plain = by_name("plain");
    assert_eq!(plain.status, Status::error("plain"));
    assert_eq!(
        code_from_span_data(plain),
        Err(spanstatus_opentelemetry::ReadCodeError::Missing)
    );
}

#[test]
fn global_boxed_span() {
    let (provider, exporter) = provider();
    global::set_tracer_provider(provider.clone());
    let mut span = global::tracer("global").start("boxed");
    span.set_canonical_status(Code::Unavailable, "try later");
    span.end();
    let spans = finished(&provider, &exporter);
    let span = spans.iter().find(|s| s.name == "boxed").unwrap();
    assert_eq!(span.status, Status::error("try later"));
    assert_eq!(code_from_span_data(span), Ok(Code::Unavailable));
}

/// Documents the SDK rule the tracing bridge avoids: on a native span the SDK
/// keeps the description that sorts higher, while the attributes are
/// appended, so the code attribute read back is the last one set.
#[test]
fn native_spans_follow_the_sdk_ordering() {
    let (provider, exporter) = provider();
    let mut span = provider.tracer("native").start("twice");
    span.set_canonical_status(Code::Unavailable, "b");
    span.set_canonical_status(Code::NotFound, "a");
    span.end();
    let spans = finished(&provider, &exporter);
    assert_eq!(spans[0].status, Status::error("b"));
    assert_eq!(code_from_span_data(&spans[0]), Ok(Code::NotFound));
}
