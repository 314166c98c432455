//! The verb family on native OpenTelemetry SDK spans.

use std::borrow::Cow;
use std::fmt::Display;

use opentelemetry::trace::{Span as _, Status as OtelStatus};
use opentelemetry_sdk::trace::Span;
use spanstatus_core::{Code, HasCode, Status};

use crate::Policy;
use crate::policy::attribute_iter;

/// Sets and reads the canonical status of a native OpenTelemetry span (the
/// SDK's [`opentelemetry_sdk::trace::Span`], what an `SdkTracer` starts): the
/// same verbs as on `tracing` spans and Sentry spans, none of which collides
/// with the span's own `set_status`.
///
/// ```
/// use opentelemetry::trace::{Span, Tracer, TracerProvider};
/// use spanstatus_core::Code;
/// use spanstatus_opentelemetry::CanonicalStatusExt;
///
/// let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
/// let mut span = provider.tracer("doc").start("cache.get");
/// span.set_canonical_status(Code::NotFound, "Cache miss");
/// assert_eq!(span.canonical_status().map(|s| s.code()), Some(Code::NotFound));
/// span.end();
/// ```
///
/// The policy is [`Policy::for_kind`] of the span's kind (a SERVER span
/// leaves NOT_FOUND `Unset`), unless given with
/// [`set_canonical_status_with`](Self::set_canonical_status_with).
///
/// # The one exception to the precedence rule
///
/// Everywhere else (`tracing` and Sentry spans) an OK is final and the last
/// non-OK status wins. Here **the first canonical status is final, and
/// status and code attributes never disagree**, because the SDK forces it:
/// an SDK span can neither remove nor replace an attribute
/// (a second `error.type` is appended, and backends differ on which copy they
/// read), and it keeps a new status only if it sorts higher than the current
/// one (`Ok > Error > Unset`, then the larger description). So a span takes
/// one canonical status: later calls, and a call after the SDK's own
/// `set_status` set a status that sorts higher, write nothing. On `tracing`
/// spans the last status wins instead, because the bridge writes it once, at
/// close.
///
/// Only the SDK's span can be read back. A `BoxedSpan` (from the global
/// tracer) or a `SpanRef` (`cx.span()`) cannot, so this trait is not
/// implemented for them: set their status once, by hand, with
/// [`to_otel_status`](crate::to_otel_status) and
/// [`attributes`](crate::attributes), or use `tracing` spans and the bridge
/// ([`StatusLayer`](crate::StatusLayer)), which set it once when the span
/// closes.
pub trait CanonicalStatusExt {
    /// Sets `code` and `message` under the policy of the span's kind.
    fn set_canonical_status(&mut self, code: Code, message: impl Into<Cow<'static, str>>);

    /// Sets `code` with an empty message.
    fn set_canonical_code(&mut self, code: Code) {
        self.set_canonical_status(code, "");
    }

    /// Sets a [`Status`] (or a [`Code`]).
    fn record_canonical_status(&mut self, status: impl Into<Status>) {
        let (code, message) = status.into().into_parts();
        self.set_canonical_status(code, message);
    }

    /// Sets the status of an error that carries a code: see
    /// [`Status::from_error`] for the message.
    fn record_canonical_error<E: HasCode + Display + ?Sized>(&mut self, error: &E) {
        self.record_canonical_status(Status::from_error(error));
    }

    /// Sets the status of `result` when it is an `Err`; an `Ok` sets
    /// nothing (instrumentation should not set OK).
    fn record_result<T, E: HasCode + Display>(&mut self, result: &Result<T, E>) {
        if let Err(error) = result {
            self.record_canonical_error(error);
        }
    }

    /// The canonical status the span will export, read back from its code
    /// attributes; the message is the `Error` description (empty when the
    /// policy left the status `Unset` or `Ok`). `None` when the span has no
    /// canonical status or is not recording.
    fn canonical_status(&self) -> Option<Status>;

    /// Sets `code` and `message` under `policy`.
    fn set_canonical_status_with(
        &mut self,
        code: Code,
        message: impl Into<Cow<'static, str>>,
        policy: &Policy,
    );
}

impl CanonicalStatusExt for Span {
    fn set_canonical_status(&mut self, code: Code, message: impl Into<Cow<'static, str>>) {
        apply(self, code, message.into(), None);
    }

    fn canonical_status(&self) -> Option<Status> {
        let data = self.exported_data()?;
        let code = crate::code_from_span_data(&data).ok()?;
        Some(match data.status {
            OtelStatus::Error { description } => Status::new(code, description),
            _ => Status::from_code(code),
        })
    }

    fn set_canonical_status_with(
        &mut self,
        code: Code,
        message: impl Into<Cow<'static, str>>,
        policy: &Policy,
    ) {
        apply(self, code, message.into(), Some(policy));
    }
}

/// Sets the status and attributes of `code` under `policy` (or the policy of
/// the span's kind), unless the SDK would not keep that status.
fn apply(span: &mut Span, code: Code, message: Cow<'static, str>, policy: Option<&Policy>) {
    // One copy of the span's data tells its kind, status and current code.
    let Some(data) = span.exported_data() else {
        return; // not recording
    };
    // The first canonical status is final (also an `Ok` set by the SDK's own
    // `set_status`): attributes cannot be taken back.
    if crate::code_from_span_data(&data).is_ok() {
        return;
    }
    let policy = policy.copied().unwrap_or(Policy::for_kind(&data.span_kind));
    let status = crate::to_otel_status(code, message, &policy);
    // Write nothing the SDK would not keep over a status set with its own
    // `set_status`: the code attributes must describe the exported status.
    if status < data.status {
        return;
    }
    span.set_attributes(attribute_iter(code, &policy));
    span.set_status(status);
}
