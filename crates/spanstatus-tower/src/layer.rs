//! The two layers, their service and its response future.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{Request, Response};
use pin_project_lite::pin_project;
use spanstatus_core::{Code, HasCode, Status};
use spanstatus_tracing::{CanonicalStatusExt, Side};
use tower_layer::Layer;
use tower_service::Service;
use tracing::Span;
use tracing::instrument::{Instrument, Instrumented};

use crate::body::StatusBody;
use crate::classify;

/// The protocol a layer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    Http,
    Grpc,
}

/// Sets the canonical status of each HTTP exchange on the span current when
/// the request enters the layer: the code of the response's status
/// (`Code::from_http_status`), a failure of the body after the headers, a
/// service error, or CANCELLED when the exchange is dropped before its end.
/// A status set by the handler stays.
///
/// ```
/// use spanstatus_tower::HttpStatusLayer;
/// use tower_layer::Layer;
///
/// # let service = tower::service_fn(|_: http::Request<()>| async {
/// #     Ok::<_, std::convert::Infallible>(http::Response::new(http_body_util::Empty::<bytes::Bytes>::new()))
/// # });
/// let service = HttpStatusLayer::server().layer(service);
/// # drop(service);
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use = "a layer does nothing until it wraps a service"]
pub struct HttpStatusLayer {
    side: Side,
    own_span: bool,
}

impl HttpStatusLayer {
    /// For a server: a 4xx stays `Unset` in OpenTelemetry.
    pub const fn server() -> Self {
        HttpStatusLayer {
            side: Side::Server,
            own_span: false,
        }
    }

    /// For a client: a 4xx is an error in OpenTelemetry.
    pub const fn client() -> Self {
        HttpStatusLayer {
            side: Side::Client,
            own_span: false,
        }
    }

    /// When no span is current at `call` (no `TraceLayer` outside), make
    /// one per request: `HTTP request`, INFO, with `otel.kind`,
    /// `otel.name` = the method, `http.request.method` and `url.path`.
    pub const fn with_own_span(self) -> Self {
        HttpStatusLayer {
            own_span: true,
            ..self
        }
    }
}

/// Sets the canonical status of each gRPC call on the span current when the
/// request enters the layer: `grpc-status` and `grpc-message` from the
/// headers (Trailers-Only) or from the trailers at the end of the body, so
/// the status is final only when the body is done; a broken peer's reply
/// (no `grpc-status`, an invalid one, a non-200 page) by gRPC's rules; a
/// reset stream by its HTTP/2 code; CANCELLED when the call is dropped
/// before its end. A status set by the handler stays.
#[derive(Clone, Copy, Debug)]
#[must_use = "a layer does nothing until it wraps a service"]
pub struct GrpcStatusLayer {
    side: Side,
    own_span: bool,
}

impl GrpcStatusLayer {
    /// For a server: only the six server-error codes are OpenTelemetry errors.
    pub const fn server() -> Self {
        GrpcStatusLayer {
            side: Side::Server,
            own_span: false,
        }
    }

    /// For a client: every non-OK code is an OpenTelemetry error.
    pub const fn client() -> Self {
        GrpcStatusLayer {
            side: Side::Client,
            own_span: false,
        }
    }

    /// When no span is current at `call`, make one per call: `gRPC call`,
    /// INFO, with `otel.kind`, `otel.name` = the path
    /// (`/package.Service/Method`), `rpc.system = "grpc"` and `url.path`.
    pub const fn with_own_span(self) -> Self {
        GrpcStatusLayer {
            own_span: true,
            ..self
        }
    }
}

impl<S> Layer<S> for HttpStatusLayer {
    type Service = StatusService<S>;

    fn layer(&self, inner: S) -> StatusService<S> {
        StatusService {
            inner,
            side: self.side,
            protocol: Protocol::Http,
            own_span: self.own_span,
        }
    }
}

impl<S> Layer<S> for GrpcStatusLayer {
    type Service = StatusService<S>;

