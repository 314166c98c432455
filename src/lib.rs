//! One canonical status for every span: the 17 codes shared by gRPC,
//! google.rpc, OpenCensus and Sentry, set once on a `tracing` span and
//! exported correctly to OpenTelemetry and Sentry.
//!
//! ```
//! use spanstatus::Code;
//!
//! let code: Code = "not found".parse()?;
//! assert_eq!((code.as_i32(), code.as_str(), code.http_status()), (5, "NOT_FOUND", 404));
//! assert_eq!(code.sentry_str(), "not_found");
//! # Ok::<(), spanstatus::ParseCodeError>(())
//! ```
//!
//! # Features
//!
//! | feature | adds |
//! |---|---|
//! | `std` (default) | `std` support in the core |
//! | `serde`, `http`, `tonic` | the core's conversions (see [`spanstatus_core`]) |
//! | `tracing` | [`tracing`](mod@crate::tracing): `span.set_status(Code::NotFound, "Cache miss")` |
//! | `opentelemetry` | `opentelemetry`: codes on OTel spans, kept through OTLP export |
//! | `sentry` | `sentry`: codes on Sentry spans and transactions |
//! | `full` | all of the above |
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use spanstatus_core::*;

/// Status on `tracing` spans: the [`spanstatus-tracing`](spanstatus_tracing) crate.
#[cfg(feature = "tracing")]
pub use spanstatus_tracing as tracing;

/// Status on OpenTelemetry spans: the [`spanstatus-opentelemetry`](spanstatus_opentelemetry) crate.
#[cfg(feature = "opentelemetry")]
pub use spanstatus_opentelemetry as opentelemetry;

/// Status on Sentry spans and transactions: the [`spanstatus-sentry`](spanstatus_sentry) crate.
#[cfg(feature = "sentry")]
pub use spanstatus_sentry as sentry;

// The README's Rust snippets compile and run as doctests.
#[cfg(all(doctest, feature = "full"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The names most programs need: `use spanstatus::prelude::*;`.
pub mod prelude {
    pub use spanstatus_core::{Code, CodeSet, HasCode, Status};
    #[cfg(feature = "sentry")]
    pub use spanstatus_sentry::SentrySpanExt;
    #[cfg(feature = "tracing")]
    pub use spanstatus_tracing::SpanStatusExt;
}
