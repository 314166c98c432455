//! The gRPC wire (PROTOCOL-HTTP2.md): `grpc-status`, `grpc-message`, and the
//! status of a response that has no `grpc-status`.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::{Code, Status};

/// Parses a `grpc-status` header value strictly: decimal ASCII, no sign, no
/// leading zero, no whitespace, `0..=16`.
///
/// The error keeps the raw value. A client should report it and treat the
/// response as UNKNOWN ([`InvalidStatusHeader::to_status`]).
///
/// ```
/// use spanstatus_core::{grpc, Code};
///
/// assert_eq!(grpc::parse_status_header(b"5"), Ok(Code::NotFound));
/// let err = grpc::parse_status_header(b"05").unwrap_err();
/// assert_eq!(err.raw(), b"05");
/// assert_eq!(err.to_status().code(), Code::Unknown);
/// ```
pub fn parse_status_header(value: &[u8]) -> Result<Code, InvalidStatusHeader> {
    let code = match *value {
        [d @ b'0'..=b'9'] => Code::from_i32(i32::from(d - b'0')),
        [b'1', d @ b'0'..=b'6'] => Code::from_i32(10 + i32::from(d - b'0')),
        _ => None,
    };
    code.ok_or_else(|| InvalidStatusHeader { raw: value.into() })
}

/// A `grpc-status` value that is not a canonical code; it keeps the raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InvalidStatusHeader {
    raw: Box<[u8]>,
}

impl InvalidStatusHeader {
    /// The header value as received.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The code a gRPC client reports for it: [`Code::Unknown`].
    pub const fn code(&self) -> Code {
        Code::Unknown
    }

    /// UNKNOWN with a message naming the raw value, as grpc-java does
    /// (`Unknown code 17`).
    pub fn to_status(&self) -> Status {
        Status::new(Code::Unknown, alloc::format!("{self}"))
    }
}

impl fmt::Display for InvalidStatusHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid grpc-status \"{}\": expected a decimal number from 0 to 16 without leading zeros",
            self.raw.escape_ascii()
        )
    }
}

impl core::error::Error for InvalidStatusHeader {}

/// The code a gRPC client assigns to an HTTP response that carries no
/// `grpc-status` (`doc/http-grpc-status-mapping.md`): 400 INTERNAL,
/// 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 UNIMPLEMENTED,
/// 429/502/503/504 UNAVAILABLE, 431 INTERNAL, anything else (200 included) UNKNOWN.
///
/// 431 follows the newest copy of the document; tonic, grpc-go and Envoy still
/// give UNKNOWN. Servers must not use this table to choose an HTTP status:
/// that is [`Code::http_status`]. For HTTP spans use [`Code::from_http_status`].
///
/// ```
/// use spanstatus_core::{grpc, Code};
///
/// assert_eq!(grpc::code_from_http_response(404), Code::Unimplemented);
/// assert_eq!(grpc::code_from_http_response(200), Code::Unknown);
/// ```
pub const fn code_from_http_response(http_status: u16) -> Code {
    match http_status {
        400 | 431 => Code::Internal,
        401 => Code::Unauthenticated,
        403 => Code::PermissionDenied,
        404 => Code::Unimplemented,
        429 | 502..=504 => Code::Unavailable,
        _ => Code::Unknown,
    }
}

/// `true` for the bytes `grpc-message` carries unescaped: 0x20–0x7E but `%`.
const fn is_unreserved(byte: u8) -> bool {
    matches!(byte, 0x20..=0x7E) && byte != b'%'
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_escaped(out: &mut String, byte: u8) {
    out.push('%');
    out.push(HEX[usize::from(byte >> 4)] as char);
    out.push(HEX[usize::from(byte & 0xF)] as char);
}

/// Percent-encodes a status message for the `grpc-message` header: exactly the
/// bytes outside 0x20–0x7E, and `%`, become `%XX` (uppercase hex), as grpc-go
/// and gRPC C core do. Borrows when nothing needs escaping.
///
/// ```
/// use spanstatus_core::grpc;
///
/// assert_eq!(grpc::encode_message("Cache miss"), "Cache miss");
/// assert_eq!(grpc::encode_message("100% ✓\n"), "100%25 %E2%9C%93%0A");
/// ```
pub fn encode_message(message: &str) -> Cow<'_, str> {
    let bytes = message.as_bytes();
    let Some(first) = bytes.iter().position(|&b| !is_unreserved(b)) else {
        return Cow::Borrowed(message);
    };
    let mut out = String::with_capacity(bytes.len() + 8);
    out.push_str(&message[..first]);
    for &byte in &bytes[first..] {
        if is_unreserved(byte) {
            out.push(byte as char);
        } else {
            push_escaped(&mut out, byte);
        }
    }
    Cow::Owned(out)
}

const fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes a `grpc-message` header value, leniently and without losing anything:
///
/// - every valid `%XX` is decoded; a `%` not followed by two hex digits stays as it is;
/// - where the decoded bytes are not valid UTF-8, each offending byte is written
///   as `%XX`, so nothing is dropped or replaced and the value never fails;
/// - `decode_message(encode_message(s).as_bytes()) == s` for every string `s`.
///
/// Borrows when the value holds no `%` and is valid UTF-8.
///
/// ```
/// use spanstatus_core::grpc;
///
/// assert_eq!(grpc::decode_message(b"Cache miss"), "Cache miss");
/// assert_eq!(grpc::decode_message(b"100%25 %E2%9C%93"), "100% ✓");
/// assert_eq!(grpc::decode_message(b"50%, %zz, %4"), "50%, %zz, %4");
/// assert_eq!(grpc::decode_message(b"bad %FF byte"), "bad %FF byte");
/// ```
pub fn decode_message(value: &[u8]) -> Cow<'_, str> {
    if !value.contains(&b'%') {
        if let Ok(text) = core::str::from_utf8(value) {
            return Cow::Borrowed(text);
        }
    }
    let mut bytes = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        let byte = value[i];
        if byte == b'%' {
            if let (Some(hi), Some(lo)) = (
                value.get(i + 1).copied().and_then(hex_value),
                value.get(i + 2).copied().and_then(hex_value),
            ) {
                bytes.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        bytes.push(byte);
        i += 1;
    }
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &byte in chunk.invalid() {
            push_escaped(&mut out, byte);
        }
    }
    Cow::Owned(out)
}

