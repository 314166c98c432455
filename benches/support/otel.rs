//! The OpenTelemetry pipelines the benches compare: what a user has without
//! spanstatus, and the README's stack, both over an SDK with a simple
//! processor and an exporter that drops every batch.

use std::hint::black_box;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use tracing::Dispatch;
use tracing_subscriber::prelude::*;

/// The cheapest exporter: drops every batch.
#[derive(Debug)]
pub struct NoopExporter;

impl SpanExporter for NoopExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        black_box(batch);
        Ok(())
    }
}

pub fn provider() -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_simple_exporter(NoopExporter)
        .build()
}

/// tracing → tracing-opentelemetry → SDK: what a user has without us.
pub fn otel_plain(provider: &SdkTracerProvider) -> Dispatch {
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"));
    Dispatch::new(tracing_subscriber::registry().with(otel))
}

/// The README's stack: our status layer and the OTel wrapper.
pub fn otel_ours(provider: &SdkTracerProvider) -> Dispatch {
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"));
    Dispatch::new(
        tracing_subscriber::registry()
            .with(spanstatus::tracing::fmt_layer())
            .with(spanstatus::opentelemetry::layer(otel)),
    )
}
