//! `GrpcStatusLayer` on a real hyper HTTP/2 server and client over loopback:
//! `grpc-status` from the trailers at the end of a stream or from the
//! headers, and the broken peers gRPC's rules describe.

mod support;

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body::Frame;
use http_body_util::BodyExt;
use spanstatus_core::{Code, Status};
use spanstatus_tower::GrpcStatusLayer;
use spanstatus_tracing::{Exchange, Protocol, Side, StatusSource};
use support::{Body, BoxError, Frames, get, http2, run, serve};
use tower::{Layer, ServiceExt};
use tracing::Instrument;

fn trailers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_static(value));
    }
    map
}

fn data(text: &'static str) -> Result<Frame<Bytes>, BoxError> {
    Ok(Frame::data(Bytes::from_static(text.as_bytes())))
}

/// A gRPC-shaped handler: each path answers as a server (or a broken peer)
/// would.
async fn handler(request: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
    let grpc = |status: u16, headers: &[(&'static str, &'static str)], frames| {
        let mut response = Response::new(Frames::new(frames).boxed());
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        response
            .headers_mut()
            .insert("content-type", HeaderValue::from_static("application/grpc"));
        for (name, value) in headers {
            response
                .headers_mut()
                .insert(*name, HeaderValue::from_static(value));
        }
        Ok(response)
    };
    match request.uri().path() {
        "/not-found" => grpc(
            200,
            &[],
            vec![
                data("m"),
                Ok(Frame::trailers(trailers(&[
                    ("grpc-status", "5"),
                    ("grpc-message", "no%20user%207"),
                ]))),
            ],
        ),
        "/stream-fails" => grpc(
            200,
            &[],
            vec![
                data("1"),
                data("2"),
                data("3"),
                Ok(Frame::trailers(trailers(&[
                    ("grpc-status", "13"),
                    ("grpc-message", "after 3"),
                ]))),
            ],
        ),
        "/ok" => grpc(
            200,
            &[],
            vec![
                data("m"),
                Ok(Frame::trailers(trailers(&[("grpc-status", "0")]))),
            ],
        ),
        "/trailers-only" => grpc(
            200,
            &[("grpc-status", "14"), ("grpc-message", "draining")],
            vec![],
        ),
        "/no-status" => grpc(
            200,
            &[],
            vec![data("m"), Ok(Frame::trailers(HeaderMap::new()))],
        ),
        "/bad-status" => grpc(
            200,
            &[],
            vec![Ok(Frame::trailers(trailers(&[("grpc-status", "17")])))],
        ),
        "/proxy-503" => {
            let mut response = Response::new(support::full("<html>503</html>"));
            *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
            Ok(response)
        }
        "/slow-stream" => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            grpc(200, &[], vec![])
        }
        _ => grpc(200, &[("grpc-status", "12")], vec![]),
    }
}

/// Calls `path` through `GrpcStatusLayer::client()` in a span named
/// `client:<name>` (the server's span is `name`), and reads the whole reply.
async fn call(addr: std::net::SocketAddr, path: &str, name: &str) {
    let client = http2(addr).await;
    let send = tower::service_fn(move |request| {
        let mut client = client.clone();
        async move { client.send_request(request).await.map_err(BoxError::from) }
    });
    let service = GrpcStatusLayer::client().layer(send);
    let span = tracing::info_span!("request", name = format!("client:{name}").as_str());
    let response = service
        .oneshot(get(path, name))
        .instrument(span)
        .await
        .unwrap();
    let _ = response.into_body().collect().await;
}

#[test]
fn statuses_from_trailers_headers_and_broken_peers() {
    run(|outcomes| async move {
        let addr = serve(GrpcStatusLayer::server(), tower::service_fn(handler)).await;
        let cases = [
            ("/ok", Status::new(Code::Ok, "")),
            ("/not-found", Status::new(Code::NotFound, "no user 7")),
            ("/stream-fails", Status::new(Code::Internal, "after 3")),
            ("/trailers-only", Status::new(Code::Unavailable, "draining")),
            (
                "/no-status",
                Status::new(
                    Code::Internal,
                    "the stream ended without grpc-status in its trailers",
                ),
            ),
        ];
        for (path, expected) in cases {
            call(addr, path, path).await;
            for (span, side) in [
                (path.to_owned(), Side::Server),
                (format!("client:{path}"), Side::Client),
            ] {
                let outcome = outcomes.of(&span).await.expect("an outcome");
                assert_eq!(outcome.status(), &expected, "{span}");
                assert_eq!(outcome.side(), side, "{span}");
                assert_eq!(outcome.protocol(), Protocol::Grpc, "{span}");
            }
        }

        // Only the client reads these broken replies.
        call(addr, "/bad-status", "bad-status").await;
        let exchange = outcomes.of("client:bad-status").await.unwrap();
        // A broken peer: a rule's status, not the peer's.
        assert_eq!(exchange.source(), StatusSource::Rule);
        let status = exchange.into_status();
        assert_eq!(status.code(), Code::Unknown);
        assert!(status.message().contains("\"17\""), "{status}");

        call(addr, "/proxy-503", "proxy").await;
        let status = outcomes.of("client:proxy").await.unwrap().into_status();
        assert_eq!(
            status,
            Status::new(Code::Unavailable, "HTTP 503 without grpc-status")
        );
    });
}

