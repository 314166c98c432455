//! Set a canonical status on any [`tracing`] span, with no field declared up
//! front:
//!
//! ```
//! use spanstatus_core::Code;
//! use spanstatus_tracing::{CanonicalStatusExt, SetStatusExt};
//! # tracing::subscriber::with_default(tracing_subscriber::registry(), || {
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
//! # The traits
//!
//! - [`CanonicalStatusExt`]: `set_canonical_status`, `set_canonical_code`,
//!   `record_canonical_status`, `record_canonical_error`, `record_result`,
//!   `canonical_status`: the verbs every backend has (OpenTelemetry and
//!   Sentry spans too), none of which collides with `tracing-opentelemetry`;
//!   and `set_parent_canonical_status`.
//! - [`SetStatusExt`]: the short `span.set_status(code, message)` (see its
//!   docs for the one module where it cannot go).
//! - [`ExchangeExt`], for middleware: `record_exchange(Exchange)`, the one
//!   record of an HTTP or gRPC exchange ([`Exchange`]: its side, protocol,
//!   HTTP status, failure, status and where the status came from), and
//!   `exchange()` to read it back. A status set by code is never replaced by
//!   an exchange.
//!
//! # How it works
//!
//! The status lives in the span's extensions in `tracing_subscriber`'s
//! registry, so any subscriber built on `tracing_subscriber::registry()` or
//! `fmt()` can hold it, from any thread that has the span, entered or not.
//! One rule decides which status is kept: a status set by code beats one
//! read from traffic; OK is final; otherwise the last one wins. A disabled
//! span or `Span::none()` ignores it.
//!
//! # Layers
//!
//! - [`fmt_layer()`] (optional, feature `fmt`) adds `status=NOT_FOUND
//!   status.message="Cache miss"` to fmt's span-close lines. Add it before the
//!   fmt layer. A span that never gets a status costs it nothing.
//! - Exporter adapters (`spanstatus-opentelemetry`, `spanstatus-sentry`) read
//!   the final status with [`status_of`] (and the exchange with
//!   [`exchange_of`]) in their `on_close`, before their own span is exported.
//!   Any layer can do the same.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod exchange;
mod ext;
#[cfg(feature = "fmt")]
mod fmt;
mod future;
mod slot;
mod wrap;

pub use exchange::{Exchange, ExchangeExt, Protocol, Side, StatusSource};
pub use ext::{CanonicalStatusExt, SetStatusExt};
#[cfg(feature = "fmt")]
pub use fmt::{FmtStatusLayer, fmt_layer};
pub use future::{InstrumentStatusExt, StatusInstrumented};
pub use slot::{exchange_of, status_of};
pub use spanstatus_core::{Code, Status};
#[doc(hidden)]
pub use wrap::__private;

// The README's Rust snippets compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
