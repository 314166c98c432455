//! A small cache service with hits and misses. Each lookup is a span with a
//! canonical status; one `set_status` call reaches every installed exporter:
//!
//! - the fmt layer prints `status=NOT_FOUND status.message="Cache miss"` when
//!   the span closes (feature `tracing`);
//! - OpenTelemetry exports it as an OTLP span with status `Error("Cache miss")`
//!   and `error.type = "NOT_FOUND"` (feature `opentelemetry`): one line per
//!   span on stdout, the OTLP/JSON request with `SPANSTATUS_OTLP_JSON=1`, or
//!   over OTLP to `OTEL_EXPORTER_OTLP_ENDPOINT`;
//! - Sentry gets a transaction with status `not_found` and
//!   `sentry.status.message = "Cache miss"`: a summary on stdout, or sent to
//!   `SENTRY_DSN` (feature `sentry`).
//!
//! ```sh
//! cargo run --example cache_miss --features full
//! cargo run --example cache_miss --features full -- --help
//! ```
//!
//! Environment (what `--help` prints):
//!
//! ```text
//! RUST_LOG=info                      the level filter (default info)
//! SPANSTATUS_OTLP_JSON=1             print each OTel span as OTLP/JSON, not one line
//! OTEL_EXPORTER_OTLP_ENDPOINT=URL    export the spans over OTLP instead of printing
//! OTEL_EXPORTER_OTLP_PROTOCOL=P      grpc, http/protobuf (default) or http/json
//! OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION and the _TRACES_ variants
//!                                    as in every OpenTelemetry SDK
//! SENTRY_DSN=DSN                     send the transactions to Sentry
//! ```
//!
//! For example, to a collector listening for OTLP/gRPC on port 4317:
//!
//! ```sh
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 OTEL_EXPORTER_OTLP_PROTOCOL=grpc \
//!     cargo run --example cache_miss --features full
//! ```

use std::collections::HashMap;

use spanstatus::SetStatusExt;
use spanstatus::prelude::*;

#[allow(dead_code)]
mod support;

struct Cache {
    entries: HashMap<u64, String>,
}

impl Cache {
    fn get(&self, key: u64) -> Option<&str> {
        let span = tracing::info_span!("cache.get", key);
        let _entered = span.enter();
        let value = self.entries.get(&key).map(String::as_str);
        match value {
            Some(_) => span.set_status(Code::Ok, ""),
            None => span.set_status(Code::NotFound, "Cache miss"),
        };
        value
    }
}

fn main() -> std::process::ExitCode {
    support::exit(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    if support::help_asked("cache_miss") {
        return Ok(());
    }

    // The README's stack: fmt with the status, OpenTelemetry and Sentry
    // (examples/support/mod.rs, `install`).
    let telemetry = support::install("cache_miss")?;

    let cache = Cache {
        entries: HashMap::from([(1, "one".to_owned()), (2, "two".to_owned())]),
    };
    for key in [1, 3, 2] {
        let value = cache.get(key);
        tracing::info!(key, ?value, "looked up");
    }

    telemetry.shutdown()
}
