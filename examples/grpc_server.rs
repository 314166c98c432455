//! A tonic server and a tonic client (`Channel`), each with
//! `spanstatus::tower`'s gRPC layer: every call's span gets its canonical
//! status from `grpc-status` (in the headers, or in the trailers at the end
//! of a stream), on both sides.
//!
//! | call | server span | client span |
//! |---|---|---|
//! | `Get("apple")` (a hit) | OK | OK |
//! | `Get("kiwi")` (a miss) | NOT_FOUND "no such key" | NOT_FOUND |
//! | `Get("lock")` | UNAVAILABLE "locked, retry" | UNAVAILABLE |
//! | `Scan("f")`: two values, then a failure | INTERNAL "index truncated" (from the trailers) | INTERNAL |
//! | `Get("slow")` with a 300 ms deadline | DEADLINE_EXCEEDED (tonic says CANCELLED) | DEADLINE_EXCEEDED |
//!
//! The spans come from the ready `TraceLayer`s: `trace::grpc_server()` on
//! the server, `trace::grpc_client()` on the client, around the
//! `Channel` as it is (no `map_err`: its error is known by type). In
//! OpenTelemetry a server's NOT_FOUND stays `Unset` (only six codes are
//! server errors), a client's is an error. Exporters as in `cache_miss`
//! (see `--help`). The service is written by hand in
//! `examples/support/grpc_cache.rs` (no protoc).
//!
//! ```sh
//! cargo run --example grpc_server --features full
//! ```

#[path = "support/grpc_cache.rs"]
mod grpc_cache;
#[allow(dead_code)]
#[path = "support/mod.rs"]
mod support;

use std::time::Duration;

use grpc_cache::{Cache, CacheClient, CacheServer, key};
use spanstatus::tower::{GrpcStatusLayer, trace};
use tonic::Status;

fn main() -> std::process::ExitCode {
    support::exit(run())
}

#[derive(Clone)]
struct Fruit;

impl Cache for Fruit {
    async fn get(&self, key: String) -> Result<String, Status> {
        match key.as_str() {
            "apple" => Ok("red".into()),
            "lock" => Err(Status::unavailable("locked, retry")),
            "slow" => {
                tokio::time::sleep(Duration::from_secs(2)).await;
                Ok("late".into())
            }
            _ => Err(Status::not_found("no such key")),
        }
    }

    fn scan(&self, _prefix: String) -> (Vec<String>, Result<(), Status>) {
        let values = vec!["fig".into(), "feijoa".into()];
        (values, Err(Status::internal("index truncated")))
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    if support::help_asked("grpc_server") {
        return Ok(());
    }
    let telemetry = support::install("grpc_server")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        // The server: a span per call from the ready TraceLayer, the
        // status layer inside it.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tonic::transport::Server::builder()
            .layer(trace::grpc_server())
            .layer(GrpcStatusLayer::server())
            .add_service(CacheServer(Fruit))
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener));
        tokio::spawn(server);

        // The client: the endpoint's timeout makes the channel enforce each
        // call's deadline; a span per call.
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?
            .timeout(Duration::from_secs(10))
            .connect()
            .await?;
        // The channel as it is, its span from the ready TraceLayer.
        let channel = tower::ServiceBuilder::new()
            .layer(trace::grpc_client())
            .layer(GrpcStatusLayer::client())
            .service(channel);
        let mut cache = CacheClient::new(channel);
        for name in ["apple", "kiwi", "lock"] {
            println!("Get({name:?}): {:?}", cache.get(key(name)).await);
        }
        println!("Scan(\"f\"): {:?}", cache.scan(key("f")).await);
        let mut slow = key("slow");
        slow.set_timeout(Duration::from_millis(300));
        println!("Get(\"slow\"): {:?}", cache.get(slow).await);
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    telemetry.shutdown()
}
