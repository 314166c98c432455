//! `HttpStatusLayer` on a real hyper server and client over loopback: the
//! status of each exchange on its span, server and client side.

mod support;

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use spanstatus_core::{Code, Status};
use spanstatus_tower::HttpStatusLayer;
use spanstatus_tracing::{CanonicalStatusExt, Exchange, Protocol, Side, StatusSource};
use support::{Body, BoxError, Frames, full, get, http1, run, serve};
use tower::{Service, ServiceBuilder, ServiceExt};
use tracing::Instrument;

/// The handler: `/status/N` answers N; `/data-loss` sets its own status and
/// answers 500; `/body-error` fails after the first chunk; `/slow` answers
/// after 10 s.
async fn handler(request: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
    let path = request.uri().path().to_owned();
    let response = |status: u16, body: Body| {
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        Ok(response)
    };
    if let Some(n) = path.strip_prefix("/status/") {
        return response(n.parse().unwrap(), full("hello"));
    }
    match path.as_str() {
        "/data-loss" => {
            tracing::Span::current().set_canonical_status(Code::DataLoss, "row checksum");
            response(500, full("sorry"))
        }
        "/body-error" => {
            let body = Frames::new(vec![
                Ok(http_body::Frame::data(Bytes::from_static(b"first"))),
                Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::BrokenPipe,
                    "disk gone",
                ))),
            ]);
            response(200, body.boxed())
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            response(200, full("late"))
        }
        _ => response(404, full("no route")),
    }
}

async fn server() -> std::net::SocketAddr {
    serve(HttpStatusLayer::server(), tower::service_fn(handler)).await
}

/// Sends `path` for span `name` and reads the whole response; its status.
async fn fetch(addr: std::net::SocketAddr, path: &str, name: &str) -> u16 {
    let mut client = http1(addr).await;
    let response = client.send_request(get(path, name)).await.unwrap();
    let status = response.status().as_u16();
    let _ = response.into_body().collect().await;
    status
}

#[test]
fn server_statuses_from_the_response() {
    run(|outcomes| async move {
        let addr = server().await;
        for (status, code) in [
            (200, Code::Ok),
            (204, Code::Ok),
            (404, Code::NotFound),
            (429, Code::ResourceExhausted),
            (499, Code::Cancelled),
            (503, Code::Unavailable),
        ] {
            let name = format!("status-{status}");
            assert_eq!(
                fetch(addr, &format!("/status/{status}"), &name).await,
                status
            );
            let outcome = outcomes.of(&name).await.expect("an outcome");
            assert_eq!(outcome.status(), &Status::new(code, ""), "{name}");
            assert_eq!(outcome.http_status(), Some(status), "{name}");
            assert_eq!(outcome.side(), Side::Server, "{name}");
            assert_eq!(outcome.protocol(), Protocol::Http, "{name}");
            assert_eq!(outcome.source(), StatusSource::Response, "{name}");
        }
    });
}

#[test]
fn a_handlers_own_status_stays() {
    run(|outcomes| async move {
        let addr = server().await;
        assert_eq!(fetch(addr, "/data-loss", "data-loss").await, 500);
        let outcome = outcomes.of("data-loss").await.unwrap();
        assert_eq!(
            outcome.status(),
            &Status::new(Code::DataLoss, "row checksum")
        );
        assert_eq!(outcome.source(), StatusSource::Application);
        assert_eq!(outcome.http_status(), Some(500));
    });
}

#[test]
fn a_body_error_after_the_headers_is_an_error() {
    run(|outcomes| async move {
        let addr = server().await;
        let mut client = http1(addr).await;
        // The client sees the connection cut: before the headers or mid-body,
        // as hyper flushes them.
        if let Ok(response) = client.send_request(get("/body-error", "body-error")).await {
            assert_eq!(response.status(), 200);
            assert!(response.into_body().collect().await.is_err());
        }
        let outcome = outcomes.of("body-error").await.unwrap();
        let status = outcome.status();
        // The io error's code (EPIPE: FAILED_PRECONDITION, Abseil's table).
        assert_eq!(status.code(), Code::FailedPrecondition);
        assert_eq!(status.message(), "disk gone");
        assert_eq!(outcome.http_status(), Some(200));
        assert_eq!(outcome.error_type(), Some("_OTHER"));
    });
}

