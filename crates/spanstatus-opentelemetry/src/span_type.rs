//! [`SpanType`]: which semantic conventions a span follows, and what its
//! outcome becomes under them (status and attributes).

use opentelemetry::Value;
use opentelemetry::trace::{SpanKind, Status as OtelStatus};
use spanstatus_core::{Code, Status};
use spanstatus_tracing::{Exchange, Protocol, StatusSource};

use crate::Policy;

/// Which semantic conventions a span's status and attributes follow.
///
/// | type | when | attributes |
/// |---|---|---|
/// | [`Rpc`](SpanType::Rpc) | the span declares `rpc.system` or `rpc.system.name`, or its status was read from gRPC traffic | `rpc.response.status_code` = the code's name, always; `error.type` = the code's name when `Error` |
/// | [`Http`](SpanType::Http) | the span declares `http.request.method`, or its status was read from HTTP traffic | `http.response.status_code` (int) when there was a response; `error.type` = the status code as a string (`"503"`) when it is an error, else the failure's identifier (`timeout`, …) or the code's name |
/// | [`Other`](SpanType::Other) | anything else | `error.type` = the code's name when `Error` |
///
/// The status follows the [`Policy`] of the span's kind, except an HTTP
/// response's status code, which follows the HTTP rules: 1xx–3xx `Unset`,
/// 4xx `Unset` on a server and `Error` on a client, 5xx (and anything outside
/// 100..=599) `Error`, with no description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SpanType {
    /// An RPC span (semantic conventions for RPC and gRPC).
    Rpc,
    /// An HTTP span (semantic conventions for HTTP spans).
    Http,
    /// Any other span (semantic conventions for recording errors).
    Other,
}

/// Fields whose declaration makes a span an RPC span.
pub(crate) const RPC_FIELDS: [&str; 2] = ["rpc.system", "rpc.system.name"];
/// The field whose declaration makes a span an HTTP span.
pub(crate) const HTTP_FIELD: &str = "http.request.method";

impl SpanType {
    /// The type of a span whose callsite declares `fields` (field names) and
    /// whose exchange was of `protocol`, if one was recorded: the exchange
    /// first, then the declared fields, RPC before HTTP (gRPC runs over HTTP).
    pub(crate) fn of<'a>(
        fields: impl IntoIterator<Item = &'a str>,
        protocol: Option<Protocol>,
    ) -> SpanType {
        match protocol {
            Some(Protocol::Grpc) => return SpanType::Rpc,
            Some(Protocol::Http) => return SpanType::Http,
            _ => {}
        }
        let mut http = false;
        for name in fields {
            if RPC_FIELDS.contains(&name) {
                return SpanType::Rpc;
            }
            http |= name == HTTP_FIELD;
        }
        if http {
            SpanType::Http
        } else {
            SpanType::Other
        }
    }
}

/// `true` when an HTTP status code makes the span an error on this side
/// (semantic conventions for HTTP spans, "Status").
pub(crate) const fn http_status_is_error(status: u16, server: bool) -> bool {
    match status {
        100..=399 => false,
        400..=499 => !server,
        _ => true,
    }
}

/// `"100"` to `"999"` back to back: an HTTP status's `error.type` as a
/// `&'static str`, with no allocation per failed request.
static STATUS_NUMBERS: &str = {
    const DIGITS: [u8; 2700] = {
        let mut digits = [0; 2700];
        let mut n = 100;
        while n < 1000 {
            let i = (n - 100) * 3;
            digits[i] = b'0' + (n / 100) as u8;
            digits[i + 1] = b'0' + (n / 10 % 10) as u8;
            digits[i + 2] = b'0' + (n % 10) as u8;
            n += 1;
        }
        digits
    };
    // Checked when the crate compiles: ASCII digits are UTF-8.
    match std::str::from_utf8(&DIGITS) {
        Ok(numbers) => numbers,
        Err(_) => panic!("ASCII digits are UTF-8"),
    }
};

/// An HTTP status code as an attribute value: `503` → `"503"`.
fn status_number(status: u16) -> Value {
    let digits = usize::from(status)
        .checked_sub(100)
        .and_then(|n| STATUS_NUMBERS.get(n * 3..n * 3 + 3));
    match digits {
        Some(digits) => Value::from(digits),
        // Outside 100..=999: `record_http_response` takes any u16.
        None => Value::from(status.to_string()),
    }
}

