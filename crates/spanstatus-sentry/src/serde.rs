//! serde helpers for Sentry statuses in your own types: they read every
//! spelling Sentry's server and SDKs write (`"unknown"`, `"unknown_error"`,
//! `"success"`, `"failure"`, integers `0`..`16`) and write the SDK name.
//!
//! ```
//! use sentry_core::protocol::SpanStatus;
//! use spanstatus_core::Code;
//!
//! #[derive(serde::Deserialize, serde::Serialize)]
//! struct SpanRow {
//!     #[serde(with = "spanstatus_sentry::serde::code")]
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
//! For whole Sentry events (whose `sentry_types` structs reject `"unknown"`),
//! see [`crate::json::transaction_from_value`].

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use spanstatus_core::Code;

use crate::convert::parse_status;

struct StatusVisitor;

impl Visitor<'_> for StatusVisitor {
    type Value = Code;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Sentry span status (not_found, unknown, unknown_error, success, ...) or a number from 0 to 16")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Code, E> {
        parse_status(value).map_err(E::custom)
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Code, E> {
        match std::str::from_utf8(value) {
            Ok(text) => self.visit_str(text),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(value), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Code, E> {
        Code::try_from(value).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Code, E> {
        Code::try_from(value).map_err(E::custom)
    }
}

fn deserialize_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
    deserializer.deserialize_any(StatusVisitor)
}

/// `#[serde(with = "spanstatus_sentry::serde::code")]` on a [`Code`]: writes
/// the Sentry SDK name (`"unknown_error"`), reads any Sentry status.
pub mod code {
    use super::*;

    /// Writes `code.sentry_str()`.
    pub fn serialize<S: Serializer>(code: &Code, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(code.sentry_str())
    }

    /// Reads any Sentry status or canonical spelling, or an integer 0..=16.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        deserialize_code(deserializer)
    }
}

/// `#[serde(with = "spanstatus_sentry::serde::span_status")]` on a
/// `sentry_core::protocol::SpanStatus`: as [`code`], for Sentry's own type.
pub mod span_status {
    use sentry_core::protocol::SpanStatus;

    use super::*;
    use crate::convert::{code_from_span_status, to_span_status};

    /// Writes the Sentry SDK name.
    pub fn serialize<S: Serializer>(status: &SpanStatus, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(code_from_span_status(*status).sentry_str())
    }

    /// Reads any Sentry status or canonical spelling, or an integer 0..=16.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SpanStatus, D::Error> {
        deserialize_code(deserializer).map(to_span_status)
    }
}

/// `#[serde(default, with = "spanstatus_sentry::serde::option_span_status")]`
/// on an `Option<SpanStatus>`: `null` or absent is `None`.
pub mod option_span_status {
    use super::*;
    use sentry_core::protocol::SpanStatus;

    /// Writes `None` as `null`, a status as its Sentry SDK name.
    pub fn serialize<S: Serializer>(
        status: &Option<SpanStatus>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match status {
            Some(status) => super::span_status::serialize(status, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `null` as `None`, anything else as [`super::span_status`] does.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<SpanStatus>, D::Error> {
        deserializer.deserialize_option(OptionVisitor)
    }

    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<SpanStatus>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("null or a Sentry span status")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            super::span_status::deserialize(deserializer).map(Some)
        }
    }
}