#[test]
fn a_client_that_disconnects_leaves_the_server_span_cancelled() {
    run(|outcomes| async move {
        let addr = server().await;
        let mut client = http1(addr).await;
        let request = client.send_request(get("/slow", "gone"));
        // Give up after the server has the request, then drop the connection.
        assert!(
            tokio::time::timeout(Duration::from_millis(200), request)
                .await
                .is_err()
        );
        drop(client);
        let outcome = outcomes.of("gone").await.unwrap();
        assert_eq!(outcome.status().code(), Code::Cancelled);
        assert_eq!(outcome.side(), Side::Server);
        assert_eq!(outcome.error_type(), Some("cancelled"));
    });
}

/// A client service: one HTTP/1 connection per call, in a span named by
/// the request's `x-span` header; `HttpStatusLayer::client()` inside it.
async fn client_call<L>(
    layer: L,
    addr: std::net::SocketAddr,
    path: &str,
    name: &str,
) -> Result<Response<spanstatus_tower::StatusBody<hyper::body::Incoming>>, BoxError>
where
    L: tower::Layer<
            tower::util::BoxService<
                Request<http_body_util::Empty<Bytes>>,
                Response<hyper::body::Incoming>,
                BoxError,
            >,
        >,
    L::Service: Service<
            Request<http_body_util::Empty<Bytes>>,
            Response = Response<spanstatus_tower::StatusBody<hyper::body::Incoming>>,
            Error = BoxError,
        >,
{
    let send = tower::service_fn(
        move |request: Request<http_body_util::Empty<Bytes>>| async move {
            let mut client = http1(addr).await;
            client.send_request(request).await.map_err(BoxError::from)
        },
    );
    let service = layer.layer(tower::util::BoxService::new(send));
    // The server's span is named `name`; the client's `client:<name>`.
    let span = tracing::info_span!("request", name = format!("client:{name}").as_str());
    service.oneshot(get(path, name)).instrument(span).await
}

#[test]
fn client_statuses_and_a_dropped_body() {
    run(|outcomes| async move {
        let addr = server().await;
        let response = client_call(HttpStatusLayer::client(), addr, "/status/404", "client-404")
            .await
            .unwrap();
        let _ = response.into_body().collect().await;
        let outcome = outcomes.of("client:client-404").await.unwrap();
        assert_eq!(outcome.status(), &Status::new(Code::NotFound, ""));
        assert_eq!(outcome.side(), Side::Client);

        // The caller drops a successful response's body before its end.
        let response = client_call(HttpStatusLayer::client(), addr, "/slow-body", "dropped")
            .await
            .unwrap();
        drop(response);
        let outcome = outcomes.of("client:dropped").await.unwrap();
        // `/slow-body` is a 404 route: an error status stays.
        assert_eq!(outcome.status().code(), Code::NotFound);
    });
}

#[test]
fn a_timeout_inside_the_layer_is_deadline_exceeded_outside_it_cancelled() {
    run(|outcomes| async move {
        let addr = server().await;
        // Status layer outside, timeout inside: the layer sees the timeout's
        // error, DEADLINE_EXCEEDED.
        let layer = ServiceBuilder::new()
            .layer(HttpStatusLayer::client())
            .timeout(Duration::from_millis(100));
        let error = client_call(layer, addr, "/slow", "timeout-inside")
            .await
            .unwrap_err();
        assert!(error.is::<tower::timeout::error::Elapsed>());
        let outcome = outcomes.of("client:timeout-inside").await.unwrap();
        assert_eq!(outcome.status().code(), Code::DeadlineExceeded);
        assert_eq!(outcome.error_type(), Some("timeout"));

        // Timeout outside: it drops our future, CANCELLED.
        let layer = ServiceBuilder::new()
            .timeout(Duration::from_millis(100))
            .layer(HttpStatusLayer::client());
        client_call(layer, addr, "/slow", "timeout-outside")
            .await
            .unwrap_err();
        let outcome = outcomes.of("client:timeout-outside").await.unwrap();
        assert_eq!(outcome.status().code(), Code::Cancelled);
    });
}

