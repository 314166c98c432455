//! [`SpanStatusExt`]: `set_status` and friends on every `tracing::Span`.

use std::borrow::Cow;
use std::fmt::Display;

use spanstatus_core::{Code, HasCode, Status};
use tracing::Span;

use crate::slot;

/// Sets and reads the canonical status of a [`tracing::Span`]; no field needs
/// to be declared when the span is created.
///
/// The status is kept in the span's registry extensions, so it works with any
/// subscriber built on `tracing_subscriber::registry()` (`fmt()` included),
/// from any thread holding the span, entered or not. Rules (OpenTelemetry's):
/// an OK is final; any later non-OK status replaces an earlier non-OK one.
/// On a disabled span, `Span::none()`, or a subscriber without a registry every
/// method does nothing and returns `false` / `None`.
///
/// ```
/// use spanstatus_core::Code;
/// use spanstatus_tracing::SpanStatusExt;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry().with(spanstatus_tracing::layer());
/// tracing::subscriber::with_default(subscriber, || {
///     let span = tracing::info_span!("cache.get", key = 42);
///     let _entered = span.enter();
///     span.set_status(Code::NotFound, "Cache miss");
///     assert_eq!(span.status().map(|s| s.code()), Some(Code::NotFound));
/// });
/// ```
///
/// `tracing_opentelemetry::OpenTelemetrySpanExt` has a `set_status` too; with
/// both traits in scope, call ours as `SpanStatusExt::set_status(&span, ..)`.
pub trait SpanStatusExt {
    /// Sets `code` with `message` (a `&'static str` is not copied). Returns
    /// `true` when it was recorded, `false` when the span already holds an OK
    /// status or cannot hold one.
    fn set_status(&self, code: Code, message: impl Into<Cow<'static, str>>) -> bool;

    /// Sets `code` with an empty message.
    fn set_code(&self, code: Code) -> bool {
        self.set_status(code, "")
    }

    /// Sets a [`Status`] (or anything that converts into one, a [`Code`] too).
    fn record_status(&self, status: impl Into<Status>) -> bool;

    /// Sets the status of an error that carries a code ([`HasCode`], e.g.
    /// `tonic::Status` with the core's `tonic` feature): its code, and its
    /// `Display` text as the message.
    fn record_error<E: HasCode + Display + ?Sized>(&self, error: &E) -> bool {
        self.record_status(Status::from_error(error))
    }

    /// Sets `code` and `message` on this span's parent, e.g. from inside a
    /// child: `Span::current().set_parent_status(..)`.
    fn set_parent_status(&self, code: Code, message: impl Into<Cow<'static, str>>) -> bool;

    /// The status recorded so far, if any.
    fn status(&self) -> Option<Status>;
}

impl SpanStatusExt for Span {
    fn set_status(&self, code: Code, message: impl Into<Cow<'static, str>>) -> bool {
        slot::offer(self, Status::new(code, message))
    }

    fn record_status(&self, status: impl Into<Status>) -> bool {
        slot::offer(self, status.into())
    }

    fn set_parent_status(&self, code: Code, message: impl Into<Cow<'static, str>>) -> bool {
        match slot::parent_id(self) {
            Some((parent, dispatch)) => {
                slot::offer_to(&dispatch, &parent, Status::new(code, message))
            }
            None => false,
        }
    }

    fn status(&self) -> Option<Status> {
        slot::read(self)
    }
}
