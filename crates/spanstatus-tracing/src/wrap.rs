//! One `Layer` forwarding body for the exporter bridges (the OpenTelemetry and
//! Sentry `StatusLayer`s), like tracing-subscriber's own `layer_impl_body!`:
//! when `Layer` grows a method, it is added here once.

use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// What a bridge adds to the layer it wraps; every other callback is
/// forwarded unchanged by [`wrapper_layer!`](crate::wrapper_layer).
#[doc(hidden)]
pub trait BridgeHooks<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    /// The wrapped layer.
    type Inner: Layer<S>;

    /// Called before the wrapped layer's `on_register_dispatch`.
    fn register_dispatch(&self, _subscriber: &Dispatch) {}

    /// Called before the wrapped layer's `on_new_span`.
    fn new_span(&self, _attrs: &Attributes<'_>, _id: &Id, _ctx: &Context<'_, S>) {}

    /// Hands the new span to the wrapped layer (`inner`), after
    /// [`new_span`](Self::new_span): as it is, unless a bridge has other
    /// attributes to give (the Sentry bridge: a name and op of the
    /// conventions, known when its transaction starts).
    fn forward_new_span(
        &self,
        inner: &Self::Inner,
        attrs: &Attributes<'_>,
        id: &Id,
        ctx: Context<'_, S>,
    ) {
        inner.on_new_span(attrs, id, ctx);
    }

    /// Called before the wrapped layer's `on_record`.
    fn record(&self, _id: &Id, _values: &Record<'_>, _ctx: &Context<'_, S>) {}

    /// Called before the wrapped layer's `on_close`: the moment to put the
    /// span's final status on the backend's span.
    fn close(&self, _id: &Id, _ctx: &Context<'_, S>) {}
}

/// Implements `Layer` for `$wrapper<L>` (a struct with a field `inner: L`
/// and a [`BridgeHooks`] impl): every callback goes to `inner`, after the hook
/// where there is one. Not part of the public API.
#[doc(hidden)]
#[macro_export]
macro_rules! wrapper_layer {
    ($wrapper:ident) => {
        impl<S, L> $crate::__private::Layer<S> for $wrapper<L>
        where
            S: $crate::__private::Subscriber + for<'a> $crate::__private::LookupSpan<'a>,
            L: $crate::__private::Layer<S>,
            Self: $crate::__private::BridgeHooks<S, Inner = L> + 'static,
        {
            fn on_register_dispatch(&self, subscriber: &$crate::__private::Dispatch) {
                $crate::__private::BridgeHooks::<S>::register_dispatch(self, subscriber);
                self.inner.on_register_dispatch(subscriber);
            }

            fn on_layer(&mut self, subscriber: &mut S) {
                self.inner.on_layer(subscriber);
            }

            fn register_callsite(
                &self,
                metadata: &'static $crate::__private::Metadata<'static>,
            ) -> $crate::__private::Interest {
                self.inner.register_callsite(metadata)
            }

            fn enabled(
                &self,
                metadata: &$crate::__private::Metadata<'_>,
                ctx: $crate::__private::Context<'_, S>,
            ) -> bool {
                self.inner.enabled(metadata, ctx)
            }

            fn on_new_span(
                &self,
                attrs: &$crate::__private::Attributes<'_>,
                id: &$crate::__private::Id,
                ctx: $crate::__private::Context<'_, S>,
            ) {
                $crate::__private::BridgeHooks::<S>::new_span(self, attrs, id, &ctx);
                $crate::__private::BridgeHooks::<S>::forward_new_span(
                    self,
                    &self.inner,
                    attrs,
                    id,
                    ctx,
                );
            }

            fn max_level_hint(&self) -> Option<$crate::__private::LevelFilter> {
                self.inner.max_level_hint()
            }

            fn on_record(
                &self,
                id: &$crate::__private::Id,
                values: &$crate::__private::Record<'_>,
                ctx: $crate::__private::Context<'_, S>,
            ) {
                $crate::__private::BridgeHooks::<S>::record(self, id, values, &ctx);
                self.inner.on_record(id, values, ctx);
            }

            fn on_follows_from(
                &self,
                id: &$crate::__private::Id,
                follows: &$crate::__private::Id,
                ctx: $crate::__private::Context<'_, S>,
            ) {
                self.inner.on_follows_from(id, follows, ctx);
            }

            fn event_enabled(
                &self,
                event: &$crate::__private::Event<'_>,
                ctx: $crate::__private::Context<'_, S>,
            ) -> bool {
                self.inner.event_enabled(event, ctx)
            }

            fn on_event(
                &self,
                event: &$crate::__private::Event<'_>,
                ctx: $crate::__private::Context<'_, S>,
            ) {
                self.inner.on_event(event, ctx);
            }

            fn on_enter(&self, id: &$crate::__private::Id, ctx: $crate::__private::Context<'_, S>) {
                self.inner.on_enter(id, ctx);
            }

            fn on_exit(&self, id: &$crate::__private::Id, ctx: $crate::__private::Context<'_, S>) {
                self.inner.on_exit(id, ctx);
            }

            fn on_close(&self, id: $crate::__private::Id, ctx: $crate::__private::Context<'_, S>) {
                $crate::__private::BridgeHooks::<S>::close(self, &id, &ctx);
                self.inner.on_close(id, ctx);
            }

            fn on_id_change(
                &self,
                old: &$crate::__private::Id,
                new: &$crate::__private::Id,
                ctx: $crate::__private::Context<'_, S>,
            ) {
                self.inner.on_id_change(old, new, ctx);
            }

            // SAFETY: `self` only for our own type id; otherwise exactly what
            // the wrapped layer returns, whose pointers live as long as `self`.
            unsafe fn downcast_raw(&self, id: ::core::any::TypeId) -> Option<*const ()> {
                if id == ::core::any::TypeId::of::<Self>() {
                    return Some(self as *const Self as *const ());
                }
                // SAFETY: forwarded under the same contract.
                unsafe { self.inner.downcast_raw(id) }
            }
        }
    };
}

