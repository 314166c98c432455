//! One canonical status for every span: the 17 codes shared by gRPC,
//! google.rpc, OpenCensus and Sentry, set once on a `tracing` span and
//! exported correctly to OpenTelemetry and Sentry.
//!
//! ```
//! # #[cfg(feature = "tracing")] {
//! use spanstatus::{Code, SetStatusExt};
//! # use tracing_subscriber::prelude::*;
//! # let subscriber = tracing_subscriber::registry().with(spanstatus::tracing::fmt_layer());
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
//! `record_canonical_error(&error)`, `record_result(&result)` and
//! `canonical_status()`, on `tracing::Span`, on OpenTelemetry SDK spans and
//! on Sentry transactions and spans, with one precedence rule: a status set
//! by code beats one read from traffic, OK is final, otherwise the last one
//! wins (OpenTelemetry SDK spans, where the SDK forces the first to be
//! final, are the one exception). [`SetStatusExt`] adds the short
//! `span.set_status(code, message)` to `tracing::Span`.
//!
//! # Imports: glob the prelude, not the crate root
//!
//! `use spanstatus::prelude::*;` brings the verbs of every enabled backend
//! (anonymously, so no name of yours clashes) and `Code`, `Status`,
//! `HasCode`. Do not write `use spanstatus::*;`: the crate root has a module
//! named `tracing`, and a glob import of it makes `tracing::info_span!`
//! ambiguous with the `tracing` crate (E0659).
//!
//! ```ignore
//! use spanstatus::*; // error[E0659]: `tracing` is ambiguous
//!
//! let span = tracing::info_span!("ambiguous");
//! ```
//!
//! ```
//! # #[cfg(feature = "tracing")] {
//! use spanstatus::prelude::*;
//!
//! let span = tracing::info_span!("fine");
//! span.set_canonical_status(Code::NotFound, "Cache miss");
//! # }
//! ```
//!
//! (`tests/ui/glob_crate_root.rs` checks the error.)
//!
//! Middleware that records what an HTTP or gRPC exchange said (the tower
//! layers, an adapter of yours) uses `spanstatus::tracing::ExchangeExt`,
//! which the prelude leaves out.
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
//! | `macros` | [`macro@instrument`] and [`derive@HasCode`] (with `tracing`) |
//! | `tower` | `tower`: layers that set the status of each HTTP and gRPC exchange; with `sentry`, `sentry::TransactionStatusLayer` |
//! | `full` | all of the above |
//!
//! # Macros
//!
//! With the `macros` feature, `#[spanstatus::instrument]` is
//! `#[tracing::instrument]` (every argument forwarded; the crate using it
//! depends on `tracing` too, whose attribute expands to `::tracing::..`
//! paths) that also sets the span's status when the function returns
//! `Err(e)`: `e`'s [`HasCode`] code (UNKNOWN for an error type without one;
//! no bound needed) and its message ([`Status::from_error`]'s rules; empty
//! for an error without `Display`). `ok` sets OK on `Ok`; `cancel` sets
//! CANCELLED when an `async fn`'s future is dropped before it completes.
//! `#[derive(spanstatus::HasCode)]` gives an error type its codes:
//!
//! ```
//! # #[cfg(feature = "macros")] {
//! use spanstatus::prelude::*;
//! # use tracing_subscriber::prelude::*;
//! # thread_local!(static SPAN: std::cell::RefCell<Option<tracing::Span>> = Default::default());
//!
//! #[derive(Debug, thiserror::Error, spanstatus::HasCode)]
//! #[code(Internal)] // the default for variants without their own
//! enum FetchError {
//!     #[error("no user {0}")]
//!     #[code(NotFound)]
//!     NoUser(u64),
//!     #[error(transparent)]
//!     #[code(transparent)] // the io::Error's own code
//!     Io(#[from] std::io::Error),
//!     #[error("bug: {0}")]
//!     Bug(&'static str),
//! }
//!
//! #[spanstatus::instrument]
//! fn fetch(id: u64) -> Result<Vec<u8>, FetchError> {
//! #   SPAN.set(Some(tracing::Span::current()));
//!     if id == 7 {
//!         return Err(FetchError::NoUser(id));
//!     }
//!     Ok(std::fs::read(format!("/no/such/dir/{id}"))?)
//! }
//!
//! # let subscriber = tracing_subscriber::registry().with(spanstatus::tracing::fmt_layer());
//! # tracing::subscriber::with_default(subscriber, || {
//! assert_eq!(FetchError::Bug("oops").code(), Code::Internal);
//!
//! assert!(fetch(7).is_err()); // the span `fetch` closes with NOT_FOUND: no user 7
//! # assert_eq!(SPAN.take().unwrap().canonical_status().unwrap().to_string(), "NOT_FOUND: no user 7");
//! assert!(fetch(8).is_err()); // NOT_FOUND again, from the io::Error's kind
//! # assert_eq!(SPAN.take().unwrap().canonical_status().unwrap().code(), Code::NotFound);
//! # });
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use spanstatus_core::*;

