//! The status, kind and attributes handed to tracing-opentelemetry's layer as
//! a `Record` of its special fields (`otel.kind`, `otel.status_code`,
//! `otel.status_description`) and of our attribute keys.
//!
//! When a record: only for a span whose kind must still be set (it declares
//! no `otel.kind`, but a side was recorded with its status), or whose
//! OpenTelemetry context this layer cannot reach. tracing-opentelemetry
//! applies a record to the span's builder while the OpenTelemetry span has
//! not started, so the kind can still be set. Otherwise the layer writes
//! straight onto the span (`write_to_span` in `layer.rs`): the record's
//! visitor copies every string into a `String`, which made an error span's
//! record cost more than both `OpenTelemetrySpanExt` calls of the by-hand
//! peer (docs/benchmarks.md).

use opentelemetry::Value as OtelValue;
use opentelemetry::trace::{SpanKind, Status as OtelStatus};
use tracing::field::{FieldSet, Value};
use tracing::span::Record;
use tracing_core::callsite::{Callsite, Identifier};
use tracing_core::{Interest, Kind, Level, Metadata};

use crate::keys;
use crate::span_type::Export;

/// The callsite our field names belong to.
struct Fields_;

static CALLSITE: Fields_ = Fields_;
/// In this order; `with_record` relies on it.
static NAMES: [&str; 7] = [
    "otel.kind",
    "otel.status_code",
    "otel.status_description",
    keys::RPC_RESPONSE_STATUS_CODE,
    keys::ERROR_TYPE,
    keys::HTTP_RESPONSE_STATUS_CODE,
    keys::RPC_GRPC_STATUS_CODE,
];
static METADATA: Metadata<'static> = Metadata::new(
    "spanstatus",
    "spanstatus_opentelemetry",
    Level::INFO,
    None,
    None,
    None,
    FieldSet::new(&NAMES, Identifier(&CALLSITE)),
    Kind::SPAN,
);

impl Callsite for Fields_ {
    fn set_interest(&self, _: Interest) {}
    fn metadata(&self) -> &Metadata<'_> {
        &METADATA
    }
}

/// The value of `otel.kind` tracing-opentelemetry parses back into `kind`.
pub(crate) fn kind_name(kind: &SpanKind) -> &'static str {
    match kind {
        SpanKind::Client => "client",
        SpanKind::Server => "server",
        SpanKind::Producer => "producer",
        SpanKind::Consumer => "consumer",
        SpanKind::Internal => "internal",
    }
}

/// The values to record; `None` records nothing for that field.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    pub(crate) kind: Option<&'static str>,
    status_code: Option<&'static str>,
    description: Option<&'a str>,
    rpc_code: Option<&'static str>,
    error_type: Option<&'a str>,
    pub(crate) http_status: Option<i64>,
    grpc_code: Option<i64>,
}

impl<'a> Fields<'a> {
    /// The status and attributes of `export`.
    pub(crate) fn of(export: &'a Export) -> Fields<'a> {
        let (status_code, description) = match &export.status {
            OtelStatus::Unset => (None, None),
            OtelStatus::Ok => (Some("ok"), None),
            // tracing-opentelemetry: a description alone is `Error(description)`,
            // `error` alone is `Error("")`.
            OtelStatus::Error { description } if description.is_empty() => (Some("error"), None),
            OtelStatus::Error { description } => (None, Some(description.as_ref())),
        };
        let error_type = export.error_type.as_ref().map(|value| match value {
            OtelValue::String(s) => s.as_str(),
            // `export` only makes strings.
            _ => "_OTHER",
        });
        Fields {
            kind: None,
            status_code,
            description,
            rpc_code: export.rpc_code,
            error_type,
            http_status: export.http_status,
            grpc_code: export.grpc_code,
        }
    }

    /// Runs `f` with these values as a `Record` of our callsite.
    pub(crate) fn with_record<T>(&self, f: impl FnOnce(&Record<'_>) -> T) -> T {
        let fields = METADATA.fields();
        let mut iter = fields.iter();
        // `NAMES` has exactly these seven, in this order.
        let mut next = || iter.next().expect("seven field names");
        let values: [(&tracing::field::Field, Option<&dyn Value>); 7] = [
            (&next(), self.kind.as_ref().map(|v| v as &dyn Value)),
            (&next(), self.status_code.as_ref().map(|v| v as &dyn Value)),
            (&next(), self.description.as_ref().map(|v| v as &dyn Value)),
            (&next(), self.rpc_code.as_ref().map(|v| v as &dyn Value)),
            (&next(), self.error_type.as_ref().map(|v| v as &dyn Value)),
            (&next(), self.http_status.as_ref().map(|v| v as &dyn Value)),
            (&next(), self.grpc_code.as_ref().map(|v| v as &dyn Value)),
        ];
        let values = fields.value_set(&values);
        f(&Record::new(&values))
    }
}
