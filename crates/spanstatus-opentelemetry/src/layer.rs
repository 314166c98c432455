//! [`StatusLayer`]: the bridge from `spanstatus_tracing::SpanStatusExt` to
//! the OpenTelemetry spans of `tracing-opentelemetry`.

use std::any::TypeId;
use std::fmt;
use std::sync::OnceLock;

use opentelemetry::trace::{SpanKind, TraceContextExt};
use tracing::dispatcher::WeakDispatch;
use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Event, Metadata, Subscriber};
use tracing_core::Interest;
use tracing_core::field::{Field, Visit};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::{LookupSpan, SpanRef};

use crate::policy::attribute_iter;
use crate::{OkMapping, Policy};

/// The field `tracing-opentelemetry` reads the span kind from.
const SPAN_KIND_FIELD: &str = "otel.kind";

/// Wraps `tracing-opentelemetry`'s layer so that the status set with
/// [`SpanStatusExt`](spanstatus_tracing::SpanStatusExt) reaches the exported
/// OpenTelemetry span, with the attributes that keep the exact code.
///
/// ```
/// use opentelemetry::trace::TracerProvider;
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use spanstatus_core::Code;
/// use spanstatus_tracing::SpanStatusExt;
/// use tracing_subscriber::prelude::*;
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
/// let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("doc"));
/// let subscriber = tracing_subscriber::registry().with(spanstatus_opentelemetry::layer(otel));
///
/// tracing::subscriber::with_default(subscriber, || {
///     let span = tracing::info_span!("cache.get");
///     span.set_status(Code::NotFound, "Cache miss");
/// });
///
/// let spans = exporter.get_finished_spans().unwrap();
/// assert_eq!(spans[0].status, opentelemetry::trace::Status::error("Cache miss"));
/// ```
///
/// # What it does
///
/// Every callback is forwarded to the wrapped layer unchanged (so
/// `OpenTelemetrySpanExt`, `get_otel_context` and per-layer filters keep
/// working). In `on_close`, before the wrapped layer ends the OpenTelemetry
/// span, it reads the span's final status with
/// [`spanstatus_tracing::status_of`] and, if there is one, sets the mapped
/// status and the attributes of [`attributes`](crate::attributes) on the
/// OpenTelemetry span, once. So the status tracing keeps (OK is final, the
/// last non-OK wins) is the one exported, whatever the SDK's own ordering of
/// descriptions would keep.
///
/// # Which policy
///
/// A span declared with `otel.kind` (the field `tracing-opentelemetry` reads,
/// e.g. `otel.kind = "server"`) gets [`Policy::for_kind`] of that kind, with
/// the OK mapping and legacy-attribute choice of the layer's policy. A span
/// without `otel.kind` (exported as `INTERNAL`) gets the layer's policy,
/// [`Policy::CLIENT`] unless set with [`StatusLayer::with_policy`].
pub struct StatusLayer<L> {
    inner: L,
    policy: Policy,
    dispatch: OnceLock<WeakDispatch>,
}

/// Wraps `inner`, a `tracing_opentelemetry` layer, in a [`StatusLayer`].
pub fn layer<L>(inner: L) -> StatusLayer<L> {
    StatusLayer::new(inner)
}

impl<L> StatusLayer<L> {
    /// Wraps `inner` with the default policy ([`Policy::CLIENT`] for spans
    /// without `otel.kind`).
    pub fn new(inner: L) -> Self {
        StatusLayer {
            inner,
            policy: Policy::default(),
            dispatch: OnceLock::new(),
        }
    }

    /// The policy for spans without an `otel.kind` field; its OK mapping and
    /// legacy-attribute choice also apply to spans with one.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Sets what OK becomes on every span ([`OkMapping::Unset`] for
    /// instrumentation libraries).
    pub fn with_ok(mut self, ok: OkMapping) -> Self {
        self.policy = self.policy.with_ok(ok);
        self
    }

    /// Also writes the deprecated integer `rpc.grpc.status_code`.
    pub fn with_legacy_grpc_status_code(mut self, enabled: bool) -> Self {
        self.policy = self.policy.with_legacy_grpc_status_code(enabled);
        self
    }

    /// The policy for spans without `otel.kind`.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The wrapped layer.
    pub fn inner(&self) -> &L {
        &self.inner
    }

    /// The policy for a span of `kind`, or of no declared kind.
    pub fn policy_for(&self, kind: Option<&SpanKind>) -> Policy {
        match kind {
            Some(kind) => Policy::for_kind(kind)
                .with_ok(self.policy.ok_mapping())
                .with_legacy_grpc_status_code(self.policy.legacy_grpc_status_code()),
            None => self.policy,
        }
    }
}

impl<L: fmt::Debug> fmt::Debug for StatusLayer<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusLayer")
            .field("inner", &self.inner)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// `.with_span_status()` on `tracing-opentelemetry`'s layers: the same as
/// [`layer`].
///
/// ```
/// use spanstatus_opentelemetry::LayerExt;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(tracing_opentelemetry::layer().with_span_status());
/// # drop(subscriber);
/// ```
pub trait LayerExt: Sized {
    /// Wraps the layer in a [`StatusLayer`].
    fn with_span_status(self) -> StatusLayer<Self> {
        StatusLayer::new(self)
    }
}

