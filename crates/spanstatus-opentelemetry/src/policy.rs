//! [`Policy`]: which codes make an OpenTelemetry span an error, what OK
//! becomes, and which attributes carry the exact code.

use std::borrow::Cow;
use std::fmt;

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanKind, Status as OtelStatus};
use spanstatus_core::{Code, CodeSet};

use crate::keys;

/// What [`Code::Ok`] becomes on an OpenTelemetry span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum OkMapping {
    /// `Status::Ok`: the operation was validated as successful. For
    /// application code (the default).
    #[default]
    Ok,
    /// The status is left `Unset`: for instrumentation libraries, which the
    /// OpenTelemetry spec says SHOULD NOT set `Ok`.
    Unset,
}

/// How a canonical [`Code`] maps onto an OpenTelemetry span: which codes are
/// `Error`, what OK becomes, and whether the legacy integer attribute
/// `rpc.grpc.status_code` is written too.
///
/// | span kind | `Error` for | other non-OK codes | OK |
/// |---|---|---|---|
/// | client, internal, producer, consumer ([`Policy::CLIENT`]) | every non-OK code | — | `Ok` (or `Unset`, [`OkMapping::Unset`]) |
/// | server ([`Policy::SERVER`]) | UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS | `Unset` | `Ok` (or `Unset`) |
///
/// The server row is the [gRPC semantic conventions]' list of server errors
/// (the [RPC spans] "Status" section); OK follows the trace API's
/// [Set Status] (instrumentation libraries should not set `Ok`).
///
/// ```
/// use opentelemetry::trace::{SpanKind, Status};
/// use spanstatus_core::Code;
/// use spanstatus_opentelemetry::{Policy, to_otel_status};
///
/// let client = Policy::for_kind(&SpanKind::Client);
/// assert_eq!(to_otel_status(Code::NotFound, "Cache miss", &client), Status::error("Cache miss"));
///
/// let server = Policy::for_kind(&SpanKind::Server);
/// assert_eq!(to_otel_status(Code::NotFound, "no such user", &server), Status::Unset);
/// assert_eq!(to_otel_status(Code::Unavailable, "overloaded", &server), Status::error("overloaded"));
///
/// assert_eq!(to_otel_status(Code::Ok, "", &client), Status::Ok);
/// let instrumentation = Policy::instrumentation(&SpanKind::Client);
/// assert_eq!(to_otel_status(Code::Ok, "", &instrumentation), Status::Unset);
/// ```
///
/// [gRPC semantic conventions]: https://opentelemetry.io/docs/specs/semconv/rpc/grpc/
/// [RPC spans]: https://opentelemetry.io/docs/specs/semconv/rpc/rpc-spans/
/// [Set Status]: https://opentelemetry.io/docs/specs/otel/trace/api/#set-status
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    errors: CodeSet,
    ok: OkMapping,
    legacy_grpc_status_code: bool,
}

impl Policy {
    /// Client, internal, producer and consumer spans: every non-OK code is
    /// `Error`; OK is `Ok`.
    pub const CLIENT: Policy = Policy {
        errors: CodeSet::ERRORS,
        ok: OkMapping::Ok,
        legacy_grpc_status_code: false,
    };

    /// Server spans (semantic conventions for gRPC): only UNKNOWN,
    /// DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS
    /// are `Error`, other codes leave the status `Unset`; OK is `Ok`.
    pub const SERVER: Policy = Policy {
        errors: CodeSet::SERVER_ERRORS,
        ok: OkMapping::Ok,
        legacy_grpc_status_code: false,
    };

    /// The policy for a span of `kind`: [`Policy::SERVER`] for
    /// `SpanKind::Server`, [`Policy::CLIENT`] for every other kind.
    pub const fn for_kind(kind: &SpanKind) -> Policy {
        match kind {
            SpanKind::Server => Policy::SERVER,
            _ => Policy::CLIENT,
        }
    }

    /// [`Policy::for_kind`] for instrumentation libraries: OK leaves the
    /// status `Unset` ([`OkMapping::Unset`]).
    pub const fn instrumentation(kind: &SpanKind) -> Policy {
        Policy::for_kind(kind).with_ok(OkMapping::Unset)
    }

    /// A policy where exactly the codes in `errors` are `Error` (the others
    /// leave the status `Unset`), with OK mapped to `Ok`.
    ///
    /// Fails if `errors` contains [`Code::Ok`]: an OK span cannot be an error.
    ///
    /// ```
    /// use spanstatus_core::{Code, CodeSet};
    /// use spanstatus_opentelemetry::Policy;
    ///
    /// let policy = Policy::custom(CodeSet::SERVER_ERRORS.with(Code::ResourceExhausted))?;
    /// assert!(policy.is_error(Code::ResourceExhausted));
    /// assert!(Policy::custom(CodeSet::ALL).is_err());
    /// # Ok::<(), spanstatus_opentelemetry::PolicyError>(())
    /// ```
    pub const fn custom(errors: CodeSet) -> Result<Policy, PolicyError> {
        if errors.contains(Code::Ok) {
            return Err(PolicyError { errors });
        }
        Ok(Policy {
            errors,
            ok: OkMapping::Ok,
            legacy_grpc_status_code: false,
        })
    }