    fn layer(&self, inner: S) -> StatusService<S> {
        StatusService {
            inner,
            side: self.side,
            protocol: Protocol::Grpc,
            own_span: self.own_span,
        }
    }
}

/// The service of [`HttpStatusLayer`] and [`GrpcStatusLayer`]. Each call
/// holds its own span: clones never share one request's span.
#[derive(Clone, Debug)]
pub struct StatusService<S> {
    inner: S,
    side: Side,
    protocol: Protocol,
    own_span: bool,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for StatusService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: HasCode + Display,
    ResBody: http_body::Body,
    ResBody::Error: HasCode + Display,
{
    type Response = Response<StatusBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The span of this call: the one current now, not when the response
        // future is polled.
        let mut span = Span::current();
        // Our own span, when asked and there is none: the inner service runs
        // in it. A span that is current already is the caller's to enter.
        let mut entered_by_us = Span::none();
        if self.own_span && span.is_none() {
            span = own_span(self.protocol, self.side, &request);
            entered_by_us = span.clone();
        }
        let head = request.method() == http::Method::HEAD;
        let inner = entered_by_us.in_scope(|| self.inner.call(request));
        ResponseFuture {
            inner: inner.instrument(entered_by_us),
            exchange: Some(Exchange {
                span,
                side: self.side,
                protocol: self.protocol,
                head,
            }),
        }
    }
}

/// The span of [`HttpStatusLayer::with_own_span`] and
/// [`GrpcStatusLayer::with_own_span`].
fn own_span<B>(protocol: Protocol, side: Side, request: &Request<B>) -> Span {
    let kind = match side {
        Side::Server => "server",
        Side::Client => "client",
    };
    let path = request.uri().path();
    match protocol {
        Protocol::Http => {
            let method = request.method().as_str();
            tracing::info_span!(
                "HTTP request",
                otel.kind = kind,
                otel.name = method,
                http.request.method = method,
                url.path = path
            )
        }
        Protocol::Grpc => tracing::info_span!(
            "gRPC call",
            otel.kind = kind,
            otel.name = path,
            rpc.system = "grpc",
            url.path = path
        ),
    }
}

/// One exchange's span, side and protocol; what records the outcome.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) span: Span,
    pub(crate) side: Side,
    pub(crate) protocol: Protocol,
    /// A HEAD request: its response has no body.
    pub(crate) head: bool,
}

impl Exchange {
    /// A failure with no (more) response: the error's status.
    pub(crate) fn fail(&self, status: Status) {
        match self.protocol {
            Protocol::Http => {
                let error_type = classify::http_error_type(status.code());
                self.span.record_http_failure(self.side, error_type, status);
            }
            Protocol::Grpc => self.span.record_grpc_status(self.side, status),
        }
    }

    /// The exchange was dropped before its end.
    pub(crate) fn cancel(&self, what: &'static str) {
        self.fail(Status::new(Code::Cancelled, what));
    }
}

pin_project! {
    /// The response future of [`StatusService`].
    pub struct ResponseFuture<F> {
        #[pin]
        inner: Instrumented<F>,
        exchange: Option<Exchange>,
    }

    impl<F> PinnedDrop for ResponseFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            // Dropped before the response: the client went away, or a
            // timeout outside this layer gave up on it.
            if let Some(exchange) = this.project().exchange.take() {
                if !std::thread::panicking() {
                    exchange.cancel("the exchange was dropped before its response");
                }
            }
        }
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("exchange", &self.exchange)
            .finish_non_exhaustive()
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    E: HasCode + Display,
    ResBody: http_body::Body,
    ResBody::Error: HasCode + Display,
{
    type Output = Result<Response<StatusBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        let exchange = this
            .exchange
            .take()
            .expect("ResponseFuture polled after completion");
        Poll::Ready(match result {
            Ok(response) => Ok(StatusBody::wrap(response, exchange)),
            Err(error) => {
                exchange.fail(classify::error_status(&error));
                Err(error)
            }
        })
    }
}
