//! serde support (feature `serde`): a [`Code`] serializes as its canonical
//! name and deserializes from every spelling [`Code`] parses or an integer.
//!
//! ```
//! use spanstatus_core::Code;
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Span {
//!     status: Code,
//!     #[serde(with = "spanstatus_core::serde::sentry_name")]
//!     sentry_status: Code,
//!     #[serde(with = "spanstatus_core::serde::number")]
//!     grpc_status: Code,
//! }
//! # let _ = |span: Span| (span.status, span.sentry_status, span.grpc_status);
//! ```
//!
//! Each of the three forms reads what the others write.

use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;

use crate::Code;

struct CodeVisitor;

impl Visitor<'_> for CodeVisitor {
    type Value = Code;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a status code name (NOT_FOUND, not_found, unknown_error, ...) or a number from 0 to 16")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Code, E> {
        value.parse().map_err(E::custom)
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Code, E> {
        match core::str::from_utf8(value) {
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

impl serde::Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        deserializer.deserialize_any(CodeVisitor)
    }
}

/// `#[serde(with = "spanstatus_core::serde::number")]`: writes the code as its
/// number (`5`); reads a number or any name.
pub mod number {
    use super::*;

    /// Writes `code.as_i32()`.
    pub fn serialize<S: Serializer>(code: &Code, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(code.as_i32())
    }

    /// Reads a number or any name.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        deserializer.deserialize_any(CodeVisitor)
    }
}

/// `#[serde(with = "spanstatus_core::serde::sentry_name")]`: writes the
/// Sentry name (`"not_found"`, `"unknown_error"`); reads a number or any name.
pub mod sentry_name {
    use super::*;

    /// Writes `code.sentry_str()`.
    pub fn serialize<S: Serializer>(code: &Code, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(code.sentry_str())
    }

    /// Reads a number or any name.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        deserializer.deserialize_any(CodeVisitor)
    }
}
