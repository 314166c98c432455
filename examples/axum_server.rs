//! An axum server and a hyper client, each with `spanstatus::tower`'s layer:
//! every request's span gets its canonical status, on both sides, with
//! nothing in the handlers but the one status a handler chose itself.
//!
//! | request | server span | client span |
//! |---|---|---|
//! | `GET /cache/apple` (a hit) | OK (200) | OK |
//! | `GET /cache/kiwi` (a miss) | NOT_FOUND "no such key" (set by the handler; 404) | NOT_FOUND |
//! | `GET /cache/lock` | INTERNAL (500) | INTERNAL |
//! | `GET /slow`, the client's 300 ms timeout | CANCELLED (the client went away) | DEADLINE_EXCEEDED, `error.type = "timeout"` |
//!
//! The spans are tower-http `TraceLayer`'s, ready-made by
//! `trace::http_server()` and `trace::http_client()` (they declare
//! `otel.kind`, and log no event per request); the client is hyper-util's
//! `Client` as it is. Exporters as in `cache_miss` (fmt always; OTLP and
//! Sentry with their environment variables, see `--help`).
//!
//! ```sh
//! cargo run --example axum_server --features full
//! ```

#[allow(dead_code)]
#[path = "support/mod.rs"]
mod support;

use std::time::Duration;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use spanstatus::Code;
use spanstatus::tower::{HttpStatusLayer, trace};
use spanstatus::tracing::SetStatusExt;
use tower::{ServiceBuilder, ServiceExt};

fn main() -> std::process::ExitCode {
    support::exit(run())
}

async fn lookup(Path(key): Path<String>) -> (StatusCode, String) {
    match key.as_str() {
        "apple" => (StatusCode::OK, "red".into()),
        // Held by another writer: the layer maps the 500 to INTERNAL.
        "lock" => (StatusCode::INTERNAL_SERVER_ERROR, "locked".into()),
        _ => {
            // The handler's own status, kept over the layer's NOT_FOUND "".
            tracing::Span::current().set_status(Code::NotFound, "no such key");
            (StatusCode::NOT_FOUND, String::new())
        }
    }
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(2)).await;
    "late"
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    if support::help_asked("axum_server") {
        return Ok(());
    }
    let telemetry = support::install("axum_server")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        // The server: TraceLayer makes the span, the status layer inside it.
        let app = axum::Router::new()
            .route("/cache/{key}", get(lookup))
            .route("/slow", get(slow))
            .layer(
                ServiceBuilder::new()
                    .layer(trace::http_server())
                    .layer(HttpStatusLayer::server()),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, app).await });

        // The client: a span per request, the status layer outside the
        // timeout so that it sees the timeout's error.
        let client = ServiceBuilder::new()
            .layer(trace::http_client())
            .layer(HttpStatusLayer::client())
            .timeout(Duration::from_millis(300))
            .service(Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>());
        for path in ["/cache/apple", "/cache/kiwi", "/cache/lock", "/slow"] {
            let request = http::Request::get(format!("http://{addr}{path}")).body(Empty::new())?;
            match client.clone().oneshot(request).await {
                Ok(response) => {
                    let status = response.status();
                    let body = response.into_body().collect().await?.to_bytes();
                    println!("GET {path}: {status} {body:?}");
                }
                Err(error) => println!("GET {path}: {error}"),
            }
        }
        // Let the server see the client go away.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    telemetry.shutdown()
}
