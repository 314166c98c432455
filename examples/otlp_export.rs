//! Canonical statuses on OpenTelemetry spans, exported over OTLP.
//!
//! ```sh
//! # One line per span on stdout:
//! cargo run --example otlp_export --features opentelemetry
//! # OTLP/JSON on stdout, one ExportTraceServiceRequest per line:
//! SPANSTATUS_OTLP_JSON=1 cargo run --example otlp_export --features opentelemetry
//! # To a collector over OTLP/HTTP protobuf (`/v1/traces` is appended):
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
//!     cargo run --example otlp_export --features opentelemetry
//! # Over OTLP/gRPC (or OTEL_EXPORTER_OTLP_PROTOCOL=http/json to port 4318):
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 OTEL_EXPORTER_OTLP_PROTOCOL=grpc \
//!     cargo run --example otlp_export --features opentelemetry
//! ```
//!
//! The other standard variables (`OTEL_EXPORTER_OTLP_HEADERS`, `_TIMEOUT`,
//! `_COMPRESSION`, the `OTEL_EXPORTER_OTLP_TRACES_*` overrides) work as in
//! other OpenTelemetry SDKs; see `examples/support/mod.rs`. `RUST_LOG` sets
//! the level filter (default `info`).

use opentelemetry::trace::TracerProvider as _;
use spanstatus::SetStatusExt;
use spanstatus::prelude::*;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

#[allow(dead_code)]
mod support;

fn lookup(key: u64) -> Option<&'static str> {
    let span = tracing::info_span!("cache.get", key);
    let _entered = span.enter();
    let value = match key {
        1 => Some("one"),
        2 => Some("two"),
        _ => None,
    };
    match value {
        Some(_) => span.set_status(Code::Ok, ""),
        None => span.set_status(Code::NotFound, "Cache miss"),
    };
    value
}

fn handle(user: u64) {
    // A server span: NOT_FOUND leaves its status Unset (the code is still in
    // `rpc.response.status_code`), UNAVAILABLE makes it an error.
    let span = tracing::info_span!(
        "GetUser",
        otel.kind = "server",
        rpc.system.name = "grpc",
        user
    );
    let _entered = span.enter();
    if lookup(user).is_none() {
        let code = if user == 13 {
            Code::Unavailable
        } else {
            Code::NotFound
        };
        span.set_status(code, format!("user {user}"));
    }
}

fn main() -> std::process::ExitCode {
    support::exit(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let otel = support::otel_export("otlp_export")?;
    let layer = tracing_opentelemetry::layer().with_tracer(otel.provider.tracer("otlp_export"));
    tracing_subscriber::registry()
        .with(
            EnvFilter::builder()
                .with_default_directive(LevelFilter::INFO.into())
                .from_env()
                .map_err(|e| format!("RUST_LOG: {e}"))?,
        )
        .with(spanstatus::opentelemetry::layer(layer).with_filter(support::not_the_exporter()))
        .init();

    for user in [1, 3, 13] {
        handle(user);
    }

    otel.shutdown()?;
    Ok(())
}
