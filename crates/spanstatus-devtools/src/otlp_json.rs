//! [`JsonExporter`]: spans as OTLP/JSON lines, or as one summary line per
//! span ([`Format`]).

use std::fmt;
use std::io::Write;
use std::sync::Mutex;

use opentelemetry::Value;
use opentelemetry::trace::{SpanKind, Status};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// What [`JsonExporter`] writes for each exported batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One OTLP/JSON `ExportTraceServiceRequest` per batch, on a line of its
    /// own ([`JsonExporter::new`]'s format).
    Json,
    /// One line per span: name, kind, OTel status and the status code
    /// attributes ([`summary`]), e.g.
    ///
    /// ```text
    /// otel span "cache.get" kind=internal status=Error("Cache miss") rpc.response.status_code=NOT_FOUND error.type=NOT_FOUND
    /// ```
    Summary,
}

/// The attributes [`Format::Summary`] shows, in this order, when a span has
/// them: what spanstatus' OpenTelemetry adapter writes, and HTTP's code.
pub const SUMMARY_ATTRIBUTES: [&str; 4] = [
    "rpc.response.status_code",
    "rpc.grpc.status_code",
    "http.response.status_code",
    "error.type",
];

/// A span exporter that writes each batch as one OTLP/JSON
/// `ExportTraceServiceRequest` on a line of its own, the body an OTLP/HTTP
/// collector accepts at `/v1/traces` with `Content-Type: application/json`;
/// or, with [`Format::Summary`], one short line per span.
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
    format: Format,
}

struct Shared<W> {
    out: Mutex<W>,
    resource: Mutex<ResourceAttributesWithSchema>,
}

impl<W> Clone for JsonExporter<W> {
    fn clone(&self) -> Self {
        JsonExporter {
            shared: self.shared.clone(),
            format: self.format,
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
    /// Writes OTLP/JSON ([`Format::Json`]) to `out`; see
    /// [`with_format`](Self::with_format).
    pub fn new(out: W) -> Self {
        JsonExporter {
            format: Format::Json,
            shared: std::sync::Arc::new(Shared {
                out: Mutex::new(out),
                resource: Mutex::new(ResourceAttributesWithSchema::from(
                    &Resource::builder_empty().build(),
                )),
            }),
        }
    }

    /// This exporter writing in `format` (it shares the writer with its other
    /// clones).
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// What this exporter writes.
    pub fn format(&self) -> Format {
        self.format
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
        let text = match self.format {
            Format::Json => {
                let request = self.request(batch);
                let mut line = serde_json::to_vec(&request).map_err(|e| {
                    OTelSdkError::InternalFailure(format!("OTLP/JSON encoding: {e}"))
                })?;
                line.push(b'\n');
                line
            }
            Format::Summary => {
                let mut text = String::new();
                for span in &batch {
                    text.push_str(&summary(span));
                    text.push('\n');
                }
                text.into_bytes()
            }
        };
        let mut out = self
            .shared
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.write_all(&text)
            .and_then(|()| out.flush())
            .map_err(|e| OTelSdkError::InternalFailure(format!("writing spans: {e}")))
    }
}

/// The line [`Format::Summary`] writes for `span` (without the newline):
/// `otel span`, the name, the kind, the status (`Unset`, `Ok` or
/// `Error("description")`) and the [`SUMMARY_ATTRIBUTES`] it has.
pub fn summary(span: &SpanData) -> String {
    let kind = match span.span_kind {
        SpanKind::Client => "client",
        SpanKind::Server => "server",
        SpanKind::Producer => "producer",
        SpanKind::Consumer => "consumer",
        SpanKind::Internal => "internal",
    };
    let mut line = format!("otel span {:?} kind={kind} status=", span.name.as_ref());
    match &span.status {
        Status::Unset => line.push_str("Unset"),
        Status::Ok => line.push_str("Ok"),
        Status::Error { description } => {
            line.push_str(&format!("Error({:?})", description.as_ref()))
        }
    }
    for key in SUMMARY_ATTRIBUTES {
        // A key written twice shows its last value.
        let Some(value) = span
            .attributes
            .iter()
            .rev()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
        else {
            continue;
        };
        line.push_str(&format!(" {key}={}", value_text(value)));
    }
    line
}

/// A string as it is when it is one non-empty word, quoted otherwise; other
/// values as OTel displays them.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let s = s.as_str();
            if !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || c == '"' || c == '=') {
                s.to_owned()
            } else {
                format!("{s:?}")
            }
        }
        other => other.to_string(),
    }
}

