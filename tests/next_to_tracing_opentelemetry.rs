//! A module that imports `tracing_opentelemetry::OpenTelemetrySpanExt` (for
//! `context()`, `set_parent()` and its own `set_status`) and the spanstatus
//! prelude compiles: no method name is claimed twice.
#![cfg(feature = "opentelemetry")]

use opentelemetry::trace::{Status as OtelStatus, TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use spanstatus::prelude::*;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::prelude::*;

#[test]
fn prelude_and_open_telemetry_span_ext_in_one_module() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry().with(
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("t"))
            .with_span_status(),
    );
    tracing::subscriber::with_default(subscriber, || {
        let parent = tracing::info_span!("parent");
        let span = tracing::info_span!("cache.get");
        span.set_parent(parent.context()).unwrap();
        span.set_canonical_status(Code::NotFound, "Cache miss");
        assert_eq!(
            span.canonical_status().map(|s| s.code()),
            Some(Code::NotFound)
        );
        let trace_id = span.context().span().span_context().trace_id();
        assert_eq!(trace_id, parent.context().span().span_context().trace_id());
        drop(span);

        // Their own `set_status` keeps working in the same module.
        let other = tracing::info_span!("other");
        other.set_status(OtelStatus::error("by hand"));
    });
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let cache = spans.iter().find(|s| s.name == "cache.get").unwrap();
    assert_eq!(cache.status, OtelStatus::error("Cache miss"));
    let other = spans.iter().find(|s| s.name == "other").unwrap();
    assert_eq!(other.status, OtelStatus::error("by hand"));
}