#[test]
fn with_own_span_makes_a_span_when_there_is_none() {
    run(|outcomes| async move {
        // No span per request outside the layer: the layer makes its own.
        let addr = support::serve_bare(
            HttpStatusLayer::server().with_own_span(),
            tower::service_fn(handler),
        )
        .await;
        let mut client = http1(addr).await;
        let response = client.send_request(get("/status/503", "-")).await.unwrap();
        let _ = response.into_body().collect().await;
        // Named by its `otel.name`, the method.
        let outcome = outcomes.of("GET").await.expect("an outcome");
        assert_eq!(outcome.status(), &Status::new(Code::Unavailable, ""));
        assert_eq!(outcome.side(), Side::Server);
    });
}

#[test]
fn a_classifier_hook_decides_where_its_rules_differ() {
    run(|outcomes| async move {
        let addr = server().await;
        // A client for which a missing key is an answer.
        let expects_404 = |exchange: &Exchange, _: &http::HeaderMap| {
            assert_eq!(exchange.side(), Side::Client);
            assert_eq!(exchange.protocol(), Protocol::Http);
            (exchange.http_status() == Some(404)).then(|| Status::new(Code::Ok, "an expected miss"))
        };
        let layer = HttpStatusLayer::client().classify_with(expects_404);
        for (path, name) in [("/status/404", "expected"), ("/status/503", "unexpected")] {
            let response = client_call(layer.clone(), addr, path, name).await.unwrap();
            let _ = response.into_body().collect().await;
        }
        let outcome = outcomes.of("client:expected").await.unwrap();
        assert_eq!(outcome.status(), &Status::new(Code::Ok, "an expected miss"));
        // The number is kept for `http.response.status_code`.
        assert_eq!(outcome.http_status(), Some(404));
        assert_eq!(outcome.source(), StatusSource::Classifier);
        let outcome = outcomes.of("client:unexpected").await.unwrap();
        assert_eq!(outcome.status(), &Status::new(Code::Unavailable, ""));
        assert_eq!(outcome.source(), StatusSource::Response);

        // A handler's own status wins over the hook's.
        let addr = serve(
            HttpStatusLayer::server().classify_with(|_: &Exchange, _: &http::HeaderMap| {
                Some(Status::new(Code::Ok, "hook"))
            }),
            tower::service_fn(handler),
        )
        .await;
        fetch(addr, "/data-loss", "hooked-data-loss").await;
        let outcome = outcomes.of("hooked-data-loss").await.unwrap();
        assert_eq!(
            outcome.status(),
            &Status::new(Code::DataLoss, "row checksum")
        );
    });
}

#[test]
fn tower_https_timeout_inside_the_layer_is_a_server_timeout() {
    run(|outcomes| async move {
        // tower-http's TimeoutLayer answers 408 when the handler runs out of
        // time: DEADLINE_EXCEEDED, a failure with `error.type = "timeout"`.
        let layer = ServiceBuilder::new()
            .layer(HttpStatusLayer::server())
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_millis(100),
            ));
        let addr = serve(layer, tower::service_fn(handler)).await;
        assert_eq!(fetch(addr, "/slow", "server-timeout").await, 408);
        let outcome = outcomes.of("server-timeout").await.unwrap();
        assert_eq!(outcome.status(), &Status::new(Code::DeadlineExceeded, ""));
        assert_eq!(outcome.error_type(), Some("timeout"));
        assert_eq!(outcome.http_status(), Some(408));

        // The client that gets the 408: DEADLINE_EXCEEDED from the number.
        let response = client_call(HttpStatusLayer::client(), addr, "/slow", "client-408")
            .await
            .unwrap();
        let _ = response.into_body().collect().await;
        let outcome = outcomes.of("client:client-408").await.unwrap();
        assert_eq!(outcome.status().code(), Code::DeadlineExceeded);
        assert_eq!(outcome.error_type(), None);
        assert_eq!(outcome.http_status(), Some(408));
    });
}
