//! HTTP status -> code, the semantic mapping for HTTP spans.
//!
//! Code -> HTTP lives in the table in `code.rs` ([`Code::http_status`]); gRPC's
//! transport table is [`crate::grpc::code_from_http_response`].

use crate::Code;

impl Code {
    /// The code for an HTTP response status, as Sentry's JavaScript SDK
    /// (`@sentry/core` `getSpanStatusFromHttpCode`) maps HTTP spans:
    ///
    /// | HTTP status | code |
    /// |---|---|
    /// | 100–399 | OK |
    /// | 401 | UNAUTHENTICATED |
    /// | 403 | PERMISSION_DENIED |
    /// | 404 | NOT_FOUND |
    /// | 409 | ALREADY_EXISTS |
    /// | 413 | FAILED_PRECONDITION |
    /// | 429 | RESOURCE_EXHAUSTED |
    /// | 499 | CANCELLED |
    /// | other 4xx | INVALID_ARGUMENT |
    /// | 501 | UNIMPLEMENTED |
    /// | 503 | UNAVAILABLE |
    /// | 504 | DEADLINE_EXCEEDED |
    /// | other 5xx | INTERNAL |
    /// | below 100, 600 and above | UNKNOWN |
    ///
    /// Where others differ: the JS SDK itself gives INTERNAL (`internal_error`)
    /// outside 100..=599, where an unknown status deserves UNKNOWN;
    /// sentry-python 2.x has no 499 row (INVALID_ARGUMENT) and maps 600 and above to
    /// UNKNOWN; sentry-tower 0.49 maps 1xx, 3xx and 600 and above to UNKNOWN, 413 and
    /// 499 to INVALID_ARGUMENT and 504 to INTERNAL; OpenCensus Go's `ochttp` maps 400
    /// and 422 to INVALID_ARGUMENT and every other 4xx and 5xx to UNKNOWN.
    ///
    /// This is not the table a gRPC client uses for a response without
    /// `grpc-status`: that is [`crate::grpc::code_from_http_response`].
    ///
    /// ```
    /// # use spanstatus_core::Code;
    /// assert_eq!(Code::from_http_status(204), Code::Ok);
    /// assert_eq!(Code::from_http_status(404), Code::NotFound);
    /// assert_eq!(Code::from_http_status(422), Code::InvalidArgument);
    /// assert_eq!(Code::from_http_status(502), Code::Internal);
    /// assert_eq!(Code::from_http_status(1000), Code::Unknown);
    /// ```
    pub const fn from_http_status(status: u16) -> Code {
        match status {
            100..=399 => Code::Ok,
            401 => Code::Unauthenticated,
            403 => Code::PermissionDenied,
            404 => Code::NotFound,
            409 => Code::AlreadyExists,
            413 => Code::FailedPrecondition,
            429 => Code::ResourceExhausted,
            499 => Code::Cancelled,
            400..=499 => Code::InvalidArgument,
            501 => Code::Unimplemented,
            503 => Code::Unavailable,
            504 => Code::DeadlineExceeded,
            500..=599 => Code::Internal,
            _ => Code::Unknown,
        }
    }
}

#[cfg(feature = "http")]
mod with_http {
    use crate::Code;

    impl Code {
        /// [`Code::http_status`] as an [`http::StatusCode`].
        pub fn to_http(self) -> http::StatusCode {
            // Every value in the table is a valid status (100..=999).
            http::StatusCode::from_u16(self.http_status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
        }

        /// [`Code::from_http_status`] for an [`http::StatusCode`].
        pub fn from_http(status: http::StatusCode) -> Code {
            Code::from_http_status(status.as_u16())
        }
    }

    impl From<Code> for http::StatusCode {
        fn from(code: Code) -> http::StatusCode {
            code.to_http()
        }
    }

    impl From<http::StatusCode> for Code {
        fn from(status: http::StatusCode) -> Code {
            Code::from_http(status)
        }
    }
}
