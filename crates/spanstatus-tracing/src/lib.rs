//! Set a canonical status on any [`tracing`] span, with no field declared up
//! front:
//!
//! ```
//! use spanstatus_core::Code;
//! use spanstatus_tracing::{CanonicalStatusExt, SetStatusExt};
//! # use tracing_subscriber::prelude::*;
//! # let subscriber = tracing_subscriber::registry().with(spanstatus_tracing::layer());
//! # tracing::subscriber::with_default(subscriber, || {
//! # let key = 42;
//! # let value: Option<String> = None;
//!
//! let span = tracing::info_span!("cache.get", key = %key);
//! let _entered = span.enter();
//! if value.is_none() {
//!     span.set_status(Code::NotFound, "Cache miss");
//! }
//! assert_eq!(span.canonical_status().unwrap().to_string(), "NOT_FOUND: Cache miss");
//! # });
//! ```
//!
//! # The two traits
//!
//! - [`CanonicalStatusExt`]: `set_canonical_status`, `set_canonical_code`,
//!   `record_canonical_status`, `record_canonical_error`, `canonical_status`;
//!   the same verbs as on OpenTelemetry and Sentry spans, and no name that
//!   collides with `tracing-opentelemetry`. Code that sees traffic records
//!   the [`Side`] and the protocol with the status: `set_canonical_side`,
//!   `record_http_status`, `record_http_failure`, `record_grpc_status`,
//!   `record_grpc_failure` (a
//!   status set by code is never replaced by traffic).
//! - [`SetStatusExt`]: the short `span.set_status(code, message)`. Not in a
//!   module that also imports `tracing_opentelemetry::OpenTelemetrySpanExt`
//!   (both add a `set_status`; see the trait's docs).
//!
//! # How it works
//!
//! The status lives in the span's extensions in `tracing_subscriber`'s
//! registry, so any subscriber built on `tracing_subscriber::registry()` or
//! `fmt()` can hold it, from any thread that has the span, entered or not.
//! Rules follow OpenTelemetry: an OK status is final; a later non-OK status
//! replaces an earlier one, whatever the messages; a disabled span or
//! `Span::none()` ignores it.
//!
//! # Layers
//!
//! - [`layer()`] (optional, feature `fmt`) adds `status=NOT_FOUND
//!   status.message="Cache miss"` to fmt's span-close lines. Add it before the
//!   fmt layer. A span that never gets a status costs it nothing.
//! - Exporter adapters (`spanstatus-opentelemetry`, `spanstatus-sentry`) read
//!   the final status with [`status_of`] (or the whole [`Outcome`] with
//!   [`outcome_of`]) in their `on_close`, before their own span is exported.
//!   Any layer can do the same.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod ext;
mod future;
mod layer;
mod slot;
mod wrap;

pub use ext::{CanonicalStatusExt, SetStatusExt};
pub use future::{InstrumentStatusExt, StatusInstrumented};
pub use layer::{DefaultFmtFields, FmtFields, NoFmt, SpanStatusLayer, layer};
pub use slot::{Outcome, Protocol, Side, outcome_of, status_of};
pub use spanstatus_core::{Code, Status};
#[doc(hidden)]
pub use wrap::__private;

// The README's Rust snippets compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
