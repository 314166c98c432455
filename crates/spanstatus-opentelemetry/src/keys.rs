//! The attribute keys this crate writes and reads, from
//! `opentelemetry-semantic-conventions` (semconv 1.42).

/// `rpc.response.status_code` (string): the canonical code's name, on every
/// span with a status. Experimental in semconv 1.39–1.44.
pub const RPC_RESPONSE_STATUS_CODE: &str =
    opentelemetry_semantic_conventions::attribute::RPC_RESPONSE_STATUS_CODE;

/// `error.type` (string): the canonical code's name when the status is `Error`.
pub const ERROR_TYPE: &str = opentelemetry_semantic_conventions::attribute::ERROR_TYPE;

/// `rpc.grpc.status_code` (int): the canonical code's number. Deprecated since
/// semconv 1.39; written only on request, read as a fallback.
#[allow(deprecated)]
pub const RPC_GRPC_STATUS_CODE: &str =
    opentelemetry_semantic_conventions::attribute::RPC_GRPC_STATUS_CODE;
