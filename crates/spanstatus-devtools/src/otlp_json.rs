//! [`JsonExporter`]: spans as OTLP/JSON lines.

use std::fmt;
use std::io::Write;
use std::sync::Mutex;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// A span exporter that writes each batch as one OTLP/JSON
/// `ExportTraceServiceRequest` on a line of its own, the body an OTLP/HTTP
/// collector accepts at `/v1/traces` with `Content-Type: application/json`.
///
/// ```text
/// use opentelemetry::trace::{Span, Tracer, TracerProvider};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use spanstatus_core::Code;
/// use spanstatus_opentelemetry::SpanExt;
/// use spanstatus_devtools::otlp_json::JsonExporter;
///
/// let exporter = JsonExporter::new(Vec::new());
/// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
/// let mut span = provider.tracer("doc").start("cache.get");
/// span.set_canonical_status(Code::NotFound, "Cache miss");
/// span.end();
/// drop((span, provider)); // shuts down and drops its clone of the exporter
///
/// let out = String::from_utf8(exporter.into_inner().unwrap()).unwrap();
/// let line: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
/// let span = &line["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
/// assert_eq!(span["status"]["message"], "Cache miss");
/// ```
pub struct JsonExporter<W> {
    shared: std::sync::Arc<Shared<W>>,
}

struct Shared<W> {
    out: Mutex<W>,
    resource: Mutex<ResourceAttributesWithSchema>,
}

impl<W> Clone for JsonExporter<W> {
    fn clone(&self) -> Self {
        JsonExporter {
            shared: self.shared.clone(),
        }
    }
}

impl JsonExporter<std::io::Stdout> {
    /// Writes to standard output.
    pub fn stdout() -> Self {
        JsonExporter::new(std::io::stdout())
    }
}

impl<W: Write> JsonExporter<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        JsonExporter {
            shared: std::sync::Arc::new(Shared {
                out: Mutex::new(out),
                resource: Mutex::new(ResourceAttributesWithSchema::from(
                    &Resource::builder_empty().build(),
                )),
            }),
        }
    }

    /// The writer, if this is the last clone of the exporter (the provider
    /// drops its clone on shutdown); `None` otherwise.
    pub fn into_inner(self) -> Option<W> {
        std::sync::Arc::try_unwrap(self.shared)
            .ok()
            .and_then(|shared| shared.out.into_inner().ok())
    }

    /// The OTLP request for `batch`, as this exporter writes it.
    pub fn request(&self, batch: Vec<SpanData>) -> ExportTraceServiceRequest {
        let resource = self
            .shared
            .resource
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ExportTraceServiceRequest {
            resource_spans: group_spans_by_resource_and_scope(batch, &resource),
        }
    }

    fn write(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let request = self.request(batch);
        let mut line = serde_json::to_vec(&request)
            .map_err(|e| OTelSdkError::InternalFailure(format!("OTLP/JSON encoding: {e}")))?;
        line.push(b'\n');
        let mut out = self
            .shared
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.write_all(&line)
            .and_then(|()| out.flush())
            .map_err(|e| OTelSdkError::InternalFailure(format!("writing spans: {e}")))
    }
}

impl<W> fmt::Debug for JsonExporter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonExporter").finish_non_exhaustive()
    }
}

impl<W: Write + Send + 'static> SpanExporter for JsonExporter<W> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.write(batch)
    }

    fn set_resource(&mut self, resource: &Resource) {
        *self
            .shared
            .resource
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            ResourceAttributesWithSchema::from(resource);
    }
}
