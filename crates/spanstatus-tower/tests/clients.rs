//! The client layer around clients as users have them, with no `map_err`:
//! hyper-util's legacy `Client`, tower's `Timeout` inside and outside, a
//! service failing with an error type of its own, another with a foreign
//! one; each used from a spawned task across `.await`s, over loopback.

mod support;

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use spanstatus_core::{Code, HasCode};
use spanstatus_tower::{HttpStatusLayer, StatusSource};
use support::{Body, Outcomes, full, run, serve};
use tower::{Service, ServiceBuilder, ServiceExt};
use tracing::Instrument;

/// `/status/N` answers N; `/slow` answers after 10 s.
async fn handler(request: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
    let path = request.uri().path().to_owned();
    if path == "/slow" {
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let status = path
        .strip_prefix("/status/")
        .map_or(200, |n| n.parse().unwrap());
    let mut response = Response::new(full("hello"));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    Ok(response)
}

fn request(addr: std::net::SocketAddr, path: &str) -> Request<Empty<Bytes>> {
    Request::get(format!("http://{addr}{path}"))
        .body(Empty::new())
        .unwrap()
}

/// Calls `service` with `request` in a span `name`, from a spawned task (so
/// the service and its future must be `Send + 'static`), reading the whole
/// body; whether it succeeded.
async fn call_spawned<S, B>(service: S, request: Request<Empty<Bytes>>, name: &str) -> bool
where
    S: Service<Request<Empty<Bytes>>, Response = Response<B>> + Send + 'static,
    S::Future: Send,
    S::Error: std::fmt::Debug + Send,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
{
    let span = tracing::info_span!("request", name);
    tokio::spawn(
        async move {
            let response = service.oneshot(request).await;
            // Another await in the same task, holding nothing across it.
            tokio::task::yield_now().await;
            match response {
                Ok(response) => {
                    let _ = response.into_body().collect().await;
                    true
                }
                Err(_) => false,
            }
        }
        .instrument(span),
    )
    .await
    .unwrap()
}

async fn code_of(outcomes: &Outcomes, name: &str) -> (Code, String, StatusSource) {
    let exchange = outcomes.of(name).await.expect("an exchange was recorded");
    (
        exchange.status().code(),
        exchange.status().message().to_owned(),
        exchange.source(),
    )
}

#[test]
fn hyper_utils_legacy_client_as_it_is() {
    run(|outcomes| async move {
        let addr = serve(HttpStatusLayer::server(), tower::service_fn(handler)).await;
        let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
        let service = ServiceBuilder::new()
            .layer(HttpStatusLayer::client())
            .service(client.clone());

        assert!(call_spawned(service.clone(), request(addr, "/status/503"), "503").await);
        assert_eq!(
            code_of(&outcomes, "503").await,
            (Code::Unavailable, String::new(), StatusSource::Response)
        );

        // Nothing listens there: hyper-util's error wraps the refused
        // connection's `io::Error`.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refused = closed.local_addr().unwrap();
        drop(closed);
        assert!(!call_spawned(service.clone(), request(refused, "/"), "refused").await);
        let (code, message, source) = code_of(&outcomes, "refused").await;
        assert_eq!((code, source), (Code::Unavailable, StatusSource::Failure));
        assert!(message.starts_with("client error (Connect)"), "{message}");
    });
}

#[test]
fn a_timeout_inside_or_outside_the_layer() {
    run(|outcomes| async move {
        let addr = serve(HttpStatusLayer::server(), tower::service_fn(handler)).await;
        let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
        // Inside: the layer sees tower's `Elapsed` in a `BoxError`.
        let inside = ServiceBuilder::new()
            .layer(HttpStatusLayer::client())
            .timeout(Duration::from_millis(50))
            .service(client.clone());
        assert!(!call_spawned(inside.clone(), request(addr, "/slow"), "inside").await);
        assert_eq!(
            code_of(&outcomes, "inside").await,
            (
                Code::DeadlineExceeded,
                "request timed out".to_owned(),
                StatusSource::Failure
            )
        );
        assert!(call_spawned(inside, request(addr, "/status/404"), "inside-404").await);
        assert_eq!(code_of(&outcomes, "inside-404").await.0, Code::NotFound);

        // Outside: the timeout drops the layer's future.
        let outside = ServiceBuilder::new()
            .timeout(Duration::from_millis(50))
            .layer(HttpStatusLayer::client())
            .service(client);
        assert!(!call_spawned(outside, request(addr, "/slow"), "outside").await);
        let (code, _, source) = code_of(&outcomes, "outside").await;
        assert_eq!((code, source), (Code::Cancelled, StatusSource::Dropped));
    });
}

/// An error type of the application's, with a code of its own.
#[derive(Debug)]
struct Overdrawn;

impl std::fmt::Display for Overdrawn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the account is overdrawn")
    }
}

impl std::error::Error for Overdrawn {}

impl HasCode for Overdrawn {
    fn code(&self) -> Code {
        Code::FailedPrecondition
    }
}

// What `#[derive(HasCode)]` writes for its type.
spanstatus_core::register_error!(Overdrawn);

/// An error type nobody registered.
#[derive(Debug)]
struct Foreign;

impl std::fmt::Display for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("something foreign")
    }
}

impl std::error::Error for Foreign {}

#[test]
fn an_error_type_with_its_own_code_keeps_it_alone_and_boxed() {
    run(|outcomes| async move {
        let failing = tower::service_fn(|_: Request<Empty<Bytes>>| async {
            Err::<Response<Empty<Bytes>>, _>(Overdrawn)
        });
        let addr: std::net::SocketAddr = "127.0.0.1:9".parse().unwrap();
        let alone = ServiceBuilder::new()
            .layer(HttpStatusLayer::client())
            .service(failing);
        assert!(!call_spawned(alone, request(addr, "/"), "alone").await);
        let expected = (
            Code::FailedPrecondition,
            "the account is overdrawn".to_owned(),
            StatusSource::Failure,
        );
        assert_eq!(code_of(&outcomes, "alone").await, expected);

        // Inside a `BoxError` (tower's `Timeout` boxes every error).
        let boxed = ServiceBuilder::new()
            .layer(HttpStatusLayer::client())
            .timeout(Duration::from_secs(5))
            .service(failing);
        assert!(!call_spawned(boxed, request(addr, "/"), "boxed").await);
        assert_eq!(code_of(&outcomes, "boxed").await, expected);

        // A type nobody registered: UNKNOWN, its text kept.
        let foreign = ServiceBuilder::new()
            .layer(HttpStatusLayer::client())
            .service(tower::service_fn(|_: Request<Empty<Bytes>>| async {
                Err::<Response<Empty<Bytes>>, _>(Foreign)
            }));
        assert!(!call_spawned(foreign, request(addr, "/"), "foreign").await);
        assert_eq!(
            code_of(&outcomes, "foreign").await,
            (
                Code::Unknown,
                "something foreign".to_owned(),
                StatusSource::Failure
            )
        );
    });
}
