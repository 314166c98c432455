//! `set_canonical_status` on native OpenTelemetry spans.

use std::borrow::Cow;

use opentelemetry::trace::{Span, SpanRef};
use spanstatus_core::Code;

use crate::Policy;
use crate::policy::attribute_iter;

/// `set_canonical_status` on every [`opentelemetry::trace::Span`] (the SDK's
/// span, `BoxedSpan`, ...). Named so that it never collides with the span's
/// own `set_status`.
///
/// ```
/// use opentelemetry::trace::{Span, Tracer, TracerProvider};
/// use spanstatus_core::Code;
/// use spanstatus_opentelemetry::SpanExt;
///
/// let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
/// let mut span = provider.tracer("doc").start("cache.get");
/// span.set_canonical_status(Code::NotFound, "Cache miss");
/// span.end();
/// ```
///
/// The SDK keeps a new status only if it sorts higher (`Ok > Error > Unset`,
/// and between two errors the larger description): set the status once, at
/// the end. The tracing bridge ([`StatusLayer`](crate::StatusLayer)) does
/// that for you.
pub trait SpanExt {
    /// Sets the status for `code` and `message` with [`Policy::CLIENT`]
    /// (every non-OK code is an error, OK is `Ok`) and the attributes of
    /// [`attributes`](crate::attributes).
    fn set_canonical_status(&mut self, code: Code, message: impl Into<Cow<'static, str>>) {
        self.set_canonical_status_with(code, message, &Policy::CLIENT);
    }

    /// Sets the status and attributes for `code` and `message` under `policy`.
    fn set_canonical_status_with(
        &mut self,
        code: Code,
        message: impl Into<Cow<'static, str>>,
        policy: &Policy,
    );
}

impl<S: Span> SpanExt for S {
    fn set_canonical_status_with(
        &mut self,
        code: Code,
        message: impl Into<Cow<'static, str>>,
        policy: &Policy,
    ) {
        self.set_attributes(attribute_iter(code, policy));
        self.set_status(policy.status(code, message));
    }
}

/// `set_canonical_status` on a [`SpanRef`], the active span of a context
/// (`cx.span()`, `Context::current().span()`).
///
/// ```
/// use opentelemetry::Context;
/// use opentelemetry::trace::{TraceContextExt, Tracer, TracerProvider};
/// use spanstatus_core::Code;
/// use spanstatus_opentelemetry::SpanRefExt;
///
/// let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
/// provider.tracer("doc").in_span("cache.get", |cx: Context| {
///     cx.span().set_canonical_status(Code::NotFound, "Cache miss");
/// });
/// ```
pub trait SpanRefExt {
    /// Sets the status for `code` and `message` with [`Policy::CLIENT`].
    fn set_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>) {
        self.set_canonical_status_with(code, message, &Policy::CLIENT);
    }

    /// Sets the status and attributes for `code` and `message` under `policy`.
    fn set_canonical_status_with(
        &self,
        code: Code,
        message: impl Into<Cow<'static, str>>,
        policy: &Policy,
    );
}

impl SpanRefExt for SpanRef<'_> {
    fn set_canonical_status_with(
        &self,
        code: Code,
        message: impl Into<Cow<'static, str>>,
        policy: &Policy,
    ) {
        self.set_attributes(attribute_iter(code, policy));
        self.set_status(policy.status(code, message));
    }
}
