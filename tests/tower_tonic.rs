//! `GrpcStatusLayer` in a real tonic server (`Server::trace_fn` makes the
//! spans) and around a real tonic `Channel`, over loopback, at the three
//! ends: all 17 codes for a unary call and for a stream that fails after 3
//! messages, on both sides; tonic's own expired `grpc-timeout` (which it
//! reports as CANCELLED) as DEADLINE_EXCEEDED; a call the client drops.
//!
//! ```sh
//! eval "$(scripts/python-deps.sh)"
//! cargo test --features full --test tower_tonic
//! ```
#![cfg(all(
    feature = "opentelemetry",
    feature = "sentry",
    feature = "tower",
    feature = "tonic"
))]

use std::collections::BTreeMap;
use std::time::Duration;

use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::trace::v1 as proto;
use spanstatus::opentelemetry::code_from_proto_span;
use spanstatus::tower::GrpcStatusLayer;
use spanstatus::{Code, CodeSet};
use tracing::Instrument;

#[path = "support/ends.rs"]
mod ends;
#[path = "../examples/support/grpc_cache.rs"]
mod grpc_cache;
#[path = "support/otlp.rs"]
mod otlp;
#[path = "support/relay.rs"]
mod relay;
use ends::{Ends, attribute};
use grpc_cache::{Cache, CacheClient, CacheServer, key};

/// A cache whose keys say how to answer: `N` fails with code N (0: a
/// value), `sleep/MS` answers after MS milliseconds. `Scan` sends 3 values,
/// then ends with the prefix's code.
#[derive(Clone)]
struct Coded;

fn code_of(key: &str) -> tonic::Code {
    tonic::Code::from_i32(key.parse().expect("a code"))
}

impl Cache for Coded {
    async fn get(&self, key: String) -> Result<String, tonic::Status> {
        if let Some(ms) = key.strip_prefix("sleep/") {
            tokio::time::sleep(Duration::from_millis(ms.parse().unwrap())).await;
            return Ok("late".into());
        }
        match code_of(&key) {
            tonic::Code::Ok => Ok("v".into()),
            code => Err(tonic::Status::new(code, format!("get {key}"))),
        }
    }

    fn scan(&self, prefix: String) -> (Vec<String>, Result<(), tonic::Status>) {
        let end = match code_of(&prefix) {
            tonic::Code::Ok => Ok(()),
            code => Err(tonic::Status::new(code, format!("scan {prefix}"))),
        };
        (vec!["1".into(), "2".into(), "3".into()], end)
    }
}

/// The tonic server: a span per call from `trace_fn` (named by the
/// client's `x-span` metadata), the status layer inside it.
async fn serve() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tonic::transport::Server::builder()
        .trace_fn(|request| {
            let name = request
                .headers()
                .get("x-span")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("unnamed");
            let name = format!("server {name}");
            tracing::info_span!(
                "grpc",
                otel.name = name.as_str(),
                sentry.name = name.as_str(),
                otel.kind = "server",
                rpc.system = "grpc"
            )
        })
        .layer(GrpcStatusLayer::server())
        .add_service(CacheServer(Coded))
        .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener));
    tokio::spawn(server);
    addr
}

/// A tonic `Channel` behind `GrpcStatusLayer::client()`. The endpoint's
/// timeout makes the channel enforce each request's `grpc-timeout`.
async fn client(
    addr: std::net::SocketAddr,
) -> CacheClient<
    impl tonic::client::GrpcService<
        tonic::body::Body,
        Error = tonic::transport::Error,
        ResponseBody = impl http_body::Body<Data = bytes::Bytes, Error = tonic::Status> + Send + 'static,
    > + Clone,
> {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();
    // The channel as it is: its error, `tonic::transport::Error`, is known
    // by its type (features `tonic` + `hyper-util`).
    let service = tower::ServiceBuilder::new()
        .layer(GrpcStatusLayer::client())
        .service(channel);
    CacheClient::new(service)
}

/// A request for `key` whose spans are `client <name>` and `server <name>`.
fn request(
    key_: &str,
    name: &str,
    timeout: Option<Duration>,
) -> (tonic::Request<grpc_cache::Key>, tracing::Span) {
    let mut request = key(key_);
    request
        .metadata_mut()
        .insert("x-span", name.parse().unwrap());
    if let Some(timeout) = timeout {
        request.set_timeout(timeout);
    }
    let name = format!("client {name}");
    let span = tracing::info_span!(
        "grpc",
        otel.name = name.as_str(),
        sentry.name = name.as_str(),
        otel.kind = "client",
        rpc.system = "grpc"
    );
    (request, span)
}

/// What one span must show at the three ends.
struct Expected {
    name: String,
    server: bool,
    code: Code,
    message: String,
}

