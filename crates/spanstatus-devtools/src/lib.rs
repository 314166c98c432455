//! Tooling for spanstatus' examples, tests and benches, not for users: an
//! OpenTelemetry exporter that prints OTLP/JSON or a line per span, the OTLP
//! protocol the standard variables ask for, an exporter wrapper that reports
//! failed exports, a Sentry transport that prints envelopes, so that the
//! examples show what a backend would receive without one, and stored Sentry
//! events read back into `sentry_types`. Not published.

pub mod alloc;
pub mod otlp_json;
pub mod otlp_protocol;
pub mod otlp_report;
pub mod sentry_event;
pub mod sentry_print;

/// Span data keys the Sentry adapter writes (kept in step with
/// `spanstatus_sentry::STATUS_CODE_KEY` and `STATUS_MESSAGE_KEY`).
pub(crate) const STATUS_CODE_KEY: &str = "sentry.status.code";
pub(crate) const STATUS_MESSAGE_KEY: &str = "sentry.status.message";
