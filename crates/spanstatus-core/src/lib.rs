//! The 17 canonical status codes shared by gRPC, `google.rpc.Code`, OpenCensus,
//! Google APIs' `statusCode` and Sentry's span `status`: every name, number,
//! description and HTTP mapping, the gRPC wire rules, retry and error
//! classification.
//!
//! ```
//! use spanstatus_core::{Code, CodeSet, Status, grpc};
//!
//! // Every spelling real systems emit.
//! let code: Code = "not found".parse()?; // Python grpc.StatusCode value
//! assert_eq!(code, "NotFound".parse()?); // tonic's Debug
//! assert_eq!(code, "not_found".parse()?); // Sentry
//! assert_eq!(Code::Unknown, "unknown".parse()?); // Sentry's server...
//! assert_eq!(Code::Unknown, "unknown_error".parse()?); // ...and its SDKs
//!
//! // Names, numbers, HTTP.
//! assert_eq!((code.as_i32(), code.as_str(), code.http_status()), (5, "NOT_FOUND", 404));
//! assert_eq!(Code::from_http_status(503), Code::Unavailable);
//!
//! // The gRPC wire.
//! assert_eq!(grpc::parse_status_header(b"14"), Ok(Code::Unavailable));
//! assert_eq!(grpc::encode_message("50% off"), "50%25 off");
//!
//! // A status, and policies as const sets.
//! let status = Status::new(Code::NotFound, "Cache miss");
//! assert_eq!(status.to_string(), "NOT_FOUND: Cache miss");
//! assert!(CodeSet::APPLICATION_ONLY.contains(status.code()));
//! # Ok::<(), spanstatus_core::ParseCodeError>(())
//! ```
//!
//! Where each mapping lives: `code.rs` holds the one table (name, Sentry name,
//! number, description, google.rpc HTTP status); `http.rs` the HTTP → code
//! mapping for HTTP spans; `grpc.rs` the wire rules and gRPC's transport table
//! (and HTTP/2 resets); `set.rs` and `classify.rs` the policies. Codes from
//! errors: `errno.rs` (Abseil's errno table), `io.rs` (`io::ErrorKind`),
//! `chain.rs` (the `source()` walk and every error type it knows).
//!
//! # Features
//!
//! - `std` (default): codes from errors: `Code::from_io_error_kind`,
//!   `Code::from_error_chain` and [`HasCode`] for `io::Error` and `dyn Error`;
//!   without it the crate is `no_std` + `alloc` ([`Code::from_errno`] and
//!   [`grpc::code_from_h2_reason`] need neither).
//! - `serde`: [`Code`] as its name, from any name or integer (its number in
//!   binary formats); see [`serde`].
//! - `http`: conversions with `http::StatusCode`.
//! - `tonic`: conversions with `tonic::Code` and `tonic::Status`; the walk
//!   knows `tonic::Status`, `TimeoutExpired` and `ConnectError`.
//! - `anyhow`, `tokio`, `tower`, `hyper`, `h2`, `axum`, `reqwest`: [`HasCode`] for
//!   their error types (`anyhow::Error`, `tokio::time::error::Elapsed`,
//!   `tower::timeout::error::Elapsed` and `load_shed::error::Overloaded`,
//!   `hyper::Error`, `h2::Error`, `reqwest::Error`), and
//!   `Code::from_error_chain` recognises them.
//!
//! Where errors get their codes, and why: `docs/errors.md` in the repository.
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
mod chain;
mod classify;
mod code;
mod errno;
pub mod grpc;
mod http;
#[cfg(feature = "std")]
mod io;
mod parse;
#[cfg(feature = "std")]
mod registry;
#[cfg(feature = "serde")]
pub mod serde;
mod set;
mod status;
#[cfg(feature = "tonic")]
mod tonic;

pub use classify::RetryAdvice;
pub use code::{Code, CodeOutOfRange};
pub use parse::ParseCodeError;
pub use set::{CodeSet, ParseCodeSetError};
pub use status::{HasCode, Status};

/// Not public API: what [`register_error!`] and `#[derive(HasCode)]` expand to.
#[cfg(feature = "std")]
#[doc(hidden)]
pub mod __private {
    pub use alloc::borrow::Cow;
    pub use inventory;

    pub mod registry {
        pub use crate::registry::{
            ErrorType, Found, LinkByCode, LinkByNothing, Probe, ValueByCode, ValueByError,
            ValueByNothing,
        };
    }
}

// The README's Rust snippets compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
