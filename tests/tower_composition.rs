//! The tower layers next to other layers of the ecosystem: sentry-tower's
//! `SentryHttpLayer` (its transaction gets our status, not its own table)
//! and tower-http's `CompressionLayer` (gRPC trailers survive the gzip body).
//!
//! ```sh
//! eval "$(scripts/python-deps.sh)"
//! cargo test --features full --test tower_composition
//! ```
#![cfg(all(
    feature = "opentelemetry",
    feature = "sentry",
    feature = "tower",
    feature = "hyper",
    feature = "tonic"
))]

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use spanstatus::Code;
use spanstatus::tower::{GrpcStatusLayer, HttpStatusLayer};
use tower::{Layer, Service, ServiceBuilder, ServiceExt};
use tracing::Instrument;
use tracing_subscriber::prelude::*;

#[path = "support/ends.rs"]
mod ends;
#[path = "../examples/support/grpc_cache.rs"]
mod grpc_cache;
#[path = "support/hyper.rs"]
mod hyper_support;
#[path = "support/otlp.rs"]
mod otlp;
#[path = "support/relay.rs"]
mod relay;

use hyper_support::{http1, status_handler as handler};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// sentry-tower's table differs from the canonical one for these: 413 and
/// 499 are `invalid_argument` there, 504 `internal_error`.
const DIFFERING: [u16; 3] = [413, 499, 504];

/// `/N` answers N; `/data-loss` is a 500 whose handler set its own status.
async fn handler_with_own_status(
    request: Request<hyper::body::Incoming>,
) -> Result<http::Response<http_body_util::Full<Bytes>>, std::convert::Infallible> {
    if request.uri().path() == "/data-loss" {
        use spanstatus::prelude::*;
        tracing::Span::current().set_canonical_status(Code::DataLoss, "row checksum");
        let mut response = http::Response::new(http_body_util::Full::new(Bytes::new()));
        *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        return Ok(response);
    }
    handler(request).await
}

