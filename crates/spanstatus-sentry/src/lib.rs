//! Canonical status codes on Sentry transactions and spans: set them on
//! Sentry's own spans, or on `tracing` spans exported by `sentry-tracing`,
//! with UNKNOWN kept distinct from INTERNAL after Sentry's ingestion.
//!
//! ```
//! use spanstatus_core::Code;
//! use spanstatus_tracing::SetStatusExt;
//! use tracing_subscriber::prelude::*;
//!
//! # let envelopes = sentry::test::with_captured_envelopes_options(|| {
//! // sentry-tracing's SpanLayer, wrapped so that statuses reach Sentry.
//! let subscriber = tracing_subscriber::registry().with(spanstatus_sentry::span_layer());
//! tracing::subscriber::with_default(subscriber, || {
//!     let span = tracing::info_span!("cache.get", key = 42);
//!     let _entered = span.enter();
//!     span.set_status(Code::NotFound, "Cache miss");
//! });
//! # }, sentry::ClientOptions::new().traces_sample_rate(1.0));
//! # let transaction = envelopes[0].items().find_map(|item| match item {
//! #     sentry::protocol::EnvelopeItem::Transaction(t) => Some(t),
//! #     _ => None,
//! # }).unwrap();
//! # let trace = serde_json::to_value(&transaction.contexts["trace"]).unwrap();
//! # assert_eq!(trace["status"], "not_found");
//! # assert_eq!(trace["data"]["sentry.status.message"], "Cache miss");
//! # assert_eq!(trace["data"]["sentry.status.code"], "NOT_FOUND");
//! // The Sentry transaction "cache.get" has status `not_found`, and data
//! // `sentry.status.message = "Cache miss"`, `sentry.status.code = "NOT_FOUND"`.
//! ```
//!
//! On Sentry's own spans, [`CanonicalStatusExt`]:
//!
//! ```
//! use spanstatus_core::Code;
//! use spanstatus_sentry::CanonicalStatusExt;
//!
//! let transaction =
//!     sentry_core::start_transaction(sentry_core::TransactionContext::new("GET /", "http.server"));
//! let span = transaction.start_child("db.query", "SELECT ...");
//! span.set_canonical_status(Code::DeadlineExceeded, "query timed out after 2s");
//! assert_eq!(span.canonical_status().map(|s| s.code()), Some(Code::DeadlineExceeded));
//! span.finish();
//! transaction.set_canonical_http_status(504);
//! transaction.finish();
//! ```
//!
//! # What goes where
//!
//! | | Sentry field |
//! |---|---|
//! | the code | `status` (a child span) or `contexts.trace.status` (a transaction): [`Code::sentry_str`](spanstatus_core::Code::sentry_str), e.g. `not_found`, `unknown_error` |
//! | the code, exactly | data [`STATUS_CODE_KEY`] (`sentry.status.code`): [`Code::as_str`](spanstatus_core::Code::as_str), e.g. `"UNKNOWN"` |
//! | the message | data [`STATUS_MESSAGE_KEY`] (`sentry.status.message`), where Sentry puts OpenTelemetry status messages; absent when empty |
//! | an HTTP status ([`CanonicalStatusExt::set_canonical_http_status`]) | data [`HTTP_STATUS_KEY`] (`http.response.status_code`) |
//!
//! **UNKNOWN survives ingestion through the data.** Sentry's SDKs (and
//! `sentry_types`) name code 2 `unknown_error`; Sentry's normalizer (Relay;
//! checked with `sentry-relay` 0.10.1) stores `unknown_error` as
//! `internal_error`, keeps `unknown`, and keeps span data as sent. So a span
//! set to UNKNOWN arrives as `status: internal_error` with
//! `sentry.status.code: "UNKNOWN"`, which [`event::span_code`] reads back as
//! UNKNOWN.
//!
//! # The tracing bridge and layer order
//!
//! [`StatusLayer`] wraps `sentry_tracing::SpanLayer` and replaces it in the
//! subscriber; nothing else is needed, and its position among the other
//! layers does not matter (the status lives in the registry, and the wrapper
//! applies it just before the wrapped layer finishes the Sentry span). Add
//! `spanstatus_tracing::fmt_layer()` too if you like: it decorates fmt output,
//! but the bridge does not need it. Do not also add a bare `SpanLayer` (or sentry-tracing's legacy `SentryLayer`).
//!
//! ```
//! use tracing_subscriber::filter::LevelFilter;
//! use tracing_subscriber::prelude::*;
//!
//! let subscriber = tracing_subscriber::registry()
//!     .with(spanstatus_tracing::fmt_layer())
//!     .with(tracing_subscriber::fmt::layer())
//!     .with(spanstatus_sentry::span_layer().with_filter(LevelFilter::INFO));
//! # let _ = subscriber;
//! ```
//!
//! # Reading statuses
//!
//! [`Code::from_sentry_status`](spanstatus_core::Code::from_sentry_status)
//! (the core's) reads every name Sentry's server and SDKs write,
//! `unknown` included (which `sentry_types` rejects), Relay's legacy
//! `success`/`failure`, and integers; [`serde`](mod@crate::serde) has field
//! helpers and [`event`] reads whole events.
//!
//! # sentry-tower
//!
//! With the feature `tower`, `TransactionStatusLayer` gives sentry-tower's
//! transaction the request's canonical status (see its docs for the order
//! and what it cannot get).
//!
//! # Precedence
//!
//! The verbs follow the rule of `tracing` spans: OK is final, the last
//! non-OK wins, and an HTTP status never replaces a status that is set (see
//! [`CanonicalStatusExt`]).
//!
//! # HTTP
//!
//! [`CanonicalStatusExt::set_canonical_http_status`] maps with
//! [`Code::from_http_status`](spanstatus_core::Code::from_http_status), as
//! Sentry's JavaScript SDK does for 100..=599 (outside it, UNKNOWN where the
//! JS SDK says `internal_error`). sentry-python 2.x has no 499 row
//! (`invalid_argument`) and says `unknown_error` for 600 and up; sentry-tower
//! 0.49 says `unknown_error` for 1xx, 3xx and 600 and up, `invalid_argument`
//! for 413 and 499, `internal_error` for 504.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod convert;
pub mod event;
mod ext;
mod layer;
mod naming;
pub mod serde;
#[cfg(feature = "tower")]
mod tower;

pub use convert::{code_from_span_status, to_span_status};
pub use ext::{CanonicalStatusExt, HTTP_STATUS_KEY, STATUS_CODE_KEY, STATUS_MESSAGE_KEY};
pub use layer::{StatusLayer, WithSpanStatus, layer, span_layer};
#[cfg(feature = "tower")]
pub use tower::{TransactionStatusFuture, TransactionStatusLayer, TransactionStatusService};

/// The `sentry-core` this crate is built with (0.49).
pub use sentry_core;
/// The `sentry-tracing` this crate is built with (0.49).
pub use sentry_tracing;
pub use spanstatus_core::{Code, Status};

// The README's Rust snippets compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
