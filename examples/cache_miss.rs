//! A small cache service with hits and misses. Each lookup is a span with a
//! canonical status; one `set_status` call reaches every installed exporter:
//!
//! - the fmt layer prints `status=NOT_FOUND status.message="Cache miss"` when
//!   the span closes (feature `tracing`);
//! - OpenTelemetry exports it as an OTLP span with status `Error("Cache miss")`
//!   and `error.type = "NOT_FOUND"`: OTLP/JSON on stdout, or OTLP/HTTP to
//!   `OTEL_EXPORTER_OTLP_ENDPOINT` (feature `opentelemetry`);
//! - Sentry gets a transaction with status `not_found` and
//!   `sentry.status.message = "Cache miss"`: a summary on stdout, or sent to
//!   `SENTRY_DSN` (feature `sentry`).
//!
//! ```sh
//! cargo run --example cache_miss --features full
//! ```

use std::collections::HashMap;

use spanstatus::SetStatusExt;
use spanstatus::prelude::*;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

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
            Some(_) => span.set_canonical_code(Code::Ok),
            None => span.set_status(Code::NotFound, "Cache miss"),
        };
        value
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let subscriber = tracing_subscriber::registry()
        // Keeps each span's status; every exporter layer below reads it.
        .with(spanstatus::tracing::layer())
        .with(
            tracing_subscriber::fmt::layer()
                .with_span_events(FmtSpan::CLOSE)
                .with_target(false),
        );

    #[cfg(feature = "opentelemetry")]
    let (subscriber, provider) = {
        use opentelemetry::trace::TracerProvider as _;
        let provider = support::otel_provider("cache_miss")?;
        let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("cache"));
        (
            subscriber.with(spanstatus::opentelemetry::layer(otel)),
            provider,
        )
    };

    #[cfg(feature = "sentry")]
    let (subscriber, _sentry) = {
        use tracing_subscriber::filter::LevelFilter;
        let guard = support::sentry_init(spanstatus_devtools::sentry_print::Format::Summary)?;
        (
            subscriber.with(spanstatus::sentry::span_layer().with_filter(LevelFilter::INFO)),
            guard,
        )
    };

    subscriber.init();

    let cache = Cache {
        entries: HashMap::from([(1, "one".to_owned()), (2, "two".to_owned())]),
    };
    for key in [1, 3, 2] {
        let value = cache.get(key);
        tracing::info!(key, ?value, "looked up");
    }

    #[cfg(feature = "opentelemetry")]
    provider.shutdown()?;
    Ok(())
}