/// The documented order: sentry-tower's layers, the layer that makes the
/// request's span (tower-http's `TraceLayer`), `TransactionStatusLayer`,
/// then the status layer.
#[test]
fn sentry_towers_transaction_gets_the_canonical_status() {
    use spanstatus::sentry::TransactionStatusLayer;
    use spanstatus::tower::spans;
    let Some(python) = relay::relay_python() else {
        return;
    };
    let runtime = runtime();
    let paths: Vec<String> = [200, 404]
        .into_iter()
        .chain(DIFFERING)
        .map(|status| format!("/{status}"))
        .chain(["/data-loss".to_owned()])
        .collect();
    let events = relay::capture(|| {
        // A registry for the request spans; no sentry-tracing layer: the
        // transaction is sentry-tower's alone.
        let _default = tracing::subscriber::set_default(tracing_subscriber::registry());
        runtime.block_on(async {
            let addr = hyper_support::serve(|| {
                ServiceBuilder::new()
                    .layer(sentry_tower::NewSentryLayer::<Request<hyper::body::Incoming>>::new_from_top())
                    .layer(sentry_tower::SentryHttpLayer::new().enable_transaction())
                    .layer(
                        tower_http::trace::TraceLayer::new_for_http()
                            .make_span_with(spans::HTTP_SERVER)
                            .on_failure(()),
                    )
                    .layer(TransactionStatusLayer::new())
                    .layer(HttpStatusLayer::server())
                    .service(tower::service_fn(handler_with_own_status))
            })
            .await;
            for path in &paths {
                let mut client = http1(addr).await;
                let request = Request::get(format!("http://127.0.0.1{path}"))
                    .body(http_body_util::Empty::<Bytes>::new())
                    .unwrap();
                let response = client.send_request(request).await.unwrap();
                let _ = response.into_body().collect().await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        })
    });
    let normalized = relay::normalize(&python, &events);
    // One transaction per request: sentry-tower's.
    assert_eq!(normalized.len(), paths.len(), "{normalized:#?}");
    for path in &paths {
        let event = relay::by_name(&normalized, &format!("GET {path}"));
        let trace = &event["contexts"]["trace"];
        let (status, code) = match path.as_str() {
            "/data-loss" => (500, Code::DataLoss),
            _ => {
                let status: u16 = path[1..].parse().unwrap();
                (status, Code::from_http_status(status))
            }
        };
        assert_eq!(trace["status"], code.sentry_str(), "{path}");
        assert_eq!(trace["data"]["sentry.status.code"], code.as_str(), "{path}");
        assert_eq!(trace["data"]["http.response.status_code"], status, "{path}");
        assert_eq!(trace["op"], "http.server");
    }
    let data_loss = &relay::by_name(&normalized, "GET /data-loss")["contexts"]["trace"];
    assert_eq!(data_loss["data"]["sentry.status.message"], "row checksum");
}

/// The status layers know no Sentry: a client exchange whose future is
/// polled inside another span gives that span's Sentry transaction nothing
/// (the tower crate once mirrored the status onto the Sentry span current
/// at the first poll).
#[test]
fn a_client_polled_inside_another_span_leaves_its_transaction_alone() {
    let Some(python) = relay::relay_python() else {
        return;
    };
    let runtime = runtime();
    let events = relay::capture(|| {
        let subscriber = tracing_subscriber::registry().with(spanstatus::sentry::span_layer());
        let _default = tracing::subscriber::set_default(subscriber);
        runtime.block_on(async {
            let addr = hyper_support::serve(|| tower::service_fn(handler)).await;
            let mut client = http1(addr).await;
            let send = tower::service_fn(move |request| client.send_request(request));
            let request = Request::get("http://127.0.0.1/404")
                .body(http_body_util::Empty::<Bytes>::new())
                .unwrap();
            // Made (and `call`ed) in `cli`, polled in `pollspan`.
            let cli = tracing::info_span!("cli");
            let future = cli.in_scope(|| {
                let mut service = HttpStatusLayer::client().layer(send);
                service.call(request)
            });
            let pollspan = tracing::info_span!("pollspan");
            let response = future.instrument(pollspan).await.unwrap();
            let _ = response.into_body().collect().await;
            drop(cli);
        })
    });
    // As sent: `pollspan` has no status at all.
    let sent = &relay::by_name(&events, "pollspan")["contexts"]["trace"];
    assert!(sent["status"].is_null(), "{sent:#}");
    let normalized = relay::normalize(&python, &events);
    let cli = &relay::by_name(&normalized, "cli")["contexts"]["trace"];
    assert_eq!(cli["status"], "not_found");
    assert_eq!(cli["data"]["sentry.status.code"], "NOT_FOUND");
    // Relay's default for a transaction without a status.
    let pollspan = &relay::by_name(&normalized, "pollspan")["contexts"]["trace"];
    assert_eq!(pollspan["status"], "unknown", "{pollspan:#}");
    assert!(
        pollspan["data"].get("sentry.status.code").is_none(),
        "{pollspan:#}"
    );
}

#[test]
fn sentry_towers_transaction_of_a_tonic_call_gets_its_grpc_status() {
    use grpc_cache::{Cache, CacheClient, CacheServer, key};

    #[derive(Clone)]
    struct Missing;
    impl Cache for Missing {
        async fn get(&self, key: String) -> Result<String, tonic::Status> {
            Err(tonic::Status::not_found(format!("no {key}")))
        }
        fn scan(&self, _: String) -> (Vec<String>, Result<(), tonic::Status>) {
            (vec![], Ok(()))
        }
    }

    let Some(python) = relay::relay_python() else {
        return;
    };
    let runtime = runtime();
    let events = relay::capture(|| {
        let _default = tracing::subscriber::set_default(tracing_subscriber::registry());
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = tonic::transport::Server::builder()
                .layer(
                    ServiceBuilder::new()
                        .layer(sentry_tower::NewSentryLayer::new_from_top())
                        .layer(sentry_tower::SentryHttpLayer::new().enable_transaction())
                        .layer(
                            tower_http::trace::TraceLayer::new_for_grpc()
                                .make_span_with(spanstatus::tower::spans::GRPC_SERVER)
                                .on_failure(()),
                        )
                        .layer(spanstatus::sentry::TransactionStatusLayer::new())
                        .layer(GrpcStatusLayer::server()),
                )
                .add_service(CacheServer(Missing))
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener));
            tokio::spawn(server);
            let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
                .unwrap()
                .connect()
                .await
                .unwrap();
            let status = CacheClient::new(channel)
                .get(key("kiwi"))
                .await
                .unwrap_err();
            assert_eq!(status.code(), tonic::Code::NotFound);
            tokio::time::sleep(Duration::from_millis(50)).await;
        })
    });
    let normalized = relay::normalize(&python, &events);
    let event = relay::by_name(&normalized, &format!("POST {}", grpc_cache::GET));
    let trace = &event["contexts"]["trace"];
    // sentry-tower alone says `ok`: the reply is an HTTP 200. A
    // Trailers-Only reply carries the status in its headers, in time for
    // the transaction (a status in trailers comes after it has finished).
    assert_eq!(trace["status"], "not_found");
    assert_eq!(trace["data"]["sentry.status.code"], "NOT_FOUND");
    assert_eq!(trace["data"]["sentry.status.message"], "no kiwi");
}

