//! [`ReportingExporter`]: says on stderr what happened to the exported spans.
//!
//! The OpenTelemetry SDK reports a failed export only through its internal
//! logs (feature `internal-logs`), so an example exporting to a collector
//! that is not there would end as if all went well. Wrapped in a
//! [`ReportingExporter`], each failed batch prints a line and shutdown prints
//! the tally:
//!
//! ```text
//! OpenTelemetry (OTLP grpc): 3 spans not exported: …
//! OpenTelemetry (OTLP grpc): 0 spans exported, 3 failed
//! ```

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// A span exporter that forwards to `E` and reports its failures and, on
/// shutdown, how many spans it exported, on stderr.
#[derive(Debug)]
pub struct ReportingExporter<E> {
    inner: E,
    what: String,
    tally: Arc<Tally>,
}

/// How many spans a [`ReportingExporter`] exported, and how many failed.
#[derive(Debug, Default)]
pub struct Tally {
    exported: AtomicU64,
    failed: AtomicU64,
}

impl Tally {
    /// Spans in batches the inner exporter exported.
    pub fn exported(&self) -> u64 {
        self.exported.load(Ordering::Relaxed)
    }

    /// Spans in batches the inner exporter failed to export.
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exported = self.exported();
        let spans = if exported == 1 { "span" } else { "spans" };
        write!(f, "{exported} {spans} exported, {} failed", self.failed())
    }
}

impl<E> ReportingExporter<E> {
    /// Wraps `inner`; `what` names it in the messages, e.g. `OTLP grpc`.
    pub fn new(inner: E, what: impl Into<String>) -> Self {
        ReportingExporter {
            inner,
            what: what.into(),
            tally: Arc::default(),
        }
    }

    /// The counts, shared with the exporter (read them after shutdown).
    pub fn tally(&self) -> Arc<Tally> {
        self.tally.clone()
    }
}

impl<E: SpanExporter> SpanExporter for ReportingExporter<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let spans = batch.len() as u64;
        let result = self.inner.export(batch).await;
        match &result {
            Ok(()) => {
                self.tally.exported.fetch_add(spans, Ordering::Relaxed);
            }
            Err(error) => {
                self.tally.failed.fetch_add(spans, Ordering::Relaxed);
                eprintln!(
                    "OpenTelemetry ({}): {spans} {} not exported: {error}",
                    self.what,
                    if spans == 1 { "span" } else { "spans" },
                );
            }
        }
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        let result = self.inner.shutdown_with_timeout(timeout);
        eprintln!("OpenTelemetry ({}): {}", self.what, self.tally);
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::error::OTelSdkError;
    use opentelemetry_sdk::trace::SdkTracerProvider;

    use super::*;

    /// Fails every batch whose first span is named `fail`.
    #[derive(Debug)]
    struct Picky;

    impl SpanExporter for Picky {
        async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
            match batch.first() {
                Some(span) if span.name == "fail" => {
                    Err(OTelSdkError::InternalFailure("refused".into()))
                }
                _ => Ok(()),
            }
        }
    }

    #[test]
    fn counts_exported_and_failed_spans() {
        let exporter = ReportingExporter::new(Picky, "to the test");
        let tally = exporter.tally();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter)
            .build();
        let tracer = provider.tracer("test");
        for name in ["ok", "fail", "ok"] {
            tracer.start(name).end();
        }
        provider.shutdown().unwrap();
        assert_eq!((tally.exported(), tally.failed()), (2, 1));
        assert_eq!(tally.to_string(), "2 spans exported, 1 failed");
    }
}