    /// The same policy with OK mapped as `ok` says.
    pub const fn with_ok(self, ok: OkMapping) -> Policy {
        Policy { ok, ..self }
    }

    /// The same policy, also writing the deprecated integer attribute
    /// `rpc.grpc.status_code` (0..=16) that older backends read.
    pub const fn with_legacy_grpc_status_code(self, enabled: bool) -> Policy {
        Policy {
            legacy_grpc_status_code: enabled,
            ..self
        }
    }

    /// The codes that make the span an `Error`.
    pub const fn errors(&self) -> CodeSet {
        self.errors
    }

    /// What OK becomes.
    pub const fn ok_mapping(&self) -> OkMapping {
        self.ok
    }

    /// `true` when `rpc.grpc.status_code` is written too.
    pub const fn legacy_grpc_status_code(&self) -> bool {
        self.legacy_grpc_status_code
    }

    /// `true` when `code` makes the span's status `Error`.
    pub const fn is_error(&self, code: Code) -> bool {
        self.errors.contains(code)
    }
}

impl Default for Policy {
    /// [`Policy::CLIENT`], what `SpanKind::Internal` (OpenTelemetry's default
    /// kind) gets.
    fn default() -> Policy {
        Policy::CLIENT
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("errors", &self.errors)
            .field("ok", &self.ok)
            .field("legacy_grpc_status_code", &self.legacy_grpc_status_code)
            .finish()
    }
}

/// The error of [`Policy::custom`] for an error set that contains OK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyError {
    errors: CodeSet,
}

impl PolicyError {
    /// The rejected set.
    pub const fn errors(&self) -> CodeSet {
        self.errors
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the error codes of a policy cannot include OK (got: {})",
            self.errors
        )
    }
}

impl std::error::Error for PolicyError {}

/// The OpenTelemetry status for `code` and `message` under `policy`:
///
/// - a code in [`Policy::errors`]: `Error` with `message` alone as the
///   description (the semantic conventions say not to repeat the code; it is
///   in the attributes);
/// - OK: `Ok`, or `Unset` with [`OkMapping::Unset`];
/// - any other code: `Unset` (the code is still recorded by [`attributes`]).
///
/// ```
/// use opentelemetry::trace::Status;
/// use spanstatus_core::Code;
/// use spanstatus_opentelemetry::{Policy, to_otel_status};
///
/// assert_eq!(
///     to_otel_status(Code::DeadlineExceeded, "took 3s", &Policy::SERVER),
///     Status::error("took 3s")
/// );
/// ```
pub fn to_otel_status(
    code: Code,
    message: impl Into<Cow<'static, str>>,
    policy: &Policy,
) -> OtelStatus {
    if code.is_ok() {
        match policy.ok {
            OkMapping::Ok => OtelStatus::Ok,
            OkMapping::Unset => OtelStatus::Unset,
        }
    } else if policy.is_error(code) {
        OtelStatus::Error {
            description: message.into(),
        }
    } else {
        OtelStatus::Unset
    }
}

/// The attributes that keep `code` through export, under `policy`:
///
/// - `rpc.response.status_code` = the code's name (`"NOT_FOUND"`), **always**,
///   for all 17 codes and every policy: it is what [`code_from_span_data`]
///   and [`code_from_proto_span`] read back;
/// - `error.type` = the code's name, only when the status is `Error`;
/// - `rpc.grpc.status_code` = the code's number (`5`), only with
///   [`Policy::with_legacy_grpc_status_code`].
///
/// [`code_from_span_data`]: crate::code_from_span_data
/// [`code_from_proto_span`]: crate::code_from_proto_span
///
/// ```
/// use opentelemetry::KeyValue;
/// use spanstatus_core::Code;
/// use spanstatus_opentelemetry::{Policy, attributes};
///
/// assert_eq!(
///     attributes(Code::NotFound, &Policy::CLIENT),
///     [
///         KeyValue::new("rpc.response.status_code", "NOT_FOUND"),
///         KeyValue::new("error.type", "NOT_FOUND"),
///     ]
/// );
/// assert_eq!(
///     attributes(Code::NotFound, &Policy::SERVER),
///     [KeyValue::new("rpc.response.status_code", "NOT_FOUND")]
/// );
/// ```
pub fn attributes(code: Code, policy: &Policy) -> Vec<KeyValue> {
    attribute_iter(code, policy).collect()
}

/// [`attributes`] without the `Vec`: what the span setters use, so that
/// recording a status allocates nothing.
pub(crate) fn attribute_iter(code: Code, policy: &Policy) -> impl Iterator<Item = KeyValue> {
    [
        Some(KeyValue::new(keys::RPC_RESPONSE_STATUS_CODE, code.as_str())),
        policy
            .is_error(code)
            .then(|| KeyValue::new(keys::ERROR_TYPE, code.as_str())),
        policy
            .legacy_grpc_status_code
            .then(|| KeyValue::new(keys::RPC_GRPC_STATUS_CODE, i64::from(code.as_i32()))),
    ]
    .into_iter()
    .flatten()
}
