//! [`StatusLayer`]: the bridge from the status of `tracing` spans to
//! the OpenTelemetry spans of `tracing-opentelemetry`.

use std::fmt;
use std::sync::OnceLock;

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanKind, Status as OtelStatus, TraceContextExt};
use spanstatus_tracing::__private::{BridgeHooks, Recorded};
use tracing::dispatcher::WeakDispatch;
use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Subscriber};
use tracing_core::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::{LookupSpan, SpanRef};

use crate::keys;
use crate::record::{Fields, kind_name};
use crate::span_type::{Export, SpanType, export};
use crate::{OkMapping, Policy};
use spanstatus_tracing::{Exchange, Side};

/// The field `tracing-opentelemetry` reads the span kind from.
const SPAN_KIND_FIELD: &str = "otel.kind";

/// Wraps `tracing-opentelemetry`'s layer so that the status set with
/// `spanstatus_tracing`'s traits reaches the exported
/// OpenTelemetry span, with the attributes that keep the exact code.
///
/// ```
/// use opentelemetry::trace::TracerProvider;
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use spanstatus_core::Code;
/// use spanstatus_tracing::SetStatusExt;
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
/// span, it reads the span's final status and its exchange, if middleware
/// recorded one (`spanstatus_tracing::Exchange`), and writes the mapped
/// status and the attributes of the span's type once: straight onto the
/// OpenTelemetry span (`get_otel_context`, through the dispatcher this layer
/// was registered in), or, when a kind must still be set, as a record of the
/// wrapped layer's own fields (`otel.status_code`, `otel.status_description`,
/// and `otel.kind` when the span declares none but an exchange gave a side).
/// So the status tracing keeps is the one exported, whatever the SDK's own
/// ordering of descriptions would keep. The kind takes effect only on a span
/// that has not started yet (never entered, no child): tracing-opentelemetry
/// cannot change the kind of a started span.
///
/// # Attributes, by span type
///
/// | type | when | attributes |
/// |---|---|---|
/// | RPC | the span declares `rpc.system` or `rpc.system.name`, or a gRPC exchange was recorded | `rpc.response.status_code` = the code's name, always; `error.type` = the code's name when `Error` |
/// | HTTP | the span declares `http.request.method`, or an HTTP exchange was recorded | `http.response.status_code` (int) when there was a response; `error.type` = the status code as a string (`"503"`) when it is an error, else the failure's identifier (`timeout`, …) or the code's name |
/// | Other | anything else | `error.type` = the code's name when `Error` |
///
/// The status follows the policy of the span's kind, except a status the
/// response's HTTP number gave ([`StatusSource::Response`], or the 408
/// rule), which follows the [HTTP rules]: 1xx–3xx `Unset`, 4xx `Unset` on a
/// server and `Error` on a client, 5xx (and anything outside 100..=599)
/// `Error`, with no description. An HTTP exchange that failed without a
/// whole response is `Error` on either side, except a CANCELLED one (the
/// caller's choice, semconv 1.41). A gRPC client's every non-OK code is
/// `Error` ([gRPC spans]), a call its caller dropped included; a gRPC server
/// whose client dropped the call stays `Unset`. A status from traffic that is OK stays `Unset`: instrumentation
/// does not set `Ok`.
///
/// # Which policy
///
/// A span declared with `otel.kind` (the field `tracing-opentelemetry` reads,
/// e.g. `otel.kind = "server"`), or else with an exchange recorded, gets the
/// policy of that kind or side: [`Policy::SERVER`] for servers,
/// [`Policy::CLIENT`] for clients, unless set with
/// [`with_server_policy`](StatusLayer::with_server_policy) and
/// [`with_client_policy`](StatusLayer::with_client_policy). Every other span
/// gets [`with_policy`](StatusLayer::with_policy)'s, [`Policy::CLIENT`] by
/// default.
///
/// [`StatusSource::Response`]: spanstatus_tracing::StatusSource::Response
/// [HTTP rules]: https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status
/// [gRPC spans]: https://github.com/open-telemetry/semantic-conventions/blob/main/docs/rpc/grpc.md
#[derive(Clone, Default)]
#[must_use = "a layer does nothing until it is added to a subscriber"]
pub struct StatusLayer<L> {
    inner: L,
    settings: Settings,
    dispatch: Registered,
}

