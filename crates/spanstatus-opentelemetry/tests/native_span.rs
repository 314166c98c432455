//! The verb family on native OpenTelemetry SDK spans, with the SDK's own
//! traits (`Span::set_status`, `TraceContextExt`) in scope: no name collides,
//! and a span never exports a status and code attributes that disagree.

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span, SpanKind, Status, Tracer, TracerProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use proptest::prelude::*;
use spanstatus_core::{Code, Status as CanonicalStatus};
use spanstatus_opentelemetry::{CanonicalStatusExt, Policy, code_from_span_data};

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
fn verbs_on_sdk_spans_and_the_sdk_set_status_untouched() {
    let (provider, exporter) = provider();
    let tracer = provider.tracer("native");

    let mut span = tracer.start("sdk");
    span.set_canonical_status(Code::NotFound, "Cache miss");
    assert_eq!(
        span.canonical_status(),
        Some(CanonicalStatus::new(Code::NotFound, "Cache miss"))
    );
    span.set_attribute(KeyValue::new("after", true));
    span.end();

    // A server span: its kind picks the policy, NOT_FOUND stays Unset.
    let mut span = tracer
        .span_builder("server")
        .with_kind(SpanKind::Server)
        .start(&tracer);
    span.set_canonical_code(Code::NotFound);
    assert_eq!(
        span.canonical_status().map(|s| s.code()),
        Some(Code::NotFound)
    );
    span.end();

    // An explicit policy wins over the kind.
    let mut span = tracer.start("explicit");
    span.set_canonical_status_with(Code::NotFound, "no such user", &Policy::SERVER);
    span.end();

    let mut span = tracer.start("recorded");
    span.record_canonical_status(CanonicalStatus::new(Code::Ok, ""));
    span.end();

    // The SDK's own set_status is untouched.
    let mut span = tracer.start("plain");
    span.set_status(Status::error("plain"));
    assert_eq!(span.canonical_status(), None);
    span.end();

    let spans = finished(&provider, &exporter);
    let by_name = |name: &str| spans.iter().find(|s| s.name == name).unwrap();

    let sdk = by_name("sdk");
    assert_eq!(sdk.status, Status::error("Cache miss"));
    assert_eq!(attribute(sdk, "error.type").as_deref(), Some("NOT_FOUND"));
    assert_eq!(code_from_span_data(sdk), Ok(Code::NotFound));

    for name in ["server", "explicit"] {
        let span = by_name(name);
        assert_eq!(span.status, Status::Unset, "{name}");
        assert_eq!(attribute(span, "error.type"), None, "{name}");
        assert_eq!(code_from_span_data(span), Ok(Code::NotFound), "{name}");
    }

    let ok = by_name("recorded");
    assert_eq!(ok.status, Status::Ok);
    assert_eq!(code_from_span_data(ok), Ok(Code::Ok));

    let plain = by_name("plain");
    assert_eq!(plain.status, Status::error("plain"));
    assert_eq!(
        code_from_span_data(plain),
        Err(spanstatus_opentelemetry::ReadCodeError::TooLittle { status: "Error" })
    );
}

/// The first canonical status is final on a native span, whichever way the
/// SDK would order the next one; attributes are written once.
#[test]
fn the_first_canonical_status_is_final() {
    let (provider, exporter) = provider();
    let tracer = provider.tracer("native");
    for (name, first, second) in [
        (
            "lower_next",
            (Code::Unavailable, "b"),
            (Code::NotFound, "a"),
        ),
        (
            "higher_next",
            (Code::NotFound, "a"),
            (Code::Unavailable, "b"),
        ),
        ("ok_next", (Code::Cancelled, "gone"), (Code::Ok, "")),
    ] {
        let mut span = tracer.start(name);
        span.set_canonical_status(first.0, first.1);
        span.set_canonical_status(second.0, second.1);
        assert_eq!(
            span.canonical_status(),
            Some(CanonicalStatus::new(first.0, first.1))
        );
        span.end();
    }
    let spans = finished(&provider, &exporter);
    for span in &spans {
        let keys: Vec<&str> = span.attributes.iter().map(|kv| kv.key.as_str()).collect();
        assert_eq!(
            keys,
            ["rpc.response.status_code", "error.type"],
            "{}",
            span.name
        );
        let expected = match span.name.as_ref() {
            "lower_next" => (Code::Unavailable, "b"),
            "higher_next" => (Code::NotFound, "a"),
            _ => (Code::Cancelled, "gone"),
        };
        assert_eq!(code_from_span_data(span), Ok(expected.0));
        assert_eq!(span.status, Status::error(expected.1));
    }
}

