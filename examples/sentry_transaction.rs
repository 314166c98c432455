//! Canonical statuses on a Sentry transaction: tracing spans through
//! sentry-tracing, and Sentry's own spans.
//!
//! ```sh
//! # Prints the envelope that would be sent:
//! cargo run --example sentry_transaction --features sentry
//! # Sends it to your project:
//! SENTRY_DSN=https://<key>@<org>.ingest.sentry.io/<project> \
//!     cargo run --example sentry_transaction --features sentry
//! ```
//!
//! `RUST_LOG` sets the level filter of the log lines on stderr (default
//! `info`).

use std::thread;
use std::time::Duration;

use spanstatus::SetStatusExt;
use spanstatus::prelude::*;
use spanstatus_devtools::sentry_print::Format;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

#[allow(dead_code)]
mod support;

fn main() -> std::process::ExitCode {
    support::exit(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let _sentry = support::sentry_init(Format::Envelope)?;

    tracing_subscriber::registry()
        // `RUST_LOG`, `info` when unset: the HTTP transport's debug logs stay
        // out of the output.
        .with(
            EnvFilter::builder()
                .with_default_directive(LevelFilter::INFO.into())
                .from_env()
                .map_err(|e| format!("RUST_LOG: {e}"))?,
        )
        .with(spanstatus::tracing::fmt_layer())
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        // sentry-tracing's SpanLayer, wrapped so that statuses reach Sentry.
        .with(spanstatus::sentry::span_layer().with_filter(LevelFilter::INFO))
        .init();

    // A tracing span tree: one transaction with two child spans.
    let request = tracing::info_span!("request", sentry.name = "GET /users/:id", user = 7);
    request.in_scope(|| {
        let lookup = tracing::info_span!("cache.get", key = "user:7");
        lookup.in_scope(|| {
            thread::sleep(Duration::from_millis(2));
            lookup.set_status(Code::NotFound, "Cache miss");
        });
        let query = tracing::info_span!("db.query", table = "users");
        query.in_scope(|| {
            thread::sleep(Duration::from_millis(3));
            // UNKNOWN reaches Sentry as `internal_error` plus
            // data `sentry.status.code = "UNKNOWN"`.
            query.set_status(Code::Unknown, "driver returned an unrecognized error");
        });
    });
    request.set_status(Code::Ok, "");
    drop(request);

    // Sentry's own API.
    let transaction =
        sentry::start_transaction(sentry::TransactionContext::new("refresh prices", "task"));
    let call = transaction.start_child("http.client", "GET https://prices.example/v1");
    thread::sleep(Duration::from_millis(2));
    let code = call.set_canonical_http_status(503);
    call.finish();
    transaction.set_canonical_status(code, "price service unavailable");
    transaction.finish();

    Ok(())
}