/// The dispatcher this layer was registered in: what finds a closing span's
/// OpenTelemetry span (`get_otel_context`) without asking the thread for its
/// current dispatcher. Weak: the dispatcher owns the layer. A clone starts
/// empty, so that a clone put into another subscriber never reaches this one.
#[derive(Default)]
struct Registered(OnceLock<WeakDispatch>);

impl Clone for Registered {
    fn clone(&self) -> Self {
        Registered::default()
    }
}

/// The layer's settings, each kept on its own so that no builder call undoes
/// another: `.with_ok(..)` holds whatever policies are given before or after
/// it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Settings {
    /// The policy of spans that are neither servers nor clients.
    policy: Policy,
    /// Set by `with_server_policy`; otherwise `Policy::SERVER`.
    server: Option<Policy>,
    /// Set by `with_client_policy`; otherwise `Policy::CLIENT`.
    client: Option<Policy>,
    /// Set by `with_ok`; otherwise each policy's own.
    ok: Option<OkMapping>,
    /// Set by `with_legacy_grpc_status_code`; otherwise each policy's own.
    legacy_grpc_status_code: Option<bool>,
}

impl Settings {
    /// The policy for a span of `kind` (no kind: OpenTelemetry's default,
    /// INTERNAL), every setting applied.
    fn policy_for(&self, kind: Option<&SpanKind>) -> Policy {
        let base = match kind {
            Some(SpanKind::Server) => self.server.unwrap_or(Policy::SERVER),
            Some(SpanKind::Client) => self.client.unwrap_or(Policy::CLIENT),
            _ => self.policy,
        };
        base.with_ok(self.ok.unwrap_or(base.ok_mapping()))
            .with_legacy_grpc_status_code(
                self.legacy_grpc_status_code
                    .unwrap_or(base.legacy_grpc_status_code()),
            )
    }
}

/// Wraps `inner`, a `tracing_opentelemetry` layer, in a [`StatusLayer`].
pub fn layer<L>(inner: L) -> StatusLayer<L> {
    StatusLayer::new(inner)
}

impl<L> StatusLayer<L> {
    /// Wraps `inner` with the default policies: [`Policy::SERVER`] for
    /// server spans, [`Policy::CLIENT`] for every other span.
    pub fn new(inner: L) -> Self {
        StatusLayer {
            inner,
            settings: Settings::default(),
            dispatch: Registered::default(),
        }
    }

    /// The policy of spans that are neither servers nor clients: internal,
    /// producer and consumer spans, and spans of no kind.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.settings.policy = policy;
        self
    }

    /// The policy of server spans (declared `otel.kind = "server"`, or with
    /// an exchange recorded on the server side), instead of
    /// [`Policy::SERVER`].
    pub fn with_server_policy(mut self, policy: Policy) -> Self {
        self.settings.server = Some(policy);
        self
    }

    /// The policy of client spans, instead of [`Policy::CLIENT`].
    pub fn with_client_policy(mut self, policy: Policy) -> Self {
        self.settings.client = Some(policy);
        self
    }

    /// What OK becomes on every span ([`OkMapping::Unset`] for
    /// instrumentation libraries), whatever the policies say.
    pub fn with_ok(mut self, ok: OkMapping) -> Self {
        self.settings.ok = Some(ok);
        self
    }

    /// Also writes the deprecated integer `rpc.grpc.status_code`, whatever the
    /// policies say.
    pub fn with_legacy_grpc_status_code(mut self, enabled: bool) -> Self {
        self.settings.legacy_grpc_status_code = Some(enabled);
        self
    }

    /// The policy a span of `kind` gets, every setting applied (a span of no
    /// kind gets the one of `SpanKind::Internal`).
    pub fn policy_for(&self, kind: &SpanKind) -> Policy {
        self.settings.policy_for(Some(kind))
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
}

