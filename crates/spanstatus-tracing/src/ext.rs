//! The verb family on `tracing::Span`: [`CanonicalStatusExt`], and the short
//! [`SetStatusExt::set_status`].

use std::borrow::Cow;
use std::fmt::Display;

use spanstatus_core::{Code, HasCode, Status};
use tracing::Span;

use crate::slot;

/// Sets and reads the canonical status of a [`tracing::Span`], with no field
/// declared when the span is created. The same verbs exist on OpenTelemetry
/// and Sentry spans (`spanstatus-opentelemetry`, `spanstatus-sentry`), and
/// none of them collides with a method of `tracing-opentelemetry` or Sentry.
///
/// The status is kept in the span's registry extensions, so it works with any
/// subscriber built on `tracing_subscriber::registry()` (`fmt()` included),
/// from any thread holding the span, entered or not. The rule, the same on
/// Sentry spans: an OK is final; any later non-OK status replaces an earlier
/// non-OK one; a status set here is never replaced by what middleware reads
/// from traffic ([`ExchangeExt`](crate::ExchangeExt)). On a disabled span,
/// `Span::none()`, or a subscriber without a registry the setters do nothing
/// and [`canonical_status`](Self::canonical_status) is `None`.
///
/// ```
/// use spanstatus_core::Code;
/// use spanstatus_tracing::CanonicalStatusExt;
///
/// tracing::subscriber::with_default(tracing_subscriber::registry(), || {
///     let span = tracing::info_span!("cache.get", key = 42);
///     let _entered = span.enter();
///     span.set_canonical_status(Code::NotFound, "Cache miss");
///     assert_eq!(span.canonical_status().map(|s| s.code()), Some(Code::NotFound));
/// });
/// ```
pub trait CanonicalStatusExt {
    /// Sets `code` with `message` (a `&'static str` is not copied).
    fn set_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>);

    /// Sets `code` with an empty message.
    fn set_canonical_code(&self, code: Code) {
        self.set_canonical_status(code, "");
    }

    /// Sets a [`Status`] (or anything that converts into one, a [`Code`] too).
    fn record_canonical_status(&self, status: impl Into<Status>);

    /// Sets the status of an error that carries a code ([`HasCode`], e.g.
    /// `tonic::Status` with the core's `tonic` feature): see
    /// [`Status::from_error`] for the message.
    fn record_canonical_error<E: HasCode + Display + ?Sized>(&self, error: &E) {
        self.record_canonical_status(Status::from_error(error));
    }

    /// Sets the status of `result` when it is an `Err` (see
    /// [`record_canonical_error`](Self::record_canonical_error)); an `Ok`
    /// sets nothing: instrumentation should not set OK, the application may,
    /// with [`set_canonical_code`](Self::set_canonical_code).
    fn record_result<T, E: HasCode + Display>(&self, result: &Result<T, E>) {
        if let Err(error) = result {
            self.record_canonical_error(error);
        }
    }

    /// The span's work panicked with `payload` (what `catch_unwind` returns):
    /// UNKNOWN, message `panicked: <payload>` ([`Status::from_panic`]), and
    /// `error.type = "panic"` in OpenTelemetry. Final: it beats every other
    /// status, one set by code before the panic included. For code that
    /// catches a panic and resumes it; `#[spanstatus::instrument]`,
    /// `instrument_with_status` and the tower layers do so already.
    fn record_panic(&self, payload: &(dyn std::any::Any + Send)) {
        self.record_canonical_status(Status::from_panic(payload));
    }

    /// The status recorded so far, if any.
    fn canonical_status(&self) -> Option<Status>;

    /// Sets `code` and `message` on this span's parent, e.g. from inside a
    /// child: `Span::current().set_parent_canonical_status(..)`. (tracing
    /// only: OpenTelemetry and Sentry spans have no handle to their parent.)
    fn set_parent_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>);
}

impl CanonicalStatusExt for Span {
    fn set_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>) {
        slot::offer(self, Status::new(code, message));
    }

    fn record_canonical_status(&self, status: impl Into<Status>) {
        slot::offer(self, status.into());
    }

    fn record_panic(&self, payload: &(dyn std::any::Any + Send)) {
        slot::record_panic(self, Status::from_panic(payload));
    }

    fn canonical_status(&self) -> Option<Status> {
        slot::read_status(self)
    }

    fn set_parent_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>) {
        if let Some((parent, dispatch)) = slot::parent_id(self) {
            slot::offer_to(&dispatch, &parent, Status::new(code, message));
        }
    }
}

/// `span.set_status(code, message)`: the short name of
/// [`CanonicalStatusExt::set_canonical_status`] on tracing spans.
///
/// ```
/// use spanstatus_core::Code;
/// use spanstatus_tracing::SetStatusExt;
/// # tracing::subscriber::with_default(tracing_subscriber::registry(), || {
///
/// let span = tracing::info_span!("cache.get");
/// span.set_status(Code::NotFound, "Cache miss");
/// # });
/// ```
///
/// # Next to `tracing-opentelemetry`
///
/// `tracing_opentelemetry::OpenTelemetrySpanExt` also adds a `set_status` to
/// `tracing::Span` (taking an `opentelemetry::trace::Status`). In a module
/// that imports both traits, Rust cannot tell the two apart and rejects
/// **both** calls (E0034, "multiple applicable items in scope"). Such a module
/// imports `spanstatus::prelude::*` (or [`CanonicalStatusExt`]) instead of
/// this trait and writes `span.set_canonical_status(Code::NotFound, "Cache
/// miss")`, which is the same call; its own `span.set_status(otel::Status::..)`
/// keeps working. That is why the prelude does not contain this trait.
pub trait SetStatusExt {
    /// Same as [`CanonicalStatusExt::set_canonical_status`].
    fn set_status(&self, code: Code, message: impl Into<Cow<'static, str>>);
}

impl SetStatusExt for Span {
    fn set_status(&self, code: Code, message: impl Into<Cow<'static, str>>) {
        self.set_canonical_status(code, message);
    }
}
