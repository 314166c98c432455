//! Codes from Sentry event JSON as it comes back from Sentry (Relay's
//! normalized form, the web API, exports): the canonical code of a
//! transaction or of a span, UNKNOWN included.
//!
//! ```
//! use serde_json::json;
//! use spanstatus_core::Code;
//!
//! // What Relay stores for a span set to UNKNOWN by this crate.
//! let span = json!({"status": "internal_error", "data": {"sentry.status.code": "UNKNOWN"}});
//! assert_eq!(spanstatus_sentry::event::span_code(&span), Some(Code::Unknown));
//!
//! // Sentry's server names code 2 "unknown", which sentry_types rejects.
//! let event = json!({"contexts": {"trace": {"status": "unknown"}}});
//! assert_eq!(spanstatus_sentry::event::transaction_code(&event), Some(Code::Unknown));
//! ```

use sentry_core::protocol::Value;
use spanstatus_core::Code;

use crate::ext::{STATUS_CODE_KEY, refine};

/// Reads a status value: any name [`Code::from_sentry_status`] accepts, or an integer.
fn status_code(value: &Value) -> Option<Code> {
    match value {
        Value::String(name) => Code::from_sentry_status(name).ok(),
        Value::Number(number) => number.as_i64().and_then(|n| Code::try_from(n).ok()),
        _ => None,
    }
}

/// The canonical code of one span object (an item of `spans`, or
/// `contexts.trace`): its `status`, refined by data
/// [`STATUS_CODE_KEY`] when the two agree, so that
/// Relay's `internal_error` with `"UNKNOWN"` reads as UNKNOWN. `None` when
/// `status` is absent or unreadable.
pub fn span_code(span: &Value) -> Option<Code> {
    let status = status_code(span.get("status")?)?;
    let exact = span
        .get("data")
        .and_then(|data| data.get(STATUS_CODE_KEY))
        .and_then(Value::as_str);
    Some(refine(status, exact))
}

/// The canonical code of a transaction event: [`span_code`] of
/// `contexts.trace`.
pub fn transaction_code(event: &Value) -> Option<Code> {
    span_code(event.get("contexts")?.get("trace")?)
}
