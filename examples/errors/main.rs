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

mod calls;
#[allow(dead_code)]
#[path = "../support/mod.rs"]
mod support;

fn main() -> std::process::ExitCode {
    support::exit(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    if support::help_asked("errors") {
        return Ok(());
    }

    // The README's stack: fmt with the status, OpenTelemetry and Sentry
    // (examples/support/mod.rs, `install`).
    let telemetry = support::install("errors")?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let (_listener, ports) = calls::loopback_ports()?;
    runtime.block_on(async {
        calls::round(ports, false).await;
        calls::round(ports, true).await;
    });

    telemetry.shutdown()
}
