//! serde support (feature `serde`).
//!
//! In human-readable formats (JSON, YAML, TOML, ...) a [`Code`] serializes as
//! its canonical name (`"NOT_FOUND"`) and deserializes from every spelling
//! [`Code`] parses or an integer. In binary formats (`is_human_readable()` is
//! false: bincode, postcard, CBOR, MessagePack, ...) it is its number as an
//! `i32`, read back with a typed `deserialize_i32`, as [`number`] writes it:
//! formats that are not self-describing cannot be asked "what comes next?".
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
//! In human-readable formats each of the three forms reads what the others
//! write; in binary formats each reads what it writes (and the default and
//! [`number`] write the same).

use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;

use crate::{Code, ParseCodeError};

/// The one visitor: a name (read by `parse`) or an integer.
struct CodeVisitor {
    parse: fn(&str) -> Result<Code, ParseCodeError>,
    expecting: &'static str,
}

/// Every spelling [`Code::parse`] accepts, or an integer.
const ANY_NAME: CodeVisitor = CodeVisitor {
    parse: Code::parse,
    expecting: "a status code name (NOT_FOUND, not_found, unknown_error, ...) or a number from 0 to 16",
};

/// Every Sentry status [`Code::from_sentry_status`] accepts, or an integer.
const SENTRY_STATUS: CodeVisitor = CodeVisitor {
    parse: Code::from_sentry_status,
    expecting: "a Sentry span status (not_found, unknown, unknown_error, success, failure, ...) \
                or a number from 0 to 16",
};

impl Visitor<'_> for CodeVisitor {
    type Value = Code;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Code, E> {
        (self.parse)(value).map_err(E::custom)
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
    /// The canonical name (`"NOT_FOUND"`); in binary formats the number as an `i32`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(self.as_str())
        } else {
            serializer.serialize_i32(self.as_i32())
        }
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    /// Any name or an integer; in binary formats an `i32`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_any(ANY_NAME)
        } else {
            deserializer.deserialize_i32(ANY_NAME)
        }
    }
}

/// `#[serde(with = "spanstatus_core::serde::number")]`: writes the code as its
/// number (`5`, an `i32`); reads a number or any name (in binary formats, an `i32`).
pub mod number {
    use super::*;

    /// Writes `code.as_i32()`.
    pub fn serialize<S: Serializer>(code: &Code, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(code.as_i32())
    }

    /// Reads a number or any name; in binary formats an `i32`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_any(ANY_NAME)
        } else {
            deserializer.deserialize_i32(ANY_NAME)
        }
    }
}

/// `#[serde(with = "spanstatus_core::serde::sentry_name")]`: writes the
/// Sentry name (`"not_found"`, `"unknown_error"`); reads a number or any
/// Sentry status [`Code::from_sentry_status`] accepts (`"unknown"`,
/// `"success"`, ...). In binary formats it writes and reads a string.
pub mod sentry_name {
    use super::*;

    /// Writes `code.sentry_str()`.
    pub fn serialize<S: Serializer>(code: &Code, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(code.sentry_str())
    }

    /// Reads a number or any Sentry status; in binary formats a string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_any(SENTRY_STATUS)
        } else {
            deserializer.deserialize_str(SENTRY_STATUS)
        }
    }
}