impl<L: fmt::Debug> fmt::Debug for StatusLayer<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusLayer")
            .field("inner", &self.inner)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// `.with_span_status()` on `tracing-opentelemetry`'s layers: the same as
/// [`layer()`].
///
/// ```
/// use spanstatus_opentelemetry::WithSpanStatus;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(tracing_opentelemetry::layer().with_span_status());
/// # drop(subscriber);
/// ```
pub trait WithSpanStatus: Sized {
    /// Wraps the layer in a [`StatusLayer`].
    fn with_span_status(self) -> StatusLayer<Self> {
        StatusLayer::new(self)
    }
}

impl<S, T> WithSpanStatus for tracing_opentelemetry::OpenTelemetryLayer<S, T> {}
impl<S, T, F> WithSpanStatus for tracing_opentelemetry::FilteredOpenTelemetryLayer<S, T, F> {}

/// The span kind declared with `otel.kind`, kept in the span's extensions.
#[derive(Debug)]
struct DeclaredKind(SpanKind);

/// Reads `otel.kind` the way `tracing-opentelemetry` does: a string or a
/// `Debug`/`Display` value, case-insensitive.
struct KindVisitor {
    /// The callsite's `otel.kind`: compared by callsite and index, not by
    /// name, for each field visited.
    field: Field,
    kind: Option<SpanKind>,
}

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
        if *field == self.field {
            self.kind = parse_kind(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if *field == self.field {
            self.kind = parse_kind(&format!("{value:?}"));
        }
    }
}

impl<L> StatusLayer<L> {
    /// Keeps the `otel.kind` that `visit` finds for `field` (the callsite's
    /// `otel.kind`), if any, in the extensions of the span `span` looks up.
    fn record_kind<'a, S>(
        field: Field,
        visit: impl FnOnce(&mut KindVisitor),
        span: impl FnOnce() -> Option<SpanRef<'a, S>>,
    ) where
        S: Subscriber + for<'b> LookupSpan<'b>,
    {
        let mut visitor = KindVisitor { field, kind: None };
        visit(&mut visitor);
        if let Some(kind) = visitor.kind
            && let Some(span) = span()
        {
            span.extensions_mut().replace(DeclaredKind(kind));
        }
    }

    /// Puts the final status of span `id`, if any, on its OpenTelemetry span.
    fn export_status<S>(&self, id: &Id, ctx: &Context<'_, S>)
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
        L: Layer<S>,
    {
        if !spanstatus_tracing::__private::any_status_recorded() {
            return;
        }
        let (status, exchange, panicked, span_type, declared, declares_http_status) = {
            let Some(span) = ctx.span(id) else {
                return;
            };
            let Some(Recorded {
                status,
                exchange,
                panicked,
            }) = spanstatus_tracing::__private::recorded_on(&span)
            else {
                return;
            };
            let fields = span.metadata().fields();
            // Only spans whose callsite declares `otel.kind` can hold one.
            let declared = if fields.field(SPAN_KIND_FIELD).is_some() {
                span.extensions()
                    .get::<DeclaredKind>()
                    .map(|declared| declared.0.clone())
            } else {
                None
            };
            let protocol = exchange.as_ref().map(Exchange::protocol);
            let span_type = SpanType::of(fields.iter().map(|f| f.name()), protocol);
            // A span that declares the field records it itself (OtelAxumLayer's).
            let declares_http_status = fields.field(keys::HTTP_RESPONSE_STATUS_CODE).is_some();
            (
                status,
                exchange,
                panicked,
                span_type,
                declared,
                declares_http_status,
            )
        };
        // The kind the policy follows: declared, else the exchange's side.
        let side_kind = exchange.as_ref().map(|exchange| match exchange.side() {
            Side::Client => SpanKind::Client,
            Side::Server => SpanKind::Server,
        });
        let kind = declared.as_ref().or(side_kind.as_ref());
        let policy = self.settings.policy_for(kind);
        let mut export = export(
            status,
            exchange.as_ref(),
            panicked,
            span_type,
            kind,
            &policy,
        );
        if declares_http_status {
            export.http_status = None;
        }
        // Only the builder of a span not started yet can still take a kind.
        let kind = if declared.is_none() {
            side_kind.as_ref().map(kind_name)
        } else {
            None
        };
        // A kind to pass on needs the record; so does a span whose
        // OpenTelemetry context this layer cannot reach.
        if kind.is_none()
            && let Some(cx) = self.otel_context(id)
        {
            write_to_span(&cx.span(), export);
            return;
        }
        let mut fields = Fields::of(&export);
        fields.kind = kind;
        self.record_into_inner(id, ctx, &fields);
    }

    /// The OpenTelemetry context of span `id` (its span started now if it was
    /// not), through the dispatcher this layer was registered in; `None` when
    /// that is unknown or gone.
    fn otel_context(&self, id: &Id) -> Option<opentelemetry::Context> {
        let dispatch = self.dispatch.0.get()?.upgrade()?;
        tracing_opentelemetry::get_otel_context(id, &dispatch)
    }

    /// Hands `fields` to the wrapped layer as if the span had recorded them:
    /// tracing-opentelemetry puts them on the span's builder or, once the
    /// span has started, on the span, with no context to clone.
    fn record_into_inner<S>(&self, id: &Id, ctx: &Context<'_, S>, fields: &Fields<'_>)
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
        L: Layer<S>,
    {
        fields.with_record(|record| self.inner.on_record(id, record, ctx.clone()));
    }
}