/// Status on `tracing` spans: the [`spanstatus-tracing`](spanstatus_tracing) crate.
#[cfg(feature = "tracing")]
pub use spanstatus_tracing as tracing;

#[cfg(feature = "tracing")]
pub use spanstatus_tracing::SetStatusExt;

/// `#[spanstatus::instrument]`: `#[tracing::instrument]` that sets the span's
/// status from the function's `Err`; `#[derive(HasCode)]`. See the
/// [`spanstatus-macros`](spanstatus_macros) crate.
#[cfg(feature = "macros")]
pub use spanstatus_macros::{HasCode, instrument};

/// Status on OpenTelemetry spans: the [`spanstatus-opentelemetry`](spanstatus_opentelemetry) crate.
#[cfg(feature = "opentelemetry")]
pub use spanstatus_opentelemetry as opentelemetry;

/// Status on Sentry spans and transactions: the [`spanstatus-sentry`](spanstatus_sentry) crate.
#[cfg(feature = "sentry")]
pub use spanstatus_sentry as sentry;

/// Tower layers that set the status of every HTTP and gRPC exchange: the
/// [`spanstatus-tower`](spanstatus_tower) crate.
#[cfg(feature = "tower")]
pub use spanstatus_tower as tower;

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

/// What the `macros` expansions name: not public API, no semver guarantees.
#[cfg(feature = "macros")]
#[doc(hidden)]
pub mod __private {
    use std::fmt::Display;

    pub use std::borrow::Cow;

    pub use spanstatus_core::{Code, HasCode, Status, register_error};
    pub use tracing;

    use spanstatus_tracing::CanonicalStatusExt;
    use tracing::Span;

    /// Where an `#[instrument]` attribute was written: identifies the span
    /// that tracing's attribute made there (same name, module, file, line).
    pub struct Callsite {
        /// The span's name: the function's, or the `name` argument.
        pub name: &'static str,
        /// `module_path!()`.
        pub module_path: &'static str,
        /// `file!()`.
        pub file: &'static str,
        /// `line!()`.
        pub line: u32,
    }

    impl Callsite {
        /// Whether `metadata` is the span tracing's attribute made here.
        fn is(&self, metadata: &tracing::Metadata<'_>) -> bool {
            metadata.is_span()
                && metadata.name() == self.name
                && metadata.line() == Some(self.line)
                && metadata.file() == Some(self.file)
                && metadata.module_path() == Some(self.module_path)
        }
    }

    /// The current span if it is the function's own: when a filter disabled
    /// it, the current span is the caller's, which must be left alone.
    pub fn own_span(callsite: &Callsite) -> Option<Span> {
        let span = Span::current();
        let own = callsite.is(span.metadata()?);
        own.then_some(span)
    }

    /// The span a status goes to: the function's own span, found when the
    /// status is set (`&Callsite`, no handle cloned), or one held already
    /// (`Option<Span>`, with `cancel`).
    pub trait Target {
        /// Sets the status `status()` makes, if there is a span.
        fn offer(self, status: impl FnOnce() -> Status);
    }

    impl Target for &Callsite {
        fn offer(self, status: impl FnOnce() -> Status) {
            spanstatus_tracing::__private::offer_to_current(|metadata| self.is(metadata), status);
        }
    }

    impl Target for Option<Span> {
        fn offer(self, status: impl FnOnce() -> Status) {
            if let Some(span) = self {
                span.record_canonical_status(status());
            }
        }
    }

    /// Sets the status of an `Err`: `code`, and the status message when the
    /// error has one, else its `Display` text (`Status::from_error`'s rules).
    pub fn record_error(
        target: impl Target,
        code: Code,
        status_message: Option<String>,
        display: impl FnOnce() -> String,
    ) {
        target.offer(|| Status::new(code, status_message.unwrap_or_else(display)));
    }

    /// Sets OK (the `ok` argument).
    pub fn record_ok(target: impl Target) {
        target.offer(|| Status::from_code(Code::Ok));
    }

    /// Sets CANCELLED on the span when dropped before [`complete`](Self::complete)
    /// (the `cancel` argument): the `async fn`'s future was dropped. Not
    /// during a panic: a panic leaves the status alone.
    pub struct CancelGuard(Option<Span>);

