//! One canonical status for every span: the 17 codes shared by gRPC,
//! google.rpc, OpenCensus and Sentry, set once on a `tracing` span and
//! exported correctly to OpenTelemetry and Sentry.
//!
//! ```
//! # #[cfg(feature = "tracing")] {
//! use spanstatus::{Code, SetStatusExt};
//! # use tracing_subscriber::prelude::*;
//! # let subscriber = tracing_subscriber::registry().with(spanstatus::tracing::layer());
//! # tracing::subscriber::with_default(subscriber, || {
//!
//! let span = tracing::info_span!("cache.get", key = 42);
//! span.set_status(Code::NotFound, "Cache miss");
//! # use spanstatus::prelude::*;
//! # assert_eq!(span.canonical_status().unwrap().to_string(), "NOT_FOUND: Cache miss");
//! # });
//! # }
//! ```
//!
//! With the `opentelemetry` feature and its layer, the exported span is
//! `Error("Cache miss")` with `error.type = "NOT_FOUND"`; with `sentry`, the
//! Sentry span or transaction has status `not_found`.
//!
//! # The verbs
//!
//! Every backend has the same verbs, and none of them collides with the
//! backend's own methods: `set_canonical_status(code, message)`,
//! `set_canonical_code(code)`, `record_canonical_status(status)`,
//! `record_canonical_error(&error)` and `canonical_status()`, on
//! `tracing::Span`, on OpenTelemetry SDK spans and on Sentry transactions and
//! spans. `use spanstatus::prelude::*;` brings them all (for the enabled
//! features) and never breaks code that compiled before.
//!
//! [`SetStatusExt`] adds the short `span.set_status(code, message)` to
//! `tracing::Span`. `tracing_opentelemetry::OpenTelemetrySpanExt` has a
//! `set_status` too: a module that imports that trait and calls
//! `span.set_status(opentelemetry::trace::Status::..)` must not import
//! [`SetStatusExt`] (Rust would reject both calls as ambiguous, E0034), and
//! writes `span.set_canonical_status(Code::NotFound, "Cache miss")` with the
//! prelude instead.
//!
//! # Features
//!
//! | feature | adds |
//! |---|---|
//! | `std` (default) | `std` support in the core |
//! | `serde`, `http`, `tonic` | the core's conversions (see [`spanstatus_core`]) |
//! | `tracing` | [`tracing`](mod@crate::tracing): the status of `tracing` spans |
//! | `opentelemetry` | `opentelemetry`: codes on OTel spans, kept through OTLP export |
//! | `opentelemetry-proto` | `opentelemetry::code_from_proto_span` (pulls in prost) |
//! | `sentry` | `sentry`: codes on Sentry spans and transactions |
//! | `full` | all of the above |
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use spanstatus_core::*;

/// Status on `tracing` spans: the [`spanstatus-tracing`](spanstatus_tracing) crate.
#[cfg(feature = "tracing")]
pub use spanstatus_tracing as tracing;

#[cfg(feature = "tracing")]
pub use spanstatus_tracing::SetStatusExt;

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

/// What a program needs from each enabled backend: `use spanstatus::prelude::*;`.
///
/// The traits come in anonymously (`as _`): their methods are in scope, their
/// names are not, so the prelude never clashes with a name of yours, and none
/// of their methods shares a name with another trait's (this is why
/// [`SetStatusExt`] is not here; see the crate docs).
pub mod prelude {
    pub use spanstatus_core::{Code, HasCode, Status};
    #[cfg(feature = "opentelemetry")]
    pub use spanstatus_opentelemetry::{CanonicalStatusExt as _, WithSpanStatus as _};
    #[cfg(feature = "sentry")]
    pub use spanstatus_sentry::{CanonicalStatusExt as _, WithSpanStatus as _};
    #[cfg(feature = "tracing")]
    pub use spanstatus_tracing::{CanonicalStatusExt as _, InstrumentStatusExt as _};
}
