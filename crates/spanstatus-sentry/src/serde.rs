//! serde helpers for Sentry's `SpanStatus` in your own types, over the core's
//! [`spanstatus_core::serde::sentry_name`] (the helper for a [`Code`]): they
//! read every spelling Sentry's server and SDKs write (`"unknown"`,
//! `"unknown_error"`, `"success"`, `"failure"`, integers `0`..`16`) and write
//! the SDK name.
//!
//! ```
//! use sentry_core::protocol::SpanStatus;
//! use spanstatus_core::Code;
//!
//! #[derive(serde::Deserialize, serde::Serialize)]
//! struct SpanRow {
//!     #[serde(with = "spanstatus_core::serde::sentry_name")]
//!     code: Code,
//!     #[serde(with = "spanstatus_sentry::serde::span_status")]
//!     status: SpanStatus,
//!     #[serde(default, with = "spanstatus_sentry::serde::option_span_status")]
//!     parent_status: Option<SpanStatus>,
//! }
//!
//! let row: SpanRow =
//!     serde_json::from_str(r#"{"code": "unknown", "status": 5, "parent_status": "failure"}"#)?;
//! assert_eq!(row.code, Code::Unknown);
//! assert_eq!(row.status, SpanStatus::NotFound);
//! assert_eq!(row.parent_status, Some(SpanStatus::InternalError));
//! assert_eq!(
//!     serde_json::to_string(&row)?,
//!     r#"{"code":"unknown_error","status":"not_found","parent_status":"internal_error"}"#
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! For the code of a whole Sentry event, see [`crate::event`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use spanstatus_core::Code;
use spanstatus_core::serde::sentry_name;

/// A [`Code`] through [`sentry_name`], for the `Option` helper.
struct SentryName(Code);

impl Serialize for SentryName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        sentry_name::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for SentryName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        sentry_name::deserialize(deserializer).map(SentryName)
    }
}

/// `#[serde(with = "spanstatus_sentry::serde::span_status")]` on a
/// `sentry_core::protocol::SpanStatus`: as the core's [`sentry_name`], for
/// Sentry's own type.
pub mod span_status {
    use sentry_core::protocol::SpanStatus;

    use super::*;
    use crate::convert::{code_from_span_status, to_span_status};

    /// Writes the Sentry SDK name.
    pub fn serialize<S: Serializer>(status: &SpanStatus, serializer: S) -> Result<S::Ok, S::Error> {
        sentry_name::serialize(&code_from_span_status(*status), serializer)
    }

    /// Reads any Sentry status or canonical spelling, or an integer 0..=16.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SpanStatus, D::Error> {
        sentry_name::deserialize(deserializer).map(to_span_status)
    }
}

/// `#[serde(default, with = "spanstatus_sentry::serde::option_span_status")]`
/// on an `Option<SpanStatus>`: `null` or absent is `None`.
pub mod option_span_status {
    use sentry_core::protocol::SpanStatus;

    use super::*;
    use crate::convert::{code_from_span_status, to_span_status};

    /// Writes `None` as `null`, a status as its Sentry SDK name.
    pub fn serialize<S: Serializer>(
        status: &Option<SpanStatus>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        status
            .map(|status| SentryName(code_from_span_status(status)))
            .serialize(serializer)
    }

    /// Reads `null` as `None`, anything else as [`super::span_status`] does.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<SpanStatus>, D::Error> {
        let name = Option::<SentryName>::deserialize(deserializer)?;
        Ok(name.map(|SentryName(code)| to_span_status(code)))
    }
}
