//! The two layers, their service and its response future.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use std::sync::Arc;

use http::{HeaderMap, Request, Response, StatusCode};
use pin_project_lite::pin_project;
use spanstatus_core::{Code, HasCode, Status};
use spanstatus_tracing::{CanonicalStatusExt, Side};
use tower_layer::Layer;
use tower_service::Service;
use tracing::Span;

use crate::body::StatusBody;
use crate::classify;
use crate::hook::{Classify, Hook, Traffic};

/// The protocol a layer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    Http,
    Grpc,
}

/// Writes a layer once: its type, its constructors and builder methods, and
/// its `Layer` impl; only the docs and the protocol differ.
macro_rules! status_layer {
    (
        $(#[$doc:meta])*
        $name:ident, $protocol:expr,
        server: $server:literal, client: $client:literal, own_span: $own_span:literal,
        classify: $classify:literal $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        #[must_use = "a layer does nothing until it wraps a service"]
        pub struct $name {
            config: Config,
        }

        impl $name {
            #[doc = $server]
            pub const fn server() -> Self {
                $name {
                    config: Config::new(Side::Server),
                }
            }

            #[doc = $client]
            pub const fn client() -> Self {
                $name {
                    config: Config::new(Side::Client),
                }
            }

            #[doc = $own_span]
            pub fn with_own_span(mut self) -> Self {
                self.config.own_span = true;
                self
            }

            #[doc = $classify]
            pub fn classify_with(mut self, classifier: impl Classify) -> Self {
                self.config.hook = Some(Hook(Arc::new(classifier)));
                self
            }
        }

        impl<S> Layer<S> for $name {
            type Service = StatusService<S>;

            fn layer(&self, inner: S) -> StatusService<S> {
                StatusService {
                    inner,
                    config: self.config.clone(),
                    protocol: $protocol,
                }
            }
        }
    };
}

status_layer! {
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
    HttpStatusLayer, Protocol::Http,
    server: "For a server: a 4xx stays `Unset` in OpenTelemetry.",
    client: "For a client: a 4xx is an error in OpenTelemetry.",
    own_span: "When no span is current at `call` (no `TraceLayer` outside), make one per \
        request: [`spans::HTTP_SERVER`](crate::spans::HTTP_SERVER)'s or `HTTP_CLIENT`'s.",
    classify: "Your rules for a response's status where they differ from \
        `Code::from_http_status` ([`Classify`]).",
}

status_layer! {
    /// Sets the canonical status of each gRPC call on the span current when the
    /// request enters the layer: `grpc-status` and `grpc-message` from the
    /// headers (Trailers-Only) or from the trailers at the end of the body, so
    /// the status is final only when the body is done; a broken peer's reply
    /// (no `grpc-status`, an invalid one, a non-200 page) by gRPC's rules; a
    /// reset stream by its HTTP/2 code; CANCELLED when the call is dropped
    /// before its end, DEADLINE_EXCEEDED when that happens once the
    /// request's `grpc-timeout` has passed (or within 10 ms of it: whoever
    /// enforces it started its clock first). A status set by the handler stays.
    ///
    /// ```
    /// use spanstatus_tower::GrpcStatusLayer;
    ///
    /// let server = GrpcStatusLayer::server();
    /// let client = GrpcStatusLayer::client();
    /// # drop((server, client));
    /// ```
    GrpcStatusLayer, Protocol::Grpc,
    server: "For a server: only the six server-error codes are OpenTelemetry errors.",
    client: "For a client: every non-OK code is an OpenTelemetry error, except a call its \
        caller dropped (CANCELLED, `Unset`).",
    own_span: "When no span is current at `call`, make one per call: \
        [`spans::GRPC_SERVER`](crate::spans::GRPC_SERVER)'s or `GRPC_CLIENT`'s.",
    classify: "Your rules for a call's status where they differ from its `grpc-status` \
        ([`Classify`]).",
}

/// What both layers are configured with.
#[derive(Clone, Debug)]
struct Config {
    side: Side,
    own_span: bool,
    hook: Option<Hook>,
}

impl Config {
    const fn new(side: Side) -> Config {
        Config {
            side,
            own_span: false,
            hook: None,
        }
    }
}

/// The service of [`HttpStatusLayer`] and [`GrpcStatusLayer`]. Each call
/// holds its own span: clones never share one request's span.
#[derive(Clone, Debug)]
pub struct StatusService<S> {
    inner: S,
    config: Config,
    protocol: Protocol,
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
        // future is polled (unless there is none now).
        let mut span = Span::current();
        // Our own span, when asked and there is none: the inner service runs
        // in it. A span that is current already is the caller's to enter.
        let side = self.config.side;
        let own_span = self.config.own_span && span.is_none();
        if own_span {
            span = match self.protocol {
                Protocol::Http => crate::spans::http(side, &request),
                Protocol::Grpc => crate::spans::grpc(side, &request),
            };
        }
        let head = request.method() == http::Method::HEAD;
        let deadline = match self.protocol {
            Protocol::Grpc => classify::grpc_deadline(request.headers()),
            Protocol::Http => None,
        };
        let inner = if own_span {
            span.in_scope(|| self.inner.call(request))
        } else {
            self.inner.call(request)
        };
        ResponseFuture {
            inner,
            own_span,
            exchange: Some(Exchange {
                span,
                side,
                protocol: self.protocol,
                head,
                deadline,
                hook: self.config.hook.clone(),
                #[cfg(feature = "sentry")]
                sentry: None,
                #[cfg(feature = "sentry")]
                sentry_looked: false,
            }),
        }
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
    /// gRPC: when the request's `grpc-timeout` runs out.
    deadline: Option<classify::Deadline>,
    hook: Option<Hook>,
    /// The Sentry span current when the future is first polled: sentry-tower
    /// starts its transaction then, after `call`. Boxed: the exchange is
    /// moved several times per request, and each byte of it costs.
    #[cfg(feature = "sentry")]
    sentry: Option<Box<sentry_core::TransactionOrSpan>>,
    /// The Sentry span has been looked for.
    #[cfg(feature = "sentry")]
    sentry_looked: bool,
}

impl Exchange {
    /// What a response's headers say; `true` while a gRPC status is still
    /// awaited in the trailers.
    pub(crate) fn headers(&self, http_status: StatusCode, headers: &HeaderMap) -> bool {
        let n = http_status.as_u16();
        match self.protocol {
            Protocol::Http => {
                let status = self.classify(http_status, headers, classify::http_status(n));
                self.mirror_to_sentry(&status);
                if classify::is_server_timeout(self.side, n, &status) {
                    // tower-http's `TimeoutLayer` answers 408 for a handler
                    // that ran out of time: the server's failure, not a 4xx
                    // of the client's. The number stays recorded.
                    self.span.record_http_response(self.side, n, status.clone());
                    self.span.record_http_failure(self.side, "timeout", status);
                } else {
                    self.span.record_http_response(self.side, n, status);
                }
            }
            Protocol::Grpc => {
                let status = match classify::grpc_status(headers) {
                    // Trailers-Only: the headers carry the status.
                    Some(status) => status,
                    None if n != 200 => classify::grpc_without_status(n),
                    None => return true,
                };
                self.grpc(self.classify(http_status, headers, status));
            }
        }
        false
    }

    /// A gRPC response's trailers: the status at the end of the stream.
    pub(crate) fn trailers(&self, http_status: StatusCode, trailers: &HeaderMap) {
        let status = classify::grpc_status(trailers).unwrap_or_else(classify::grpc_missing_status);
        self.grpc(self.classify(http_status, trailers, status));
    }

    /// A failure with no (more) response: the error's status.
    pub(crate) fn fail(&self, status: Status) {
        match self.protocol {
            Protocol::Http => self.record_failure(status),
            Protocol::Grpc => self.grpc(status),
        }
    }

    /// The exchange was dropped before its end: the caller's choice, unless
    /// a gRPC call's deadline had passed (an HTTP exchange has none).
    pub(crate) fn cancel(&self, what: &'static str) {
        self.record_failure(self.judge_deadline(Status::new(Code::Cancelled, what)));
    }

    /// An exchange that ended with no response (HTTP) or no status from its
    /// peer (gRPC): `status` with its `error.type`.
    fn record_failure(&self, status: Status) {
        let error_type = classify::failure_error_type(status.code());
        self.mirror_to_sentry(&status);
        match self.protocol {
            Protocol::Http => self.span.record_http_failure(self.side, error_type, status),
            Protocol::Grpc => self.span.record_grpc_failure(self.side, error_type, status),
        }
    }

    fn grpc(&self, status: Status) {
        let status = self.judge_deadline(status);
        self.mirror_to_sentry(&status);
        self.span.record_grpc_status(self.side, status);
    }

    fn judge_deadline(&self, status: Status) -> Status {
        match &self.deadline {
            Some(deadline) => deadline.judge(status),
            None => status,
        }
    }

    /// The span's status (a handler's own, if it set one) on the Sentry span
    /// current at the first poll too. sentry-tower's transaction sets its own status
    /// only when none is set, and finishes at the response's headers: a
    /// status from the trailers comes too late for it.
    #[cfg(feature = "sentry")]
    fn mirror_to_sentry(&self, recorded: &Status) {
        use spanstatus_sentry::CanonicalStatusExt as _;
        let Some(target) = &self.sentry else {
            return;
        };
        let status = match self.span.canonical_outcome() {
            Some(outcome) if outcome.set_by_code => outcome.status,
            _ => None,
        };
        target.record_canonical_status(status.unwrap_or_else(|| recorded.clone()));
    }

    #[cfg(not(feature = "sentry"))]
    fn mirror_to_sentry(&self, _: &Status) {}

    fn classify(&self, http_status: StatusCode, headers: &HeaderMap, status: Status) -> Status {
        let Some(hook) = &self.hook else {
            return status;
        };
        let traffic = Traffic {
            side: self.side,
            protocol: match self.protocol {
                Protocol::Http => spanstatus_tracing::Protocol::Http,
                Protocol::Grpc => spanstatus_tracing::Protocol::Grpc,
            },
            http_status,
            headers,
        };
        hook.0.classify(&traffic, status)
    }
}

pin_project! {
    /// The response future of [`StatusService`].
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        // Enter the exchange's span around each poll: it is ours.
        own_span: bool,
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
        if let Some(exchange) = this.exchange.as_mut() {
            // No span at `call`: the span the caller enters around our
            // future (tonic's `trace_fn` makes it, and enters it only when
            // polling).
            if exchange.span.is_none() {
                exchange.span = Span::current();
            }
            #[cfg(feature = "sentry")]
            if !exchange.sentry_looked {
                exchange.sentry_looked = true;
                exchange.sentry =
                    sentry_core::configure_scope(|scope| scope.get_span()).map(Box::new);
            }
        }
        let result = {
            let _entered = match this.exchange.as_ref() {
                Some(exchange) if *this.own_span => Some(exchange.span.enter()),
                _ => None,
            };
            ready!(this.inner.poll(cx))
        };
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
