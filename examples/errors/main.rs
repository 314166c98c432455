//! Codes taken from real errors. The functions in `calls.rs` are
//! `#[spanstatus::instrument]`ed and return plain `Result`s; each `Err`
//! becomes its span's canonical status, with the error's message:
//!
//! | call | error | status |
//! |---|---|---|
//! | `connect` to a closed port on 127.0.0.1 | `io::Error` ECONNREFUSED | UNAVAILABLE |
//! | `call_with_deadline` past its deadline | `tokio::time::error::Elapsed` | DEADLINE_EXCEEDED |
//! | `backend`, dropped by that deadline | (its future is dropped) | CANCELLED |
//! | `fetch_user` of an unknown id | `tonic::Status::not_found` | NOT_FOUND |
//! | `checkout` of an empty cart / too many items | the derived `CheckoutError` | FAILED_PRECONDITION / RESOURCE_EXHAUSTED |
//!
//! The same calls that succeed set nothing: OpenTelemetry `Unset`, no
//! `error.type`, no Sentry status. Exporters as in `cache_miss` (fmt always;
//! OpenTelemetry and Sentry with their features; the same environment
//! variables, see `--help`).
//!
//! ```sh
//! cargo run --example errors --features full
//! ```

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

mod calls;
#[allow(dead_code)]
#[path = "../support/mod.rs"]
mod support;

const USAGE: &str = "\
usage: cargo run --example errors --features full [-- --help]

environment:
  RUST_LOG=info                      the level filter (default info)
  SPANSTATUS_OTLP_JSON=1             print each OTel span as OTLP/JSON, not one line
  OTEL_EXPORTER_OTLP_ENDPOINT=URL    export the spans over OTLP instead of printing
  OTEL_EXPORTER_OTLP_PROTOCOL=P      grpc, http/protobuf (default) or http/json
  SENTRY_DSN=DSN                     send the transactions to Sentry
";

fn main() -> std::process::ExitCode {
    support::exit(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args()
        .skip(1)
        .any(|arg| arg == "--help" || arg == "-h")
    {
        print!("{USAGE}");
        return Ok(());
    }

    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .from_env()
        .map_err(|e| format!("RUST_LOG: {e}"))?;
    let subscriber = tracing_subscriber::registry()
        .with(filter)
        .with(spanstatus::tracing::layer())
        .with(
            tracing_subscriber::fmt::layer()
                .with_span_events(FmtSpan::CLOSE)
                .with_target(false),
        );

    #[cfg(feature = "opentelemetry")]
    let (subscriber, otel) = {
        use opentelemetry::trace::TracerProvider as _;
        let otel = support::otel_export("errors")?;
        let layer = tracing_opentelemetry::layer().with_tracer(otel.provider.tracer("errors"));
        (
            subscriber.with(
                spanstatus::opentelemetry::layer(layer).with_filter(support::not_the_exporter()),
            ),
            otel,
        )
    };

    #[cfg(feature = "sentry")]
    let (subscriber, _sentry) = {
        let guard = support::sentry_init(spanstatus_devtools::sentry_print::Format::Summary)?;
        (
            subscriber.with(spanstatus::sentry::span_layer().with_filter(LevelFilter::INFO)),
            guard,
        )
    };

    subscriber.init();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let (_listener, ports) = calls::loopback_ports()?;
    runtime.block_on(async {
        calls::round(ports, false).await;
        calls::round(ports, true).await;
    });

    #[cfg(feature = "opentelemetry")]
    otel.shutdown()?;
    Ok(())
}
