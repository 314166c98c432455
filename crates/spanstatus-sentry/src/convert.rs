//! [`Code`] ⇄ [`SpanStatus`]. Reading every spelling of a Sentry status is
//! the core's [`Code::from_sentry_status`].

use sentry_core::protocol::SpanStatus;
use spanstatus_core::Code;

/// The Sentry status for `code`: `Code::NotFound` → `SpanStatus::NotFound`,
/// `Code::Unknown` → `SpanStatus::UnknownError`, `Code::Internal` →
/// `SpanStatus::InternalError`. Total and lossless: [`code_from_span_status`]
/// gives `code` back. Sentry's names are those of its [span payload]'s
/// `status`.
///
/// [span payload]: https://develop.sentry.dev/sdk/data-model/event-payloads/span/
///
/// ```
/// use sentry_core::protocol::SpanStatus;
/// use spanstatus_core::Code;
///
/// assert_eq!(spanstatus_sentry::to_span_status(Code::NotFound), SpanStatus::NotFound);
/// assert_eq!(spanstatus_sentry::to_span_status(Code::Unknown), SpanStatus::UnknownError);
/// ```
#[inline]
pub const fn to_span_status(code: Code) -> SpanStatus {
    match code {
        Code::Ok => SpanStatus::Ok,
        Code::Cancelled => SpanStatus::Cancelled,
        Code::Unknown => SpanStatus::UnknownError,
        Code::InvalidArgument => SpanStatus::InvalidArgument,
        Code::DeadlineExceeded => SpanStatus::DeadlineExceeded,
        Code::NotFound => SpanStatus::NotFound,
        Code::AlreadyExists => SpanStatus::AlreadyExists,
        Code::PermissionDenied => SpanStatus::PermissionDenied,
        Code::ResourceExhausted => SpanStatus::ResourceExhausted,
        Code::FailedPrecondition => SpanStatus::FailedPrecondition,
        Code::Aborted => SpanStatus::Aborted,
        Code::OutOfRange => SpanStatus::OutOfRange,
        Code::Unimplemented => SpanStatus::Unimplemented,
        Code::Internal => SpanStatus::InternalError,
        Code::Unavailable => SpanStatus::Unavailable,
        Code::DataLoss => SpanStatus::DataLoss,
        Code::Unauthenticated => SpanStatus::Unauthenticated,
    }
}

/// The canonical code of a Sentry status; the inverse of [`to_span_status`].
///
/// `SpanStatus` is `#[non_exhaustive]`: a variant added by a later
/// sentry-types is read through its wire name, and becomes
/// [`Code::Unknown`] if that name is not one this crate knows.
///
/// ```
/// use sentry_core::protocol::SpanStatus;
/// use spanstatus_core::Code;
///
/// assert_eq!(spanstatus_sentry::code_from_span_status(SpanStatus::DataLoss), Code::DataLoss);
/// ```
pub fn code_from_span_status(status: SpanStatus) -> Code {
    match status {
        SpanStatus::Ok => Code::Ok,
        SpanStatus::Cancelled => Code::Cancelled,
        SpanStatus::UnknownError => Code::Unknown,
        SpanStatus::InvalidArgument => Code::InvalidArgument,
        SpanStatus::DeadlineExceeded => Code::DeadlineExceeded,
        SpanStatus::NotFound => Code::NotFound,
        SpanStatus::AlreadyExists => Code::AlreadyExists,
        SpanStatus::PermissionDenied => Code::PermissionDenied,
        SpanStatus::ResourceExhausted => Code::ResourceExhausted,
        SpanStatus::FailedPrecondition => Code::FailedPrecondition,
        SpanStatus::Aborted => Code::Aborted,
        SpanStatus::OutOfRange => Code::OutOfRange,
        SpanStatus::Unimplemented => Code::Unimplemented,
        SpanStatus::InternalError => Code::Internal,
        SpanStatus::Unavailable => Code::Unavailable,
        SpanStatus::DataLoss => Code::DataLoss,
        SpanStatus::Unauthenticated => Code::Unauthenticated,
        other => Code::from_sentry_status(&other.to_string()).unwrap_or(Code::Unknown),
    }
}