#[test]
fn tonic_calls_at_the_collector_and_through_relay() {
    let Some(ends) = Ends::start() else { return };
    let mut expected = Vec::new();
    for n in 0..17 {
        let code = Code::from_i32(n).unwrap();
        for (method, message) in [("get", format!("get {n}")), ("scan", format!("scan {n}"))] {
            for server in [true, false] {
                let side = if server { "server" } else { "client" };
                expected.push(Expected {
                    name: format!("{side} {method} {n}"),
                    server,
                    code,
                    message: message.clone(),
                });
            }
        }
    }
    let extra = 4; // the deadline and the dropped call, both sides
    let (normalized, spans) = ends.run(expected.len() + extra, || async {
        let addr = serve().await;
        let mut cache = client(addr).await;
        for n in 0..17 {
            let (request_, span) = request(&n.to_string(), &format!("get {n}"), None);
            let result = cache.get(request_).instrument(span).await;
            assert_eq!(result.is_ok(), n == 0, "{result:?}");
            let (request_, span) = request(&n.to_string(), &format!("scan {n}"), None);
            let (values, end) = cache.scan(request_).instrument(span).await;
            // The stream fails after its 3 messages.
            assert_eq!(values, ["1", "2", "3"]);
            assert_eq!(end.is_ok(), n == 0, "{end:?}");
        }
        // tonic's deadline: both tonics report CANCELLED ("Timeout expired").
        let (request_, span) = request("sleep/2000", "deadline", Some(Duration::from_millis(100)));
        let status = cache.get(request_).instrument(span).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::Cancelled, "{status:?}");
        // The client gives up on its own: its future is dropped, the stream reset.
        let (request_, span) = request("sleep/2000", "dropped", None);
        let call = cache.get(request_).instrument(span);
        assert!(
            tokio::time::timeout(Duration::from_millis(200), call)
                .await
                .is_err()
        );
    });

    let by_name: BTreeMap<&str, &proto::Span> =
        spans.iter().map(|s| (s.name.as_str(), s)).collect();
    assert_eq!(
        by_name.len(),
        expected.len() + extra,
        "{:?}",
        by_name.keys()
    );
    for e in &expected {
        let name = e.name.as_str();
        let span = by_name[name];
        let kind = if e.server {
            proto::span::SpanKind::Server
        } else {
            proto::span::SpanKind::Client
        };
        assert_eq!(span.kind, kind as i32, "{name}");
        // gRPC semconv, written out: a server errs only for these six.
        let server_errors = CodeSet::EMPTY
            .with(Code::Unknown)
            .with(Code::DeadlineExceeded)
            .with(Code::Unimplemented)
            .with(Code::Internal)
            .with(Code::Unavailable)
            .with(Code::DataLoss);
        let error = if e.server {
            server_errors.contains(e.code)
        } else {
            e.code != Code::Ok
        };
        check_otel(span, name, e.code, error, &e.message);
        check_sentry(&normalized, name, e.code, Some(&e.message));
    }

    // The deadline: the server's handler was dropped by tonic's timeout,
    // the client's call failed with tonic's TimeoutExpired.
    for name in ["server deadline", "client deadline"] {
        let span = by_name[name];
        let message = span.status.as_ref().unwrap().message.clone();
        check_otel(span, name, Code::DeadlineExceeded, true, &message);
        check_sentry(&normalized, name, Code::DeadlineExceeded, None);
    }
    // The client's error is tonic's `transport error`; the `TimeoutExpired`
    // under it decided the code, and says so in the message.
    let client = &by_name["client deadline"].status.as_ref().unwrap().message;
    assert_eq!(client, "transport error: Timeout expired");
    let server = &by_name["server deadline"].status.as_ref().unwrap().message;
    assert!(
        server.starts_with("the call's grpc-timeout passed"),
        "{server}"
    );
    // The dropped call: CANCELLED on both sides; an error on the client, where
    // every non-OK code is one (semconv's grpc.md), and none on the server,
    // whose client went away (the client's choice).
    let message = "the exchange was dropped before its response";
    check_otel(
        by_name["server dropped"],
        "server dropped",
        Code::Cancelled,
        false,
        message,
    );
    check_otel(
        by_name["client dropped"],
        "client dropped",
        Code::Cancelled,
        true,
        message,
    );
    for name in ["server dropped", "client dropped"] {
        check_sentry(&normalized, name, Code::Cancelled, Some(message));
    }
}

/// The span's kind-independent OTel shape: status, description,
/// `rpc.response.status_code`, `error.type`, and the code read back.
fn check_otel(span: &proto::Span, name: &str, code: Code, error: bool, message: &str) {
    let status = span.status.clone().unwrap_or_default();
    if error {
        assert_eq!(
            status.code,
            proto::status::StatusCode::Error as i32,
            "{name}"
        );
        assert_eq!(status.message, message, "{name}");
        assert_eq!(
            attribute(span, "error.type"),
            [&Any::StringValue(code.as_str().to_owned())],
            "{name}"
        );
    } else {
        // OK included: instrumentation does not set Ok.
        assert_eq!(
            status.code,
            proto::status::StatusCode::Unset as i32,
            "{name}"
        );
        assert!(attribute(span, "error.type").is_empty(), "{name}");
    }
    assert_eq!(
        attribute(span, "rpc.response.status_code"),
        [&Any::StringValue(code.as_str().to_owned())],
        "{name}"
    );
    assert!(
        attribute(span, "http.response.status_code").is_empty(),
        "{name}"
    );
    assert_eq!(code_from_proto_span(span), Ok(code), "{name}");
}

fn check_sentry(normalized: &[serde_json::Value], name: &str, code: Code, message: Option<&str>) {
    let event = relay::by_name(normalized, name);
    assert!(event.get("errors").is_none(), "{:#}", event["errors"]);
    let trace = &event["contexts"]["trace"];
    // Relay stores the SDK's `unknown_error` as `internal_error`; the data
    // keeps the code (tests/sentry_relay.rs).
    let stored = match code {
        Code::Unknown => "internal_error",
        code => code.sentry_str(),
    };
    assert_eq!(trace["status"], stored, "{name}");
    assert_eq!(trace["data"]["sentry.status.code"], code.as_str(), "{name}");
    if let (Some(message), true) = (message, code != Code::Ok) {
        assert_eq!(trace["data"]["sentry.status.message"], message, "{name}");
    }
}
