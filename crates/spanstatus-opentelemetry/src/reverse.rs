//! The way back: the canonical [`Code`] of an exported span.

use std::fmt;

use opentelemetry::trace::Status as OtelStatus;
use opentelemetry::{KeyValue, Value};
#[cfg(feature = "opentelemetry-proto")]
use opentelemetry_proto::tonic::common::v1::any_value;
#[cfg(feature = "opentelemetry-proto")]
use opentelemetry_proto::tonic::trace::v1 as proto;
use opentelemetry_sdk::trace::SpanData;
use spanstatus_core::Code;

use crate::keys;

/// Why no canonical code could be read from a span.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadCodeError {
    /// The span carries too little to tell: no code attribute
    /// (`rpc.response.status_code`, `rpc.grpc.status_code`,
    /// `http.response.status_code`, `error.type`) and a status that is not
    /// `Ok`. An `Unset` span looks the same whether it got no status, an OK
    /// that instrumentation leaves `Unset`, or (on a SERVER span of type
    /// Other) a code its policy leaves `Unset`, such as NOT_FOUND.
    TooLittle {
        /// The span's status: `"Unset"` or `"Error"`.
        status: &'static str,
    },
    /// The attribute `key` holds something that is not a canonical code
    /// (`value` is its rendering, e.g. `"-32602"` for a JSON-RPC code, or
    /// `17` for an out-of-range number).
    Invalid {
        /// The attribute's key.
        key: &'static str,
        /// The value found, rendered as text.
        value: String,
    },
}

impl fmt::Display for ReadCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadCodeError::TooLittle { status } => write!(
                f,
                "the span carries too little to tell its canonical code: status {status} and none of \
                 rpc.response.status_code, rpc.grpc.status_code, http.response.status_code, error.type"
            ),
            ReadCodeError::Invalid { key, value } => {
                write!(f, "attribute {key} = {value} is not a canonical code")
            }
        }
    }
}

impl std::error::Error for ReadCodeError {}

/// An attribute value, in the two shapes this module reads.
enum Found<'a> {
    Str(&'a str),
    Int(i64),
    Other(String),
}

fn from_string_attribute(key: &'static str, found: Found<'_>) -> Result<Code, ReadCodeError> {
    match found {
        // Every spelling the core accepts: "NOT_FOUND", "not_found", "5"...
        Found::Str(text) => text.parse().map_err(|_| ReadCodeError::Invalid {
            key,
            value: format!("{text:?}"),
        }),
        Found::Int(n) => Err(ReadCodeError::Invalid {
            key,
            value: n.to_string(),
        }),
        Found::Other(value) => Err(ReadCodeError::Invalid { key, value }),
    }
}

fn from_int_attribute(key: &'static str, found: Found<'_>) -> Result<Code, ReadCodeError> {
    match found {
        Found::Int(n) => Code::try_from(n).map_err(|_| ReadCodeError::Invalid {
            key,
            value: n.to_string(),
        }),
        Found::Str(text) => Err(ReadCodeError::Invalid {
            key,
            value: format!("{text:?}"),
        }),
        Found::Other(value) => Err(ReadCodeError::Invalid { key, value }),
    }
}

/// An HTTP status code, as an int or (tracing-opentelemetry records a `u16`
/// field as text) a decimal string.
fn from_http_attribute(found: Found<'_>) -> Result<Code, ReadCodeError> {
    let key = keys::HTTP_RESPONSE_STATUS_CODE;
    let number = match found {
        Found::Int(n) => Some(n),
        Found::Str(text) => text.parse::<i64>().ok(),
        Found::Other(_) => None,
    };
    match number.and_then(|n| u16::try_from(n).ok()) {
        Some(status) => Ok(Code::from_http_status(status)),
        None => Err(ReadCodeError::Invalid {
            key,
            value: match found {
                Found::Int(n) => n.to_string(),
                Found::Str(text) => format!("{text:?}"),
                Found::Other(value) => value,
            },
        }),
    }
}

/// `error.type` with no other code attribute: a code's name (RPC and Other
/// spans), an HTTP status code (`"503"`), `timeout`, or any other
/// identifier of a failure (an error type's name, `_OTHER`): UNKNOWN.
fn from_error_type(found: Found<'_>) -> Result<Code, ReadCodeError> {
    match found {
        Found::Str("timeout") => Ok(Code::DeadlineExceeded),
        Found::Str(text) => match text.parse::<u16>() {
            Ok(status) => Ok(Code::from_http_status(status)),
            Err(_) => Ok(text.parse().unwrap_or(Code::Unknown)),
        },
        other => from_string_attribute(keys::ERROR_TYPE, other),
    }
}