/// What the bridge writes on one OpenTelemetry span: the status and up to
/// four attributes.
#[derive(Debug, PartialEq)]
pub(crate) struct Export {
    pub(crate) status: OtelStatus,
    pub(crate) error_type: Option<Value>,
    pub(crate) rpc_code: Option<&'static str>,
    pub(crate) http_status: Option<i64>,
    pub(crate) grpc_code: Option<i64>,
}

/// The export of a span's final `status` and its `exchange`, if one was
/// recorded, on a span of `span_type` and `kind` (declared, or the
/// exchange's side), under `policy` (already the policy of that kind). The
/// exchange says where the status came from; nothing is re-derived.
pub(crate) fn export(
    status: Status,
    exchange: Option<&Exchange>,
    panicked: bool,
    span_type: SpanType,
    kind: Option<&SpanKind>,
    policy: &Policy,
) -> Export {
    let (code, message) = status.into_parts();
    let server = matches!(kind, Some(SpanKind::Server));
    let source = exchange.map_or(StatusSource::Application, Exchange::source);
    let error_type = exchange.and_then(Exchange::error_type);
    let http_status = match span_type {
        SpanType::Http => exchange.and_then(Exchange::http_status),
        _ => None,
    };
    // The response's number decides when the protocol's table (or a rule
    // for the number, 408) gave the status and the response came whole.
    let by_number =
        matches!(source, StatusSource::Response | StatusSource::Rule) && error_type.is_none();
    let status = match http_status {
        // A response's number (a 499 included): the HTTP rules. 1xx–3xx, and
        // a server's 4xx, stay Unset: instrumentation does not set Ok.
        Some(http) if by_number => {
            if http_status_is_error(http, server) {
                OtelStatus::Error {
                    description: message,
                }
            } else {
                OtelStatus::Unset
            }
        }
        // Read from traffic, OK is instrumentation's to report, and
        // instrumentation does not set Ok (semconv, "recording errors").
        _ if source != StatusSource::Application && code.is_ok() => OtelStatus::Unset,
        // HTTP (semconv 1.41): a client whose caller cancelled on purpose
        // stays Unset; so does a server whose client went away (the client's
        // choice). gRPC: a server whose client dropped the call likewise; a
        // gRPC client's every non-OK code is an error (grpc.md), a call its
        // caller dropped included, as otelgrpc and Python's instrumentation do.
        _ if code == Code::Cancelled
            && match span_type {
                SpanType::Http => !server || error_type.is_some(),
                SpanType::Rpc => server && source == StatusSource::Dropped,
                SpanType::Other => false,
            } =>
        {
            OtelStatus::Unset
        }
        // An exchange that failed without a (whole) response is an error on
        // either side, whatever the code ("a failure to send or receive the
        // whole response"; a body that failed after a 200).
        _ if span_type == SpanType::Http && error_type.is_some() => OtelStatus::Error {
            description: message,
        },
        _ => crate::to_otel_status(code, message, policy),
    };
    let is_error = matches!(status, OtelStatus::Error { .. });
    let error_type = is_error.then(|| match (span_type, http_status, error_type) {
        // A panic is no status the peer sent: its identifier, any span type.
        _ if panicked => Value::from("panic"),
        (SpanType::Http, Some(http), None) if http_status_is_error(http, server) => {
            status_number(http)
        }
        (SpanType::Http, _, Some(_)) => exchange
            .and_then(spanstatus_tracing::__private::error_type_of)
            .map_or(Value::from("_OTHER"), |identifier| {
                Value::String(identifier.into())
            }),
        _ => Value::from(code.as_str()),
    });
    let rpc_code = (span_type == SpanType::Rpc).then_some(code.as_str());
    Export {
        status,
        error_type,
        rpc_code,
        http_status: http_status.map(i64::from),
        grpc_code: (rpc_code.is_some() && policy.legacy_grpc_status_code())
            .then(|| i64::from(code.as_i32())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_number_is_its_decimal_digits_for_every_u16() {
        for status in 0..=u16::MAX {
            let value = status_number(status);
            assert_eq!(value.as_str(), status.to_string(), "{status}");
            // Static, not allocated, for every status a response can carry.
            let table = STATUS_NUMBERS.as_bytes().as_ptr_range();
            let allocated = !matches!(&value,
                Value::String(s) if table.contains(&s.as_str().as_ptr()));
            assert_eq!(allocated, !(100..1000).contains(&status), "{status}");
        }
    }
}
