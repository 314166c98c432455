//! [`Code`] ⇄ [`SpanStatus`], and reading every spelling of a Sentry status.

use std::fmt;

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
        other => parse_status(&other.to_string()).unwrap_or(Code::Unknown),
    }
}

/// Relay's legacy names: `success` and `failure`.
const LEGACY: [(&str, Code); 2] = [("success", Code::Ok), ("failure", Code::Internal)];

/// Reads a Sentry status as Sentry's server does, and more: every spelling
/// [`Code::parse`] accepts (`not_found`, `NOT_FOUND`, `NotFound`, `unknown`,
/// `unknown_error`, `canceled`, `"0"`..`"16"`), plus Relay's legacy `success`
/// (= OK) and `failure` (= INTERNAL), in any ASCII case.
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
pub fn parse_status(s: &str) -> Result<Code, ParseStatusError> {
    match s.parse::<Code>() {
        Ok(code) => Ok(code),
        Err(inner) => LEGACY
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|&(_, code)| code)
            .ok_or(ParseStatusError { inner }),
    }
}

/// [`parse_status`] as a [`SpanStatus`]: `"unknown"` → `SpanStatus::UnknownError`.
pub fn parse_span_status(s: &str) -> Result<SpanStatus, ParseStatusError> {
    parse_status(s).map(to_span_status)
}

/// The error for a string that is no Sentry status nor canonical code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParseStatusError {
    inner: ParseCodeError,
}

impl ParseStatusError {
    /// The core's error, with the rejected input.
    pub const fn as_parse_code_error(&self) -> &ParseCodeError {
        &self.inner
    }
}

impl fmt::Display for ParseStatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, or Sentry's legacy success or failure", self.inner)
    }
}

impl std::error::Error for ParseStatusError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names_only_match_whole() {
        assert_eq!(parse_status("SUCCESS"), Ok(Code::Ok));
        assert!(parse_status("successful").is_err());
        assert!(parse_status("").is_err());
    }
}