impl<W> fmt::Debug for JsonExporter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonExporter")
            .field("format", &self.format)
            .finish_non_exhaustive()
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

#[cfg(test)]
mod tests {
    use opentelemetry::KeyValue;
    use opentelemetry::trace::{Span as _, SpanKind, Status, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::trace::SdkTracerProvider;

    use super::*;

    /// What an exporter in `format` writes for `spans`, each started and
    /// ended in turn.
    fn export(format: Format, spans: &[(&'static str, SpanKind, Status, Vec<KeyValue>)]) -> String {
        let exporter = JsonExporter::new(Vec::new()).with_format(format);
        assert_eq!(exporter.format(), format);
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let tracer = provider.tracer("test");
        for (name, kind, status, attributes) in spans {
            let mut span = tracer
                .span_builder(*name)
                .with_kind(kind.clone())
                .with_attributes(attributes.clone())
                .start(&tracer);
            span.set_status(status.clone());
            span.end();
        }
        provider.shutdown().unwrap();
        drop((tracer, provider));
        String::from_utf8(exporter.into_inner().expect("the last clone")).unwrap()
    }

    #[test]
    fn summary_shows_name_kind_status_and_code_attributes() {
        let out = export(
            Format::Summary,
            &[
                (
                    "cache.get",
                    SpanKind::Internal,
                    Status::error("Cache miss"),
                    vec![
                        KeyValue::new("key", 3),
                        KeyValue::new("error.type", "NOT_FOUND"),
                        KeyValue::new("rpc.response.status_code", "NOT_FOUND"),
                    ],
                ),
                (
                    "GetUser",
                    SpanKind::Server,
                    Status::Unset,
                    vec![
                        KeyValue::new("rpc.response.status_code", "NOT_FOUND"),
                        KeyValue::new("rpc.grpc.status_code", 5),
                    ],
                ),
                (
                    "GET /users/:id",
                    SpanKind::Client,
                    Status::error("said \"no\""),
                    vec![
                        KeyValue::new("http.response.status_code", 503),
                        KeyValue::new("error.type", "503"),
                        KeyValue::new("error.type", "UNAVAILABLE"),
                    ],
                ),
                ("refresh", SpanKind::Consumer, Status::Ok, vec![]),
                (
                    "odd",
                    SpanKind::Producer,
                    Status::error(""),
                    vec![KeyValue::new("error.type", "not one word")],
                ),
            ],
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                r#"otel span "cache.get" kind=internal status=Error("Cache miss") rpc.response.status_code=NOT_FOUND error.type=NOT_FOUND"#,
                r#"otel span "GetUser" kind=server status=Unset rpc.response.status_code=NOT_FOUND rpc.grpc.status_code=5"#,
                r#"otel span "GET /users/:id" kind=client status=Error("said \"no\"") http.response.status_code=503 error.type=UNAVAILABLE"#,
                r#"otel span "refresh" kind=consumer status=Ok"#,
                r#"otel span "odd" kind=producer status=Error("") error.type="not one word""#,
            ]
        );
    }

    #[test]
    fn json_is_one_request_per_batch() {
        let out = export(
            Format::Json,
            &[(
                "cache.get",
                SpanKind::Internal,
                Status::error("Cache miss"),
                vec![KeyValue::new("error.type", "NOT_FOUND")],
            )],
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1);
        let request: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        let span = &request["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
        assert_eq!(span["name"], "cache.get");
        assert_eq!(span["status"]["message"], "Cache miss");
        assert_eq!(span["status"]["code"], 2);
    }
}
