//! The span both pipeline benches emit, in each variant they compare (shared
//! with the root `otlp_pipeline` bench).

use opentelemetry::trace::Status;
use spanstatus_core::Code;
use spanstatus_opentelemetry::keys;
use spanstatus_tracing::CanonicalStatusExt;
use tracing_opentelemetry::OpenTelemetrySpanExt;

#[derive(Clone, Copy, PartialEq)]
pub enum Variant {
    WithoutStatus,
    /// `set_canonical_status`, exported by our layer (next to
    /// `OpenTelemetrySpanExt`, whose `set_status` the peer calls).
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
            span.set_canonical_status(Code::NotFound, "Cache miss");
        }
        Variant::ByHand => {
            span.set_status(Status::error("Cache miss"));
            span.set_attribute(keys::RPC_RESPONSE_STATUS_CODE, "NOT_FOUND");
            span.set_attribute(keys::ERROR_TYPE, "NOT_FOUND");
        }
    }
}
