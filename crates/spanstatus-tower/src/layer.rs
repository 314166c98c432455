//! The two layers, their service and its response future.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{Request, Response};
use pin_project_lite::pin_project;
use spanstatus_tracing::{Protocol, Side};
use tower_layer::Layer;
use tower_service::Service;
use tracing::Span;

use crate::body::StatusBody;
use crate::classify;
use crate::error::ServiceError;
use crate::hook::{Classify, Hook};
use crate::record::Recorder;

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
                self.config.hook = Some(Hook::new(classifier));
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
    client: "For a client: every non-OK code is an OpenTelemetry error, a call its caller \
        dropped (CANCELLED) included.",
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
    S::Error: ServiceError,
    ResBody: http_body::Body,
    ResBody::Error: ServiceError,
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
                Protocol::Grpc => crate::spans::grpc(side, &request),
                _ => crate::spans::http(side, &request),
            };
        }
        let head = request.method() == http::Method::HEAD;
        let deadline = match self.protocol {
            Protocol::Grpc => classify::grpc_deadline(request.headers()),
            _ => None,
        };
        let recorder = Recorder::new(
            span,
            side,
            self.protocol,
            head,
            deadline,
            self.config.hook.clone(),
        );
        let inner = recorder.catch_panic(|| {
            if own_span {
                recorder.span.in_scope(|| self.inner.call(request))
            } else {
                self.inner.call(request)
            }
        });
        ResponseFuture {
            inner,
            own_span,
            recorder: Some(recorder),
        }
    }
}

pin_project! {
    /// The response future of [`StatusService`].
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        // Enter the exchange's span around each poll: it is ours.
        own_span: bool,
        recorder: Option<Recorder>,
    }

    impl<F> PinnedDrop for ResponseFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            // Dropped before the response: the client went away, or a
            // timeout outside this layer gave up on it.
            if let Some(recorder) = this.project().recorder.take() {
                if !std::thread::panicking() {
                    recorder.dropped("the exchange was dropped before its response");
                }
            }
        }
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("recorder", &self.recorder)
            .finish_non_exhaustive()
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    E: ServiceError,
    ResBody: http_body::Body,
    ResBody::Error: ServiceError,
{
    type Output = Result<Response<StatusBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(recorder) = this.recorder.as_mut() {
            // No span at `call`: the span the caller enters around our
            // future (tonic's `trace_fn` makes it, and enters it only when
            // polling).
            if recorder.span.is_none() {
                recorder.span = Span::current();
            }
        }
        let Some(recorder) = this.recorder.as_ref() else {
            panic!("ResponseFuture polled after completion");
        };
        let result = {
            let _entered = this.own_span.then(|| recorder.span.enter());
            let inner = this.inner;
            ready!(recorder.catch_panic(|| inner.poll(cx)))
        };
        let recorder = this.recorder.take().expect("the recorder was there");
        Poll::Ready(match result {
            Ok(response) => Ok(StatusBody::wrap(response, recorder)),
            Err(error) => {
                recorder.fail(&error);
                Err(error)
            }
        })
    }
}
