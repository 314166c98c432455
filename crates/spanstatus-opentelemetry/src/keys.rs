//! The attribute keys this crate writes and reads, from
//! `opentelemetry-semantic-conventions` (semconv 1.42).

/// `rpc.response.status_code` (string): the canonical code's name, on RPC
/// spans with a status. Experimental in semconv 1.39–1.44.
pub const RPC_RESPONSE_STATUS_CODE: &str =
    opentelemetry_semantic_conventions::attribute::RPC_RESPONSE_STATUS_CODE;

/// `http.response.status_code` (int): an HTTP response's status code, on
/// HTTP spans that got a response. Stable since semconv 1.23.
pub const HTTP_RESPONSE_STATUS_CODE: &str =
    opentelemetry_semantic_conventions::attribute::HTTP_RESPONSE_STATUS_CODE;

/// `error.type` (string): when the status is `Error`, the canonical code's
/// name, or on HTTP spans the status code (`"503"`) or the failure's
/// identifier (`timeout`).
pub const ERROR_TYPE: &str = opentelemetry_semantic_conventions::attribute::ERROR_TYPE;

/// `rpc.grpc.status_code` (int): the canonical code's number. Deprecated since
/// semconv 1.39; written only on request, read as a fallback.
#[allow(deprecated)]
pub const RPC_GRPC_STATUS_CODE: &str =
    opentelemetry_semantic_conventions::attribute::RPC_GRPC_STATUS_CODE;
