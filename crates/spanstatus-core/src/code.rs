//! The table of the 17 canonical codes. Every name, number, description and
//! `Code -> HTTP` mapping in this workspace is derived from the `codes!` macro below.

use core::fmt;

/// Expands the one table into the `Code` enum and every per-code accessor.
macro_rules! codes {
    ($(
        $(#[$doc:meta])*
        ($variant:ident = $num:literal, $name:literal, $sentry:literal, $http:literal, $reason:literal,
         $description:literal);
    )+) => {
        /// One of the 17 canonical status codes shared by gRPC, `google.rpc.Code`,
        /// OpenCensus, Google APIs' `statusCode` and Sentry's span `status`.
        ///
        /// The discriminant is the canonical number, so `Code::NotFound as i32 == 5`.
        /// The specs: [gRPC status codes], [`google.rpc.Code`] (with the HTTP
        /// mapping of [`http_status`](Code::http_status)), and Sentry's
        /// [span status] (the names of [`sentry_str`](Code::sentry_str)).
        ///
        /// [gRPC status codes]: https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
        /// [`google.rpc.Code`]: https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
        /// [span status]: https://develop.sentry.dev/sdk/data-model/event-payloads/span/
        ///
        /// ```
        /// use spanstatus_core::Code;
        ///
        /// let code: Code = "not found".parse()?;
        /// assert_eq!(code, Code::NotFound);
        /// assert_eq!(code.as_i32(), 5);
        /// assert_eq!(code.as_str(), "NOT_FOUND");
        /// assert_eq!(code.sentry_str(), "not_found");
        /// assert_eq!(code.http_status(), 404);
        /// assert_eq!(Code::Unknown.sentry_str(), "unknown_error");
        /// # Ok::<(), spanstatus_core::ParseCodeError>(())
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(i32)]
        pub enum Code {
            $( $(#[$doc])* $variant = $num, )+
        }

        impl Code {
            /// Every code, in numeric order (`Code::ALL[n].as_i32() == n`).
            pub const ALL: [Code; 17] = [$(Code::$variant),+];

            /// The code with canonical number `value`, or `None` outside `0..=16`.
            ///
            /// ```
            /// # use spanstatus_core::Code;
            /// assert_eq!(Code::from_i32(14), Some(Code::Unavailable));
            /// assert_eq!(Code::from_i32(17), None);
            /// ```
            #[inline]
            pub const fn from_i32(value: i32) -> Option<Code> {
                // A match on the numbers compiles to one range check: the
                // discriminants are the numbers.
                match value {
                    $($num => Some(Code::$variant),)+
                    _ => None,
                }
            }

            /// The canonical number, `0..=16`.
            #[inline]
            pub const fn as_i32(self) -> i32 {
                self as i32
            }

            /// The canonical name as gRPC, google.rpc and Google APIs spell it: `"NOT_FOUND"`.
            #[inline]
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)+ }
            }

            /// The name Sentry SDKs write in a span's `status`: `"not_found"`.
            ///
            /// Two differ from the lowercased canonical name: `Unknown` is
            /// `"unknown_error"` and `Internal` is `"internal_error"`.
            #[inline]
            pub const fn sentry_str(self) -> &'static str {
                match self { $(Code::$variant => $sentry,)+ }
            }

            /// The one-sentence meaning shared by the OpenCensus and Sentry status tables.
            ///
            /// Both tables say UNAVAILABLE means "currently available"; this is
            /// the obvious typo, corrected here to "unavailable" as gRPC's own text has it.
            #[inline]
            pub const fn description(self) -> &'static str {
                match self { $(Code::$variant => $description,)+ }
            }

            /// The HTTP status google.rpc maps this code to (grpc-gateway and Envoy agree):
            /// `OK -> 200`, `CANCELLED -> 499`, `NOT_FOUND -> 404`, ...
            ///
            /// For the reverse, see [`Code::from_http_status`].
            #[inline]
            pub const fn http_status(self) -> u16 {
                match self { $(Code::$variant => $http,)+ }
            }

            /// The reason phrase of [`Code::http_status`]: `"Not Found"`,
            /// `"Client Closed Request"` (499, nginx's name; it has no IANA phrase).
            #[inline]
            pub const fn http_reason(self) -> &'static str {
                match self { $(Code::$variant => $reason,)+ }
            }

            /// The code for its exact Sentry name, the fast path of parsing: one
            /// `match` over literal strings, as fast as `sentry_types`' own parser.
            #[inline(always)]
            pub(crate) fn from_sentry_name(name: &str) -> Option<Code> {
                match name {
                    $($sentry => Some(Code::$variant),)+
                    _ => None,
                }
            }

            /// The code as the decimal string gRPC puts in a `grpc-status` header: `"5"`.
            #[inline]
            pub const fn grpc_status_str(self) -> &'static str {
                match self { $(Code::$variant => stringify!($num),)+ }
            }
        }
    };
}

