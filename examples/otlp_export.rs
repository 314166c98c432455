//! Canonical statuses on OpenTelemetry spans, exported over OTLP.
//!
//! ```sh
//! # OTLP/JSON on stdout, one ExportTraceServiceRequest per line:
//! cargo run --example otlp_export --features opentelemetry
//! # To a collector (OTLP/HTTP protobuf; `/v1/traces` is appended):
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
//!     cargo run --example otlp_export --features opentelemetry
//! ```

use opentelemetry::trace::TracerProvider as _;
use spanstatus::SetStatusExt;
use spanstatus::prelude::*;
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
        Some(_) => span.set_canonical_code(Code::Ok),
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = support::otel_provider("otlp_export")?;
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("otlp_export"));
    tracing_subscriber::registry()
        .with(spanstatus::opentelemetry::layer(otel))
        .init();

    for user in [1, 3, 13] {
        handle(user);
    }

    provider.shutdown()?;
    Ok(())
}