    impl CancelGuard {
        /// Guards `span` (the function's own, or none).
        pub fn new(span: Option<Span>) -> CancelGuard {
            CancelGuard(span)
        }

        /// The body completed: no CANCELLED. Returns the span.
        pub fn complete(mut self) -> Option<Span> {
            self.0.take()
        }
    }

    impl Drop for CancelGuard {
        fn drop(&mut self) {
            if let Some(span) = self.0.take()
                && !std::thread::panicking()
            {
                span.set_canonical_code(Code::Cancelled);
            }
        }
    }

    /// Runs the body of a sync function; when it panics, records the panic
    /// on the function's own span (UNKNOWN, `panicked: <payload>`) and goes
    /// on unwinding.
    pub fn catch_panic<T>(callsite: &Callsite, body: impl FnOnce() -> T) -> T {
        spanstatus_tracing::__private::catch_panic(body, |payload| record_panic(callsite, payload))
    }

    fn record_panic(callsite: &Callsite, payload: &(dyn std::any::Any + Send)) {
        spanstatus_tracing::__private::record_panic_on_current(
            |metadata| callsite.is(metadata),
            payload,
        );
    }

    pin_project_lite::pin_project! {
        /// The body of an `async fn`, whose panics are recorded on its own
        /// span ([`catch_panic`]'s rule) as they unwind through a poll.
        pub struct CatchPanic<F> {
            #[pin]
            body: F,
            callsite: &'static Callsite,
        }
    }

    impl<F> CatchPanic<F> {
        /// Guards `body`.
        pub fn new(callsite: &'static Callsite, body: F) -> CatchPanic<F> {
            CatchPanic { body, callsite }
        }
    }

    impl<F: std::future::Future> std::future::Future for CatchPanic<F> {
        type Output = F::Output;

        fn poll(
            self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<F::Output> {
            let this = self.project();
            let (body, callsite) = (this.body, *this.callsite);
            catch_panic(callsite, || body.poll(cx))
        }
    }

    /// A value of type `T`, in a branch that never runs: gives an `async`
    /// block its output type before its body is checked.
    pub fn type_hint<T>() -> T {
        unreachable!("`type_hint` is only named in a branch that never runs")
    }

    /// Autoref specialisation: `(&Probe(e)).method()` finds the impl for
    /// `&Probe<E>` when `E` has the trait, else the fallback for `Probe<E>`
    /// (method lookup tries the receiver as it is before dereferencing it),
    /// so the error type needs no bound.
    pub mod autoref {
        use super::{Code, Display, HasCode};

        /// A borrowed error, probed for `HasCode` and `Display`.
        pub struct Probe<'a, E: ?Sized>(pub &'a E);

        impl<E: ?Sized> Clone for Probe<'_, E> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<E: ?Sized> Copy for Probe<'_, E> {}

        /// The error's code and status message: it implements `HasCode`.
        pub trait HasCodeProbe {
            /// `HasCode::code`.
            fn __spanstatus_code(self) -> Code;
            /// `HasCode::status_message`.
            fn __spanstatus_status_message(self) -> Option<String>;
        }

        impl<E: HasCode + ?Sized> HasCodeProbe for &Probe<'_, E> {
            fn __spanstatus_code(self) -> Code {
                self.0.code()
            }

            fn __spanstatus_status_message(self) -> Option<String> {
                self.0.status_message().map(|message| message.into_owned())
            }
        }

        /// The fallback: UNKNOWN, no status message.
        pub trait NoCodeProbe {
            /// UNKNOWN.
            fn __spanstatus_code(self) -> Code;
            /// `None`.
            fn __spanstatus_status_message(self) -> Option<String>;
        }

        impl<E: ?Sized> NoCodeProbe for Probe<'_, E> {
            fn __spanstatus_code(self) -> Code {
                Code::Unknown
            }

            fn __spanstatus_status_message(self) -> Option<String> {
                None
            }
        }

        /// The error's `Display` text.
        pub trait DisplayProbe {
            /// `to_string()`.
            fn __spanstatus_display(self) -> String;
        }

        impl<E: Display + ?Sized> DisplayProbe for &Probe<'_, E> {
            fn __spanstatus_display(self) -> String {
                self.0.to_string()
            }
        }

        /// The fallback: an empty message.
        pub trait NoDisplayProbe {
            /// `""`.
            fn __spanstatus_display(self) -> String;
        }

        impl<E: ?Sized> NoDisplayProbe for Probe<'_, E> {
            fn __spanstatus_display(self) -> String {
                String::new()
            }
        }
    }
}
