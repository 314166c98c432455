//! Canonical status codes on OpenTelemetry spans, with the exact code kept
//! through OTLP export.
//!
//! Set a status on a `tracing` span; the exported OpenTelemetry span gets the
//! mapped status and the code as attributes:
//!
//! ```
//! use opentelemetry::trace::{Status, TracerProvider};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//! use spanstatus_core::Code;
//! use spanstatus_tracing::CanonicalStatusExt;
//! use tracing_subscriber::prelude::*;
//!
//! let exporter = InMemorySpanExporter::default();
//! let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
//! let subscriber = tracing_subscriber::registry().with(spanstatus_opentelemetry::layer(
//!     tracing_opentelemetry::layer().with_tracer(provider.tracer("cache")),
//! ));
//!
//! tracing::subscriber::with_default(subscriber, || {
//!     let span = tracing::info_span!("cache.get", key = 42);
//!     let _entered = span.enter();
//!     span.set_canonical_status(Code::NotFound, "Cache miss");
//! });
//!
//! let span = &exporter.get_finished_spans().unwrap()[0];
//! assert_eq!(span.status, Status::error("Cache miss"));
//! assert_eq!(spanstatus_opentelemetry::code_from_span_data(span), Ok(Code::NotFound));
//! let attribute = |key: &str| {
//!     span.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.to_string())
//! };
//! assert_eq!(attribute("error.type").as_deref(), Some("NOT_FOUND"));
//! // A cache lookup is no RPC: no RPC attribute.
//! assert_eq!(attribute("rpc.response.status_code"), None);
//! ```
//!
//! # Mapping
//!
//! A [`Policy`] decides which codes are `Error` ([gRPC semantic
//! conventions]): on client, internal, producer and consumer spans every
//! non-OK code ([`Policy::CLIENT`]); on server spans only UNKNOWN,
//! DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS
//! ([`Policy::SERVER`]), the other codes leave the status `Unset`; or any
//! [`CodeSet`] ([`Policy::custom`]), per side with
//! [`StatusLayer::with_server_policy`] and
//! [`StatusLayer::with_client_policy`]. OK becomes `Ok`, or `Unset` for
//! instrumentation libraries ([`OkMapping::Unset`]). The description is the
//! message alone.
//!
//! # Attributes, by span type
//!
//! The bridge writes what the semantic conventions give each type of span:
//! on RPC spans (declaring `rpc.system`, or with a gRPC exchange recorded)
//! `rpc.response.status_code` = `"NOT_FOUND"` always and `error.type` when
//! `Error`; on HTTP spans (declaring `http.request.method`, or with an HTTP
//! exchange recorded) `http.response.status_code` as an int, the [HTTP
//! status rules], and `error.type` = `"503"`; on any other span only
//! `error.type` = `"NOT_FOUND"` when `Error`. `with_legacy_grpc_status_code`
//! adds the deprecated integer `rpc.grpc.status_code` where the string is
//! written. [`code_from_span_data`] and [`code_from_proto_span`] read the
//! code back from whichever is there, and say when a span carries too
//! little to tell ([`ReadCodeError::TooLittle`]: an `Unset` span with no code
//! attribute).
//!
//! # Exchanges
//!
//! What middleware records on a span (`spanstatus_tracing::Exchange`: the
//! side, the protocol, the HTTP status, where the status came from) is
//! read, not guessed: the policy follows the exchange's side when the span
//! declares no `otel.kind` (the exported kind too while the OpenTelemetry
//! span has not started, see [`StatusLayer`]), and the HTTP rules apply to a
//! status the response's number gave, not to one a classifier or the
//! handler chose.
//!
//! # Three ways in
//!
//! - `tracing` spans: wrap `tracing-opentelemetry`'s layer in [`layer()`]
//!   ([`StatusLayer`], or `.with_span_status()` with [`WithSpanStatus`]) and
//!   set the status with `spanstatus_tracing::CanonicalStatusExt`. The
//!   status is applied once, when the span closes.
//! - native SDK spans: [`CanonicalStatusExt`] on
//!   `opentelemetry_sdk::trace::Span`, where the first canonical status is
//!   final (the one exception to the precedence rule, forced by the SDK: see
//!   the trait).
//! - by hand, on any span (a `BoxedSpan`, `cx.span()`): [`to_otel_status`]
//!   and [`attributes`] (the RPC attributes), once.
//!
//! No method here shares a name with `tracing_opentelemetry::OpenTelemetrySpanExt`.
//!
//! [gRPC semantic conventions]: https://opentelemetry.io/docs/specs/semconv/rpc/grpc/
//! [HTTP status rules]: https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status
//!
//! # Features
//!
//! - `opentelemetry-proto`: [`code_from_proto_span`] for OTLP protobuf spans
//!   (pulls in prost).
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod ext;
pub mod keys;
mod layer;
mod policy;
mod record;
mod reverse;
mod span_type;

pub use ext::CanonicalStatusExt;
pub use layer::{StatusLayer, WithSpanStatus, layer};
pub use policy::{OkMapping, Policy, PolicyError, attributes, to_otel_status};
#[cfg(feature = "opentelemetry-proto")]
pub use reverse::code_from_proto_span;
pub use reverse::{ReadCodeError, code_from_attributes, code_from_span_data};
pub use spanstatus_core::{Code, CodeSet, Status};

// The README's Rust snippets compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