/// One canonical status call: code, message, and the policy (`None`: the
/// span kind's).
fn call() -> impl Strategy<Value = (Code, &'static str, Option<bool>)> {
    (
        (0..17i32).prop_map(|n| Code::from_i32(n).unwrap()),
        prop::sample::select(vec!["", "a", "b", "timeout"]),
        prop::option::of(any::<bool>()),
    )
}

proptest! {
    #[test]
    fn status_and_code_attributes_never_disagree(
        server in any::<bool>(),
        calls in prop::collection::vec(call(), 1..6),
    ) {
        let (provider, exporter) = provider();
        let tracer = provider.tracer("prop");
        let kind = if server { SpanKind::Server } else { SpanKind::Internal };
        let mut span = tracer.span_builder("s").with_kind(kind.clone()).start(&tracer);
        let calls: Vec<(Code, &str, Policy)> = calls
            .into_iter()
            .map(|(code, message, policy)| {
                let policy = match policy {
                    Some(true) => Policy::SERVER,
                    Some(false) => Policy::CLIENT,
                    None => Policy::for_kind(&kind),
                };
                (code, message, policy)
            })
            .collect();
        for (code, message, policy) in &calls {
            span.set_canonical_status_with(*code, *message, policy);
        }
        let read_back = span.canonical_status();
        span.end();
        let spans = finished(&provider, &exporter);
        let exported = &spans[0];
        let code = code_from_span_data(exported);
        prop_assert_eq!(read_back.map(|s| s.code()), code.clone().ok());
        let code = code.unwrap();
        // The first call is the one exported, status and attributes alike.
        let (first, message, policy) = calls[0];
        prop_assert_eq!(code, first);
        prop_assert_eq!(&exported.status, &spanstatus_opentelemetry::to_otel_status(first, message, &policy));
        let written = exported
            .attributes
            .iter()
            .filter(|kv| kv.key.as_str() == "rpc.response.status_code")
            .count();
        prop_assert_eq!(written, 1);
        prop_assert_eq!(
            attribute(exported, "error.type").is_some(),
            matches!(exported.status, Status::Error { .. })
        );
    }
}

/// A status the user set with the SDK's own `set_status` is never paired
/// with code attributes it does not match: a lower canonical status is not
/// written.
#[test]
fn the_sdk_status_set_first_is_not_contradicted() {
    let (provider, exporter) = provider();
    let tracer = provider.tracer("native");
    let mut span = tracer
        .span_builder("server")
        .with_kind(SpanKind::Server)
        .start(&tracer);
    span.set_status(Status::error("disk full"));
    span.set_canonical_status(Code::NotFound, "no such row"); // Unset < Error
    span.end();
    let mut span = tracer.start("ok");
    span.set_status(Status::Ok);
    span.set_canonical_status(Code::Internal, "late");
    span.end();
    let spans = finished(&provider, &exporter);
    for span in &spans {
        assert_eq!(
            code_from_span_data(span).ok().filter(|c| !c.is_ok()),
            None,
            "{}",
            span.name
        );
        assert_eq!(
            attribute(span, "rpc.response.status_code"),
            None,
            "{}",
            span.name
        );
    }
}