/// The common rule for both span shapes; `find` returns the **last**
/// attribute with a key (the SDK keeps duplicates in order).
fn read<'a>(
    find: impl Fn(&str) -> Option<Found<'a>>,
    status: &'static str,
) -> Result<Code, ReadCodeError> {
    if let Some(found) = find(keys::RPC_RESPONSE_STATUS_CODE) {
        return from_string_attribute(keys::RPC_RESPONSE_STATUS_CODE, found);
    }
    if let Some(found) = find(keys::RPC_GRPC_STATUS_CODE) {
        return from_int_attribute(keys::RPC_GRPC_STATUS_CODE, found);
    }
    if let Some(found) = find(keys::HTTP_RESPONSE_STATUS_CODE) {
        return from_http_attribute(found);
    }
    if let Some(found) = find(keys::ERROR_TYPE) {
        return from_error_type(found);
    }
    if status == "Ok" {
        return Ok(Code::Ok);
    }
    Err(ReadCodeError::TooLittle { status })
}

fn status_name(status: &OtelStatus) -> &'static str {
    match status {
        OtelStatus::Unset => "Unset",
        OtelStatus::Error { .. } => "Error",
        OtelStatus::Ok => "Ok",
    }
}

fn sdk_value(value: &Value) -> Found<'_> {
    match value {
        Value::String(s) => Found::Str(s.as_str()),
        Value::I64(n) => Found::Int(*n),
        other => Found::Other(other.to_string()),
    }
}

/// The canonical code of spans given as SDK attributes and status: see
/// [`code_from_span_data`].
pub fn code_from_attributes(
    attributes: &[KeyValue],
    status: &OtelStatus,
) -> Result<Code, ReadCodeError> {
    read(
        |key| {
            attributes
                .iter()
                .rev()
                .find(|kv| kv.key.as_str() == key)
                .map(|kv| sdk_value(&kv.value))
        },
        status_name(status),
    )
}

/// The canonical code of an exported span, all 17 codes included (OK, and
/// the codes a server span leaves `Unset`).
///
/// Read, in this order (the last attribute of each key counts):
///
/// 1. `rpc.response.status_code`, a string in any spelling [`Code`] parses
///    (RPC spans);
/// 2. `rpc.grpc.status_code`, an integer 0..=16 (the legacy attribute);
/// 3. `http.response.status_code` (HTTP spans with a response): the code of
///    [`Code::from_http_status`];
/// 4. `error.type`: a code's name (Other spans), an HTTP status code,
///    `timeout` (DEADLINE_EXCEEDED), or UNKNOWN for any other identifier;
/// 5. `Code::Ok` when the status is `Ok`.
///
/// Else the span carries too little to tell
/// ([`ReadCodeError::TooLittle`]): e.g. a SERVER span of type Other left
/// `Unset` by NOT_FOUND. A present but unusable attribute is an error, not
/// skipped: `"-32602"` is a JSON-RPC code, not a canonical one. The table of
/// what each span type carries: [`StatusLayer`](crate::StatusLayer#attributes-by-span-type).
///
/// ```
/// use opentelemetry::trace::{Span, Tracer, TracerProvider};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use spanstatus_core::Code;
/// use spanstatus_opentelemetry::{CanonicalStatusExt, Policy, code_from_span_data};
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
/// let mut span = provider.tracer("doc").start("get_user");
/// span.set_canonical_status_with(Code::NotFound, "no such user", &Policy::SERVER);
/// span.end();
///
/// let spans = exporter.get_finished_spans().unwrap();
/// assert_eq!(code_from_span_data(&spans[0]), Ok(Code::NotFound));
/// ```
pub fn code_from_span_data(span: &SpanData) -> Result<Code, ReadCodeError> {
    code_from_attributes(&span.attributes, &span.status)
}

#[cfg(feature = "opentelemetry-proto")]
fn proto_value(value: Option<&any_value::Value>) -> Found<'_> {
    match value {
        Some(any_value::Value::StringValue(s)) => Found::Str(s),
        Some(any_value::Value::IntValue(n)) => Found::Int(*n),
        Some(other) => Found::Other(format!("{other:?}")),
        None => Found::Other("(empty)".to_owned()),
    }
}

/// The canonical code of an OTLP protobuf span, as a collector receives it:
/// the same rules as [`code_from_span_data`]. Feature `opentelemetry-proto`.
#[cfg(feature = "opentelemetry-proto")]
pub fn code_from_proto_span(span: &proto::Span) -> Result<Code, ReadCodeError> {
    let status = match span.status.as_ref().map(|s| s.code) {
        Some(code) if code == proto::status::StatusCode::Ok as i32 => "Ok",
        Some(code) if code == proto::status::StatusCode::Error as i32 => "Error",
        _ => "Unset",
    };
    read(
        |key| {
            span.attributes
                .iter()
                .rev()
                .find(|kv| kv.key == key)
                .map(|kv| proto_value(kv.value.as_ref().and_then(|v| v.value.as_ref())))
        },
        status,
    )
}