/// Offers the status `status()` makes to the current span, if `is_own` says
/// it is the right one, without cloning a `Span` handle (what
/// `Span::current()` would): for `#[spanstatus::instrument]`'s expansion.
/// `status` is only called for the right span.
#[doc(hidden)]
pub fn offer_to_current(
    is_own: impl FnOnce(&tracing::Metadata<'_>) -> bool,
    status: impl FnOnce() -> spanstatus_core::Status,
) -> bool {
    let mut call = Some((is_own, status));
    tracing::dispatcher::get_default(|dispatch| {
        let Some((is_own, status)) = call.take() else {
            return false;
        };
        let current = dispatch.current_span();
        match (current.id(), current.metadata()) {
            (Some(id), Some(metadata)) if is_own(metadata) => {
                crate::slot::offer_to(dispatch, id, status())
            }
            _ => false,
        }
    })
}

/// Runs `f`; when it panics, hands the payload to `record` and goes on
/// unwinding (the panic is never swallowed). The one catch of the tower
/// layers, `#[spanstatus::instrument]` and `instrument_with_status`.
#[doc(hidden)]
pub fn catch_panic<T>(
    f: impl FnOnce() -> T,
    record: impl FnOnce(&(dyn std::any::Any + Send)),
) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(value) => value,
        Err(payload) => {
            record(&*payload);
            std::panic::resume_unwind(payload)
        }
    }
}

/// Records a panic with `payload` on the current span, if `is_own` says it
/// is the right one ([`CanonicalStatusExt::record_panic`](crate::CanonicalStatusExt::record_panic)'s
/// rule): for `#[spanstatus::instrument]`'s expansion.
#[doc(hidden)]
pub fn record_panic_on_current(
    is_own: impl Fn(&tracing::Metadata<'_>) -> bool,
    payload: &(dyn std::any::Any + Send),
) {
    tracing::dispatcher::get_default(|dispatch| {
        let current = dispatch.current_span();
        if let (Some(id), Some(metadata)) = (current.id(), current.metadata()) {
            if is_own(metadata) {
                crate::slot::panic_to(dispatch, id, spanstatus_core::Status::from_panic(payload));
            }
        }
    });
}

/// An exchange's `error.type` with no copy of a `&'static str`: for the
/// OpenTelemetry bridge's attribute value.
#[doc(hidden)]
pub fn error_type_of(exchange: &crate::Exchange) -> Option<std::borrow::Cow<'static, str>> {
    exchange.error_type_cow()
}

/// What [`wrapper_layer!`](crate::wrapper_layer) expands to needs, and what
/// the bridges read.
#[doc(hidden)]
pub mod __private {
    pub use super::{
        BridgeHooks, catch_panic, error_type_of, offer_to_current, record_panic_on_current,
    };
    pub use crate::slot::{Recorded, any_status_recorded, recorded_on};
    pub use tracing::level_filters::LevelFilter;
    pub use tracing::span::{Attributes, Id, Record};
    pub use tracing::{Dispatch, Event, Metadata, Subscriber};
    pub use tracing_core::Interest;
    pub use tracing_subscriber::layer::{Context, Layer};
    pub use tracing_subscriber::registry::LookupSpan;
}