impl<S, T> LayerExt for tracing_opentelemetry::OpenTelemetryLayer<S, T> {}
impl<S, T, F> LayerExt for tracing_opentelemetry::FilteredOpenTelemetryLayer<S, T, F> {}

/// The span kind declared with `otel.kind`, kept in the span's extensions.
#[derive(Debug)]
struct DeclaredKind(SpanKind);

/// Reads `otel.kind` the way `tracing-opentelemetry` does: a string or a
/// `Debug`/`Display` value, case-insensitive.
#[derive(Default)]
struct KindVisitor(Option<SpanKind>);

fn parse_kind(s: &str) -> Option<SpanKind> {
    [
        ("server", SpanKind::Server),
        ("client", SpanKind::Client),
        ("producer", SpanKind::Producer),
        ("consumer", SpanKind::Consumer),
        ("internal", SpanKind::Internal),
    ]
    .into_iter()
    .find_map(|(name, kind)| s.eq_ignore_ascii_case(name).then_some(kind))
}

impl Visit for KindVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == SPAN_KIND_FIELD {
            self.0 = parse_kind(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == SPAN_KIND_FIELD {
            self.0 = parse_kind(&format!("{value:?}"));
        }
    }
}

impl<L> StatusLayer<L> {
    /// Keeps the `otel.kind` that `visit` finds, if any, in the span's
    /// extensions; only called for callsites that declare the field.
    fn record_kind<S>(span: &SpanRef<'_, S>, visit: impl FnOnce(&mut KindVisitor))
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let mut visitor = KindVisitor::default();
        visit(&mut visitor);
        if let Some(kind) = visitor.0 {
            span.extensions_mut().replace(DeclaredKind(kind));
        }
    }

    fn dispatch(&self) -> Option<Dispatch> {
        match self.dispatch.get() {
            Some(weak) => weak.upgrade(),
            None => Some(tracing::dispatcher::get_default(Dispatch::clone)),
        }
    }

    /// Puts the final status of span `id`, if any, on its OpenTelemetry span.
    fn export_status<S>(&self, id: &Id, ctx: &Context<'_, S>)
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let (status, kind) = {
            let Some(span) = ctx.span(id) else {
                return;
            };
            let Some(status) = spanstatus_tracing::status_of(&span) else {
                return;
            };
            // Only spans whose callsite declares `otel.kind` can hold one.
            let kind = if span.metadata().fields().field(SPAN_KIND_FIELD).is_some() {
                span.extensions()
                    .get::<DeclaredKind>()
                    .map(|declared| declared.0.clone())
            } else {
                None
            };
            (status, kind)
        };
        // No extension lock is held from here on: getting the context locks
        // the span's extensions inside tracing-opentelemetry.
        let Some(dispatch) = self.dispatch() else {
            return;
        };
        let Some(cx) = tracing_opentelemetry::get_otel_context(id, &dispatch) else {
            return;
        };
        let policy = self.policy_for(kind.as_ref());
        let (code, message) = status.into_parts();
        let span = cx.span();
        span.set_attributes(attribute_iter(code, &policy));
        span.set_status(policy.status(code, message));
    }
}

impl<S, L> Layer<S> for StatusLayer<L>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    L: Layer<S>,
{
    fn on_register_dispatch(&self, subscriber: &Dispatch) {
        // A layer is registered with one dispatcher; keep the first.
        let _ = self.dispatch.set(subscriber.downgrade());
        self.inner.on_register_dispatch(subscriber);
    }

    fn on_layer(&mut self, subscriber: &mut S) {
        self.inner.on_layer(subscriber);
    }

    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        self.inner.register_callsite(metadata)
    }

    fn enabled(&self, metadata: &Metadata<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.enabled(metadata, ctx)
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().fields().field(SPAN_KIND_FIELD).is_some()
            && let Some(span) = ctx.span(id)
        {
            Self::record_kind(&span, |visitor| attrs.record(visitor));
        }
        self.inner.on_new_span(attrs, id, ctx);
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        self.inner.max_level_hint()
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        // One lookup: the span gives both its callsite's fields and its extensions.
        if let Some(span) = ctx.span(id)
            && let Some(field) = span.metadata().fields().field(SPAN_KIND_FIELD)
            && values.contains(&field)
        {
            Self::record_kind(&span, |visitor| values.record(visitor));
        }
        self.inner.on_record(id, values, ctx);
    }

    fn on_follows_from(&self, id: &Id, follows: &Id, ctx: Context<'_, S>) {
        self.inner.on_follows_from(id, follows, ctx);
    }

    fn event_enabled(&self, event: &Event<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.event_enabled(event, ctx)
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        self.inner.on_event(event, ctx);
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_enter(id, ctx);
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_exit(id, ctx);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        self.export_status(&id, &ctx);
        self.inner.on_close(id, ctx);
    }

    fn on_id_change(&self, old: &Id, new: &Id, ctx: Context<'_, S>) {
        self.inner.on_id_change(old, new, ctx);
    }

    // SAFETY: returns `self` only for our own type id, and otherwise exactly
    // what the wrapped layer returns, whose pointers live as long as `self`.
    unsafe fn downcast_raw(&self, id: TypeId) -> Option<*const ()> {
        if id == TypeId::of::<Self>() {
            return Some(self as *const Self as *const ());
        }
        // SAFETY: forwarded under the same contract.
        unsafe { self.inner.downcast_raw(id) }
    }
}