impl<S, L> BridgeHooks<S> for StatusLayer<L>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    L: Layer<S>,
{
    type Inner = L;

    fn register_dispatch(&self, subscriber: &Dispatch) {
        let _ = self.dispatch.0.set(subscriber.downgrade());
    }

    fn new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: &Context<'_, S>) {
        // The span is looked up only when it declares a kind.
        if let Some(field) = attrs.metadata().fields().field(SPAN_KIND_FIELD) {
            Self::record_kind(field, |visitor| attrs.record(visitor), || ctx.span(id));
        }
    }

    fn record(&self, id: &Id, values: &Record<'_>, ctx: &Context<'_, S>) {
        // One lookup: the span gives both its callsite's fields and its extensions.
        if let Some(span) = ctx.span(id)
            && let Some(field) = span.metadata().fields().field(SPAN_KIND_FIELD)
            && values.contains(&field)
        {
            Self::record_kind(field, |visitor| values.record(visitor), || Some(span));
        }
    }

    fn close(&self, id: &Id, ctx: &Context<'_, S>) {
        self.export_status(id, ctx);
    }
}

spanstatus_tracing::wrapper_layer!(StatusLayer);

/// Writes `export` straight onto a started OpenTelemetry span: no string
/// copied (the record's visitor copies each), one lock of the SDK span per
/// value, in the record's order.
fn write_to_span(span: &opentelemetry::trace::SpanRef<'_>, export: Export) {
    let Export {
        status,
        error_type,
        rpc_code,
        http_status,
        grpc_code,
    } = export;
    if status != OtelStatus::Unset {
        span.set_status(status);
    }
    if let Some(code) = rpc_code {
        span.set_attribute(KeyValue::new(keys::RPC_RESPONSE_STATUS_CODE, code));
    }
    if let Some(value) = error_type {
        span.set_attribute(KeyValue::new(keys::ERROR_TYPE, value));
    }
    if let Some(status) = http_status {
        span.set_attribute(KeyValue::new(keys::HTTP_RESPONSE_STATUS_CODE, status));
    }
    if let Some(code) = grpc_code {
        span.set_attribute(KeyValue::new(keys::RPC_GRPC_STATUS_CODE, code));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_of_a_registered_layer_is_not_registered() {
        let layer = StatusLayer::new(tracing_subscriber::layer::Identity::new());
        let dispatch = Dispatch::new(tracing_subscriber::registry());
        BridgeHooks::<tracing_subscriber::Registry>::register_dispatch(&layer, &dispatch);
        assert!(layer.dispatch.0.get().is_some());
        // Put into another subscriber, the clone must not reach this one's spans.
        assert!(layer.clone().dispatch.0.get().is_none());
    }
}