#[test]
fn grpc_trailers_survive_tower_https_compression() {
    let Some(ends) = ends::Ends::start() else {
        return;
    };
    let (normalized, spans) = ends.run(2, || async {
        // Server: our layer outside the compression, which gzips the body
        // (its default predicate would skip gRPC: forced here).
        let addr = hyper_support::serve(|| {
            let compression = tower_http::compression::CompressionLayer::new()
                .compress_when(|_: _, _: _, _: &_, _: &_| true);
            let mut service = GrpcStatusLayer::server()
                .layer(compression.layer(tower::service_fn(hyper_support::grpc_handler)));
            tower::service_fn(move |request: Request<hyper::body::Incoming>| {
                let span = tracing::info_span!(
                    "rpc",
                    otel.name = "server",
                    sentry.name = "server",
                    rpc.system = "grpc"
                );
                let future = span.in_scope(|| service.call(request));
                future.instrument(span)
            })
        })
        .await;
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (send, connection) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(connection);
        let send = tower::service_fn(move |request| {
            let mut send = send.clone();
            async move { send.send_request(request).await }
        });
        let request = Request::post("http://127.0.0.1/5")
            .header("content-type", "application/grpc")
            .header("accept-encoding", "gzip")
            .body(http_body_util::Empty::<Bytes>::new())
            .unwrap();
        let span = tracing::info_span!(
            "rpc",
            otel.name = "client",
            sentry.name = "client",
            rpc.system = "grpc"
        );
        let response = GrpcStatusLayer::client()
            .layer(send)
            .oneshot(request)
            .instrument(span)
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], "gzip");
        let body = response.into_body().collect().await.unwrap();
        assert_eq!(body.trailers().unwrap()["grpc-status"], "5");
    });
    for side in ["server", "client"] {
        let span = spans.iter().find(|s| s.name == side).expect(side);
        assert_eq!(
            ends::attribute(span, "rpc.response.status_code"),
            [&Any::StringValue("NOT_FOUND".into())],
            "{side}"
        );
        let event = relay::by_name(&normalized, side);
        let trace = &event["contexts"]["trace"];
        assert_eq!(trace["status"], "not_found", "{side}");
        assert_eq!(trace["data"]["sentry.status.message"], "call 5", "{side}");
    }
}

#[test]
fn inside_otel_axum_layer_its_span_gets_the_canonical_status() {
    use axum_tracing_opentelemetry::middleware::OtelAxumLayer;
    let Some(ends) = ends::Ends::start() else {
        return;
    };
    const STATUSES: [u16; 4] = [200, 404, 499, 503];
    let (normalized, spans) = ends.run(STATUSES.len(), || async {
        // OtelAxumLayer (axum-tracing-opentelemetry 0.42.1) makes the span
        // and records `http.response.status_code` and, for a 5xx,
        // `otel.status_code = "ERROR"`; our layer inside sets the status.
        let app = axum::Router::new()
            .route(
                "/{status}",
                axum::routing::get(
                    |axum::extract::Path(status): axum::extract::Path<u16>| async move {
                        http::StatusCode::from_u16(status).unwrap()
                    },
                ),
            )
            .layer(HttpStatusLayer::server())
            .layer(OtelAxumLayer::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        for status in STATUSES {
            let mut client = http1(addr).await;
            let request = Request::get(format!("http://127.0.0.1/{status}"))
                .body(http_body_util::Empty::<Bytes>::new())
                .unwrap();
            let response = client.send_request(request).await.unwrap();
            let _ = response.into_body().collect().await;
        }
    });
    use opentelemetry_proto::tonic::trace::v1 as proto;
    assert_eq!(spans.len(), STATUSES.len());
    for status in STATUSES {
        let path = format!("/{status}");
        let span = spans
            .iter()
            .find(|s| ends::attribute(s, "url.path") == [&Any::StringValue(path.clone())])
            .unwrap_or_else(|| panic!("no span for {path}"));
        assert_eq!(span.kind, proto::span::SpanKind::Server as i32, "{path}");
        let error = status >= 500;
        let want = if error {
            proto::status::StatusCode::Error
        } else {
            proto::status::StatusCode::Unset
        };
        assert_eq!(
            span.status.clone().unwrap_or_default().code,
            want as i32,
            "{path}"
        );
        assert_eq!(
            ends::attribute(span, "http.response.status_code"),
            [&Any::IntValue(i64::from(status))],
            "{path}"
        );
        let error_type = ends::attribute(span, "error.type");
        if error {
            assert_eq!(
                error_type,
                [&Any::StringValue(status.to_string())],
                "{path}"
            );
        } else {
            assert!(error_type.is_empty(), "{path}: {error_type:?}");
        }
        assert_eq!(
            spanstatus::opentelemetry::code_from_proto_span(span),
            Ok(Code::from_http_status(status)),
            "{path}"
        );
        let event = normalized
            .iter()
            .find(|e| e["contexts"]["trace"]["data"]["url.path"] == path.as_str())
            .unwrap_or_else(|| panic!("no transaction for {path}"));
        let trace = &event["contexts"]["trace"];
        let code = Code::from_http_status(status);
        assert_eq!(trace["status"], code.sentry_str(), "{path}");
        assert_eq!(trace["data"]["sentry.status.code"], code.as_str(), "{path}");
    }
}