codes! {
    /// `0`: not an error; returned on success.
    (Ok = 0, "OK", "ok", 200, "OK",
     "Not an error, returned on success");
    /// `1`: the operation was cancelled, typically by the caller.
    (Cancelled = 1, "CANCELLED", "cancelled", 499, "Client Closed Request",
     "The operation was cancelled, typically by the caller");
    /// `2`: unknown error, for example a status from an unknown error space.
    (Unknown = 2, "UNKNOWN", "unknown_error", 500, "Internal Server Error",
     "An unknown error raised by APIs that don't return enough error information");
    /// `3`: the client specified an invalid argument, whatever the system's state.
    (InvalidArgument = 3, "INVALID_ARGUMENT", "invalid_argument", 400, "Bad Request",
     "The client specified an invalid argument");
    /// `4`: the deadline expired before the operation could complete.
    (DeadlineExceeded = 4, "DEADLINE_EXCEEDED", "deadline_exceeded", 504, "Gateway Timeout",
     "The deadline expired before the operation could succeed");
    /// `5`: some requested entity was not found.
    (NotFound = 5, "NOT_FOUND", "not_found", 404, "Not Found",
     "Content was not found or request was denied for an entire class of users");
    /// `6`: the entity a client attempted to create already exists.
    (AlreadyExists = 6, "ALREADY_EXISTS", "already_exists", 409, "Conflict",
     "The entity attempted to be created already exists");
    /// `7`: the caller does not have permission to execute the operation.
    (PermissionDenied = 7, "PERMISSION_DENIED", "permission_denied", 403, "Forbidden",
     "The caller doesn't have permission to execute the specified operation");
    /// `8`: some resource (a quota, disk space) has been exhausted.
    (ResourceExhausted = 8, "RESOURCE_EXHAUSTED", "resource_exhausted", 429, "Too Many Requests",
     "The resource has been exhausted e.g. per-user quota exhausted, file system out of space");
    /// `9`: the system is not in the state the operation requires; don't retry until it is fixed.
    (FailedPrecondition = 9, "FAILED_PRECONDITION", "failed_precondition", 400, "Bad Request",
     "The client shouldn't retry until the system state has been explicitly handled");
    /// `10`: the operation was aborted, typically by a concurrency conflict; retry at a higher level.
    (Aborted = 10, "ABORTED", "aborted", 409, "Conflict",
     "The operation was aborted");
    /// `11`: the operation was attempted past the valid range.
    (OutOfRange = 11, "OUT_OF_RANGE", "out_of_range", 400, "Bad Request",
     "The operation was attempted past the valid range e.g. seeking past the end of a file");
    /// `12`: the operation is not implemented or not enabled in this service.
    (Unimplemented = 12, "UNIMPLEMENTED", "unimplemented", 501, "Not Implemented",
     "The operation is not implemented or is not supported/enabled for this operation");
    /// `13`: internal error: invariants of the underlying system are broken.
    (Internal = 13, "INTERNAL", "internal_error", 500, "Internal Server Error",
     "Some invariants expected by the underlying system have been broken. This code is reserved for serious errors");
    /// `14`: the service is unavailable, most likely transiently; retry the call with backoff.
    (Unavailable = 14, "UNAVAILABLE", "unavailable", 503, "Service Unavailable",
     "The service is currently unavailable e.g. as a transient condition");
    /// `15`: unrecoverable data loss or corruption.
    (DataLoss = 15, "DATA_LOSS", "data_loss", 500, "Internal Server Error",
     "Unrecoverable data loss or corruption");
    /// `16`: the request does not have valid authentication credentials.
    (Unauthenticated = 16, "UNAUTHENTICATED", "unauthenticated", 401, "Unauthorized",
     "The requester doesn't have valid authentication credentials for the operation");
}