#[test]
fn a_call_dropped_by_its_client_is_cancelled_on_both_sides() {
    run(|outcomes| async move {
        let addr = serve(GrpcStatusLayer::server(), tower::service_fn(handler)).await;
        let client = http2(addr).await;
        let send = tower::service_fn(move |request| {
            let mut client = client.clone();
            async move { client.send_request(request).await.map_err(BoxError::from) }
        });
        let service = GrpcStatusLayer::client().layer(send);
        let span = tracing::info_span!("request", name = "client:dropped");
        let call = service
            .oneshot(get("/slow-stream", "dropped"))
            .instrument(span);
        // The client gives up: its future is dropped, h2 resets the stream.
        assert!(
            tokio::time::timeout(Duration::from_millis(200), call)
                .await
                .is_err()
        );
        for span in ["client:dropped", "dropped"] {
            let status = outcomes.of(span).await.unwrap().into_status();
            assert_eq!(status.code(), Code::Cancelled, "{span}");
        }
    });
}

/// Calls `/slow-stream` with `grpc-timeout: 100m` and gives up after 300 ms,
/// as tonic's deadline does; the outcome of both spans.
#[test]
fn a_call_dropped_after_its_grpc_timeout_is_deadline_exceeded() {
    run(|outcomes| async move {
        let addr = serve(GrpcStatusLayer::server(), tower::service_fn(handler)).await;
        for (timeout, name, code) in [
            ("100m", "expired", Code::DeadlineExceeded),
            // Dropped well before its deadline: the client cancelled it.
            ("20S", "early", Code::Cancelled),
        ] {
            let client = http2(addr).await;
            let send = tower::service_fn(move |request| {
                let mut client = client.clone();
                async move { client.send_request(request).await.map_err(BoxError::from) }
            });
            let mut request = get("/slow-stream", name);
            request
                .headers_mut()
                .insert("grpc-timeout", HeaderValue::from_static(timeout));
            let span = tracing::info_span!("request", name = format!("client:{name}").as_str());
            let call = GrpcStatusLayer::client()
                .layer(send)
                .oneshot(request)
                .instrument(span);
            assert!(
                tokio::time::timeout(Duration::from_millis(300), call)
                    .await
                    .is_err()
            );
            for span in [format!("client:{name}"), name.to_owned()] {
                let status = outcomes.of(&span).await.unwrap().into_status();
                assert_eq!(status.code(), code, "{span}: {status}");
                if code == Code::DeadlineExceeded {
                    assert!(
                        status
                            .message()
                            .starts_with("the call's grpc-timeout passed ("),
                        "{status}"
                    );
                }
            }
        }
    });
}

#[test]
fn a_classifier_hook_sees_the_trailers() {
    run(|outcomes| async move {
        let addr = serve(GrpcStatusLayer::server(), tower::service_fn(handler)).await;
        let client = http2(addr).await;
        let send = tower::service_fn(move |request| {
            let mut client = client.clone();
            async move { client.send_request(request).await.map_err(BoxError::from) }
        });
        // A gateway that reports NOT_FOUND from its backend as FAILED_PRECONDITION.
        let layer = GrpcStatusLayer::client().classify_with(
            |exchange: &Exchange, trailers: &http::HeaderMap| {
                assert_eq!(exchange.protocol(), Protocol::Grpc);
                assert_eq!(exchange.http_status(), Some(200));
                assert_eq!(trailers.get("grpc-status").unwrap(), "5");
                Some(Status::new(
                    Code::FailedPrecondition,
                    format!("backend: {}", exchange.status().message()),
                ))
            },
        );
        let span = tracing::info_span!("request", name = "client:hooked");
        let response = layer
            .layer(send)
            .oneshot(get("/not-found", "hooked"))
            .instrument(span)
            .await
            .unwrap();
        let _ = response.into_body().collect().await;
        let exchange = outcomes.of("client:hooked").await.unwrap();
        assert_eq!(exchange.source(), StatusSource::Classifier);
        assert_eq!(
            exchange.into_status(),
            Status::new(Code::FailedPrecondition, "backend: no user 7")
        );
    });
}

/// A raw HTTP/2 peer: answers every stream with gRPC headers and one
/// message, then resets the stream with `reason`.
async fn resetting_peer(reason: h2::Reason) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let Ok(mut connection) = h2::server::handshake(stream).await else {
            return;
        };
        while let Some(Ok((_request, mut respond))) = connection.accept().await {
            let response = Response::builder()
                .status(200)
                .header("content-type", "application/grpc")
                .body(())
                .unwrap();
            let mut send = respond.send_response(response, false).unwrap();
            send.send_data(Bytes::from_static(b"\0\0\0\0\x01m"), false)
                .unwrap();
            // Mid-stream: after the client has the headers and the message.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                send.send_reset(reason);
            });
        }
    });
    addr
}

#[test]
fn a_stream_reset_mid_stream_takes_the_code_of_its_reason() {
    run(|outcomes| async move {
        for (reason, code) in [
            (h2::Reason::ENHANCE_YOUR_CALM, Code::ResourceExhausted),
            (h2::Reason::REFUSED_STREAM, Code::Unavailable),
            (h2::Reason::CANCEL, Code::Cancelled),
            (h2::Reason::INTERNAL_ERROR, Code::Internal),
        ] {
            let addr = resetting_peer(reason).await;
            let client = http2(addr).await;
            let send = tower::service_fn(move |request| {
                let mut client = client.clone();
                async move { client.send_request(request).await.map_err(BoxError::from) }
            });
            let name = format!("client:reset {reason:?}");
            let span = tracing::info_span!("request", name = name.as_str());
            let response = GrpcStatusLayer::client()
                .layer(send)
                .oneshot(get("/", "-"))
                .instrument(span)
                .await
                .unwrap();
            // The headers and the first message arrive; then the reset.
            let error = response.into_body().collect().await.unwrap_err();
            assert_eq!(
                spanstatus_core::Code::from_error_chain(&error),
                code,
                "{error}"
            );
            let outcome = outcomes.of(&name).await.unwrap();
            assert_eq!(outcome.status().code(), code, "{name}");
            assert_eq!(outcome.protocol(), Protocol::Grpc);
        }
    });
}
