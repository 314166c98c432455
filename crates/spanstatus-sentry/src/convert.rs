//! [`Code`] ⇄ [`SpanStatus`], and reading every spelling of a Sentry status
//! (with the core's parser).

use sentry_core::protocol::SpanStatus;
use spanstatus_core::{Code, ParseCodeError};

/// The Sentry status for `code`: `Code::NotFound` → `SpanStatus::NotFound`,
/// `Code::Unknown` → `SpanStatus::UnknownError`, `Code::Internal` →
/// `SpanStatus::InternalError`. Total and lossless: [`code_from_span_status`]
/// gives `code` back.
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

/// Reads a Sentry status as Sentry's server does, and more:
/// [`Code::from_sentry_status`], i.e. every spelling [`Code::parse`] accepts
/// (`not_found`, `NOT_FOUND`, `NotFound`, `unknown`, `unknown_error`,
/// `canceled`, `"0"`..`"16"`) plus Relay's legacy `success` (= OK) and
/// `failure` (= INTERNAL), in any ASCII case.
///
/// `sentry_types`' own `SpanStatus::from_str` rejects `unknown`, the name
/// Sentry's server gives code 2.
///
/// ```
/// use spanstatus_core::Code;
/// use spanstatus_sentry::parse_status;
///
/// assert_eq!(parse_status("unknown"), Ok(Code::Unknown));
/// assert_eq!(parse_status("unknown_error"), Ok(Code::Unknown));
/// assert_eq!(parse_status("failure"), Ok(Code::Internal));
/// assert_eq!(parse_status("14"), Ok(Code::Unavailable));
/// assert!(parse_status("teapot").is_err());
/// ```
#[inline]
pub fn parse_status(s: &str) -> Result<Code, ParseCodeError> {
    Code::from_sentry_status(s)
}

/// [`parse_status`] as a [`SpanStatus`]: `"unknown"` → `SpanStatus::UnknownError`.
pub fn parse_span_status(s: &str) -> Result<SpanStatus, ParseCodeError> {
    parse_status(s).map(to_span_status)
}