impl Code {
    /// `true` for [`Code::Ok`].
    #[inline]
    pub const fn is_ok(self) -> bool {
        matches!(self, Code::Ok)
    }

    /// `true` for every code but [`Code::Ok`].
    #[inline]
    pub const fn is_error(self) -> bool {
        !self.is_ok()
    }

    /// `true` when the google.rpc HTTP mapping puts the fault with the caller (a 4xx status):
    /// CANCELLED, INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
    /// RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNAUTHENTICATED.
    #[inline]
    pub const fn is_client_error(self) -> bool {
        let status = self.http_status();
        status >= 400 && status < 500
    }

    /// `true` when the google.rpc HTTP mapping is a 5xx status: UNKNOWN,
    /// DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS.
    #[inline]
    pub const fn is_server_error(self) -> bool {
        self.http_status() >= 500
    }
}

impl fmt::Display for Code {
    /// Writes [`Code::as_str`], honouring width and alignment flags.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl From<Code> for i32 {
    #[inline]
    fn from(code: Code) -> i32 {
        code.as_i32()
    }
}

impl TryFrom<i32> for Code {
    type Error = CodeOutOfRange;

    #[inline]
    fn try_from(value: i32) -> Result<Code, CodeOutOfRange> {
        Code::from_i32(value).ok_or(CodeOutOfRange {
            value: value.into(),
        })
    }
}

impl TryFrom<u32> for Code {
    type Error = CodeOutOfRange;

    #[inline]
    fn try_from(value: u32) -> Result<Code, CodeOutOfRange> {
        Code::try_from(i64::from(value))
    }
}

impl TryFrom<i64> for Code {
    type Error = CodeOutOfRange;

    #[inline]
    fn try_from(value: i64) -> Result<Code, CodeOutOfRange> {
        match i32::try_from(value).ok().and_then(Code::from_i32) {
            Some(code) => Ok(code),
            None => Err(CodeOutOfRange {
                value: value.into(),
            }),
        }
    }
}

impl TryFrom<u64> for Code {
    type Error = CodeOutOfRange;

    #[inline]
    fn try_from(value: u64) -> Result<Code, CodeOutOfRange> {
        match i32::try_from(value).ok().and_then(Code::from_i32) {
            Some(code) => Ok(code),
            None => Err(CodeOutOfRange {
                value: value.into(),
            }),
        }
    }
}

/// The error for a number that is not a canonical code (not in `0..=16`).
///
/// ```
/// # use spanstatus_core::Code;
/// let err = Code::try_from(17_i32).unwrap_err();
/// assert_eq!(err.value(), 17);
/// assert_eq!(
///     err.to_string(),
///     "status code 17 is out of range: canonical codes are 0 (OK) to 16 (UNAUTHENTICATED)"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CodeOutOfRange {
    // Wide enough for every i64 and u64 given, so the report is exact.
    value: i128,
}

impl CodeOutOfRange {
    /// The number that was given.
    pub const fn value(&self) -> i128 {
        self.value
    }
}

impl fmt::Display for CodeOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "status code {} is out of range: canonical codes are 0 (OK) to 16 (UNAUTHENTICATED)",
            self.value
        )
    }
}

impl core::error::Error for CodeOutOfRange {}
