//! The span both pipeline benches emit, in each variant they compare (shared
//! with the root `otlp_pipeline` bench).

use opentelemetry::trace::Status;
use spanstatus_core::Code;
use spanstatus_opentelemetry::keys;
use spanstatus_tracing::SpanStatusExt;
use tracing_opentelemetry::OpenTelemetrySpanExt;

#[derive(Clone, Copy, PartialEq)]
pub enum Variant {
    WithoutStatus,
    /// `SpanStatusExt::set_status`, exported by our layer.
    WithStatus,
    /// The same status and attributes set by hand with tracing-opentelemetry's
    /// `OpenTelemetrySpanExt`: the peer, what a user writes without this crate.
    ByHand,
}

/// Every variant, named as the benches report them.
pub const VARIANTS: [(&str, Variant); 3] = [
    ("without_status", Variant::WithoutStatus),
    ("with_status", Variant::WithStatus),
    ("by_hand", Variant::ByHand),
];

/// One `cache.get` span, entered, with the variant's status, then closed.
pub fn one_span(variant: Variant, key: u64) {
    let span = tracing::info_span!("cache.get", key);
    let _entered = span.enter();
    match variant {
        Variant::WithoutStatus => {}
        Variant::WithStatus => {
            SpanStatusExt::set_status(&span, Code::NotFound, "Cache miss");
        }
        Variant::ByHand => {
            OpenTelemetrySpanExt::set_status(&span, Status::error("Cache miss"));
            span.set_attribute(keys::RPC_RESPONSE_STATUS_CODE, "NOT_FOUND");
            span.set_attribute(keys::ERROR_TYPE, "NOT_FOUND");
        }
    }
}
