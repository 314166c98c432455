//! [`StatusLayer`]: the bridge from `span.set_status(..)` on tracing spans to
//! the Sentry spans that `sentry_tracing::SpanLayer` makes of them.

use std::sync::Arc;

use sentry_core::Hub;
use spanstatus_core::Status;
use spanstatus_tracing::__private::BridgeHooks;
use spanstatus_tracing::{Exchange, Protocol};
use tracing::Subscriber;
use tracing::span::{Attributes, Id};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use crate::ext::{HTTP_STATUS_KEY, force_status};

/// Wraps `sentry_tracing::SpanLayer` (possibly filtered) so that the final
/// canonical status of each tracing span lands on its Sentry transaction or
/// span, with the message and code in its data (see
/// [`CanonicalStatusExt`](crate::CanonicalStatusExt)).
///
/// Use it **instead of** the bare `SpanLayer`, anywhere in the stack:
///
/// ```
/// use tracing_subscriber::filter::LevelFilter;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(spanstatus_sentry::layer(sentry_tracing::SpanLayer::new()).with_filter(LevelFilter::INFO));
/// # let _ = subscriber;
/// ```
///
/// Every callback goes to the wrapped layer unchanged. When a span that has a
/// status closes, and before the wrapped layer finishes its Sentry span, the
/// wrapper enters the span in the wrapped layer (which makes its Sentry span
/// the current hub's span), sets the status on that Sentry span, and exits
/// again. sentry-tracing keeps its span data private; this is the one public
/// way to reach it, and doing it once at close time covers every way a status
/// is set: on the entered span, before the first enter, from another thread,
/// or on a parent from inside a child. A span the wrapped layer did not record
/// (filtered out) is left alone; the hub does not change for it, which is
/// how the wrapper tells.
///
/// A per-layer filter may go around the wrapper (as above) or around the
/// inner layer (`layer(SpanLayer::new().with_filter(..))`); both work.
///
/// The wrapped layer gets one extra `on_enter`/`on_exit` pair per span with a
/// status, just before `on_close`; wrap only sentry-tracing's `SpanLayer` (or
/// layers for which that is harmless).
#[derive(Debug, Default, Clone)]
#[must_use = "a layer does nothing until it is added to a subscriber"]
pub struct StatusLayer<L> {
    inner: L,
}

/// Wraps `inner`, normally `sentry_tracing::SpanLayer::new()`, in a
/// [`StatusLayer`].
pub fn layer<L>(inner: L) -> StatusLayer<L> {
    StatusLayer::new(inner)
}

/// A [`StatusLayer`] around a default `sentry_tracing::SpanLayer`.
pub fn span_layer() -> StatusLayer<sentry_tracing::SpanLayer> {
    layer(sentry_tracing::SpanLayer::new())
}

/// `.with_span_status()` on sentry-tracing's `SpanLayer`: the same as
/// [`layer`].
///
/// ```
/// use spanstatus_sentry::WithSpanStatus;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(sentry_tracing::SpanLayer::new().with_span_status());
/// # drop(subscriber);
/// ```
pub trait WithSpanStatus: Sized {
    /// Wraps the layer in a [`StatusLayer`].
    fn with_span_status(self) -> StatusLayer<Self> {
        StatusLayer::new(self)
    }
}

impl WithSpanStatus for sentry_tracing::SpanLayer {}

impl<L> StatusLayer<L> {
    /// Wraps `inner`; same as [`layer`].
    pub fn new(inner: L) -> Self {
        StatusLayer { inner }
    }

    /// The wrapped layer.
    pub fn inner(&self) -> &L {
        &self.inner
    }

    /// The wrapped layer, mutably.
    pub fn inner_mut(&mut self) -> &mut L {
        &mut self.inner
    }

    /// Unwraps the layer.
    pub fn into_inner(self) -> L {
        self.inner
    }

    /// Puts `status` on the Sentry span of tracing span `id`, if the wrapped
    /// layer has one: entered in the wrapped layer, it becomes the current
    /// hub's span.
    fn apply<S>(&self, id: &Id, ctx: &Context<'_, S>, status: Status, exchange: Option<Exchange>)
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
        L: Layer<S>,
    {
        let before = Hub::current();
        self.inner.on_enter(id, ctx.clone());
        let hub = Hub::current();
        // sentry-tracing switches to a new hub when, and only when, it has a
        // Sentry span for `id`; otherwise the scope's span is someone else's.
        if !Arc::ptr_eq(&before, &hub) {
            drop(before);
            if let Some(sentry_span) = hub.configure_scope(|scope| scope.get_span()) {
                // The status tracing kept, by the same rule as Sentry's.
                force_status(&sentry_span, status);
                // An HTTP response's number, as Sentry's own HTTP
                // integrations keep it.
                let http_status = exchange
                    .filter(|exchange| exchange.protocol() == Protocol::Http)
                    .and_then(|exchange| exchange.http_status());
                if let Some(http_status) = http_status {
                    sentry_span.set_data(HTTP_STATUS_KEY, http_status.into());
                }
            }
        }
        drop(hub);
        self.inner.on_exit(id, ctx.clone());
    }
}

impl<S, L> BridgeHooks<S> for StatusLayer<L>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    L: Layer<S>,
{
    type Inner = L;

    fn forward_new_span(&self, inner: &L, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        crate::naming::forward_named(attrs, |attrs, rest| {
            inner.on_new_span(attrs, id, ctx.clone());
            if let Some(rest) = rest {
                inner.on_record(id, rest, ctx.clone());
            }
        });
    }

    fn close(&self, id: &Id, ctx: &Context<'_, S>) {
        if !spanstatus_tracing::__private::any_status_recorded() {
            return;
        }
        // Read (and release) the extensions before calling into the inner
        // layer, which locks them itself.
        let recorded = ctx
            .span(id)
            .and_then(|span| spanstatus_tracing::__private::recorded_on(&span));
        if let Some(recorded) = recorded {
            self.apply(id, ctx, recorded.status, recorded.exchange);
        }
    }
}

spanstatus_tracing::wrapper_layer!(StatusLayer);