/// The code a gRPC client reports for a stream reset (`RST_STREAM`) with the
/// HTTP/2 error code `reason`: the table of PROTOCOL-HTTP2
/// ["Errors"](https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#errors).
///
/// | HTTP/2 error code | code |
/// |---|---|
/// | NO_ERROR (0), PROTOCOL_ERROR (1), INTERNAL_ERROR (2), FLOW_CONTROL_ERROR (3), SETTINGS_TIMEOUT (4), FRAME_SIZE_ERROR (6), COMPRESSION_ERROR (9), CONNECT_ERROR (10) | INTERNAL |
/// | REFUSED_STREAM (7): nothing was processed, the call can be retried | UNAVAILABLE |
/// | CANCEL (8) | CANCELLED |
/// | ENHANCE_YOUR_CALM (11): the exhausted resource is bandwidth | RESOURCE_EXHAUSTED |
/// | INADEQUATE_SECURITY (12) | PERMISSION_DENIED |
/// | STREAM_CLOSED (5), HTTP_1_1_REQUIRED (13), any other number | UNKNOWN |
///
/// The spec gives STREAM_CLOSED no mapping ("there is no open stream to
/// propagate to") and has no row for HTTP_1_1_REQUIRED or numbers beyond it:
/// those are UNKNOWN, the code for an error from another error space, as
/// tonic and grpc-go give an unmapped number. Treating them as INTERNAL would
/// claim a broken invariant the spec does not claim.
///
/// A client whose own deadline has passed when it gets CANCEL should report
/// DEADLINE_EXCEEDED instead, as the spec encourages: only the caller knows
/// its deadline.
///
/// ```
/// use spanstatus_core::{grpc, Code};
///
/// assert_eq!(grpc::code_from_h2_reason(0x7), Code::Unavailable); // REFUSED_STREAM
/// assert_eq!(grpc::code_from_h2_reason(0x8), Code::Cancelled); // CANCEL
/// assert_eq!(grpc::code_from_h2_reason(0x5), Code::Unknown); // STREAM_CLOSED
/// ```
pub const fn code_from_h2_reason(reason: u32) -> Code {
    match reason {
        // NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR,
        // SETTINGS_TIMEOUT
        0x0..=0x4 => Code::Internal,
        // FRAME_SIZE_ERROR
        0x6 => Code::Internal,
        // REFUSED_STREAM
        0x7 => Code::Unavailable,
        // CANCEL
        0x8 => Code::Cancelled,
        // COMPRESSION_ERROR, CONNECT_ERROR
        0x9 | 0xa => Code::Internal,
        // ENHANCE_YOUR_CALM
        0xb => Code::ResourceExhausted,
        // INADEQUATE_SECURITY
        0xc => Code::PermissionDenied,
        // STREAM_CLOSED (0x5), HTTP_1_1_REQUIRED (0xd), unknown numbers
        _ => Code::Unknown,
    }
}

/// Parses a `grpc-timeout` header value (PROTOCOL-HTTP2.md, "Timeout"): at
/// most 8 ASCII digits and one unit, `H` hours, `M` minutes, `S` seconds,
/// `m` milliseconds, `u` microseconds, `n` nanoseconds.
///
/// A layer uses it to tell a call that ran out of its deadline (which tonic
/// reports as CANCELLED) from one the client cancelled.
///
/// ```
/// use core::time::Duration;
/// use spanstatus_core::grpc;
///
/// assert_eq!(grpc::parse_timeout_header(b"250m"), Ok(Duration::from_millis(250)));
/// let err = grpc::parse_timeout_header(b"1.5S").unwrap_err();
/// assert_eq!(err.raw(), b"1.5S");
/// ```
pub fn parse_timeout_header(value: &[u8]) -> Result<core::time::Duration, InvalidTimeoutHeader> {
    use core::time::Duration;
    let invalid = || InvalidTimeoutHeader { raw: value.into() };
    let (unit, digits) = value.split_last().ok_or_else(invalid)?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let n = digits
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    Ok(match unit {
        b'H' => Duration::from_secs(n * 3600),
        b'M' => Duration::from_secs(n * 60),
        b'S' => Duration::from_secs(n),
        b'm' => Duration::from_millis(n),
        b'u' => Duration::from_micros(n),
        b'n' => Duration::from_nanos(n),
        _ => return Err(invalid()),
    })
}

/// A `grpc-timeout` value that is not 1 to 8 digits and a unit; it keeps the
/// raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InvalidTimeoutHeader {
    raw: Box<[u8]>,
}

impl InvalidTimeoutHeader {
    /// The header value as received.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }
}

impl fmt::Display for InvalidTimeoutHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid grpc-timeout \"{}\": expected 1 to 8 ASCII digits and a unit (H, M, S, m, u or n)",
            self.raw.escape_ascii()
        )
    }
}

impl core::error::Error for InvalidTimeoutHeader {}
