//! tower-http's `TraceLayer`, ready for each span kind (feature
//! `tower-http`, tower-http 0.7): the span from [`spans`], and
//! nothing else per request. The status layer inside it sets the status.
//!
//! ```
//! use spanstatus_tower::{HttpStatusLayer, trace};
//! use tower::ServiceBuilder;
//!
//! # let handler = tower::service_fn(|_: http::Request<String>| async {
//! #     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
//! # });
//! let service = ServiceBuilder::new()
//!     .layer(trace::http_server())
//!     .layer(HttpStatusLayer::server())
//!     .service(handler);
//! # drop(service);
//! ```
//!
//! What the ready layers leave out of `TraceLayer::new_for_http()` /
//! `new_for_grpc()`, and why:
//!
//! - **no DEBUG event per request and per response** (`on_request`,
//!   `on_response`): tracing-opentelemetry turns each into a span event, two
//!   per request, which cost more than the span's status and say less than
//!   its attributes;
//! - **no ERROR event per failure** (`on_failure`): the status is the span's
//!   (an ERROR event would also make tracing-opentelemetry mark a server's
//!   NOT_FOUND an error, and Sentry open an issue for every failed request);
//! - **no classification** ([`Unclassified`]): the status layer reads every
//!   response, its trailers and errors itself; tower-http's classifier would
//!   read them a second time for nobody.
//!
//! For events of your own, `trace::http_server().on_response(DefaultOnResponse::new())`
//! adds one per response; but with [`Unclassified`], an added `on_eos` or
//! `on_failure` never sees a failure (every response is a success to it, a
//! service error aside). For those, build the `TraceLayer` yourself:
//! `TraceLayer::new_for_http().make_span_with(spans::HTTP_SERVER).on_failure(())`.

use std::fmt;

use http::{HeaderMap, Request, Response};
use tower_http::classify::{ClassifiedResponse, ClassifyEos, ClassifyResponse, MakeClassifier};
use tower_http::trace::TraceLayer;

use crate::spans::{self, MakeSpan};

/// The `TraceLayer` the functions of this module return: the span of
/// [`spans`], no classification, no events.
pub type StatusTraceLayer = TraceLayer<Unclassified, MakeSpan, (), (), (), (), ()>;

/// `TraceLayer` for an HTTP server: [`spans::HTTP_SERVER`].
pub fn http_server() -> StatusTraceLayer {
    ready(spans::HTTP_SERVER)
}

/// `TraceLayer` for an HTTP client: [`spans::HTTP_CLIENT`].
pub fn http_client() -> StatusTraceLayer {
    ready(spans::HTTP_CLIENT)
}

/// `TraceLayer` for a gRPC server: [`spans::GRPC_SERVER`].
pub fn grpc_server() -> StatusTraceLayer {
    ready(spans::GRPC_SERVER)
}

/// `TraceLayer` for a gRPC client: [`spans::GRPC_CLIENT`].
pub fn grpc_client() -> StatusTraceLayer {
    ready(spans::GRPC_CLIENT)
}

fn ready(make_span: MakeSpan) -> StatusTraceLayer {
    TraceLayer::new(Unclassified)
        .make_span_with(make_span)
        .on_request(())
        .on_response(())
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

/// tower-http's classification, left out: every response is a success to
/// `TraceLayer`, whose callbacks are off. The status layer inside classifies
/// the exchange, for every backend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unclassified;

/// The failure class `TraceLayer` never sees from [`Unclassified`], except
/// for a service error (its `on_failure` is off in the ready layers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeftToStatusLayer;

impl fmt::Display for LeftToStatusLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the status layer classifies this exchange")
    }
}

impl MakeClassifier for Unclassified {
    type Classifier = Unclassified;
    type FailureClass = LeftToStatusLayer;
    type ClassifyEos = Unclassified;

    fn make_classifier<B>(&self, _: &Request<B>) -> Unclassified {
        Unclassified
    }
}

impl ClassifyResponse for Unclassified {
    type FailureClass = LeftToStatusLayer;
    type ClassifyEos = Unclassified;

    fn classify_response<B>(self, _: &Response<B>) -> ClassifiedResponse<LeftToStatusLayer, Self> {
        ClassifiedResponse::Ready(Ok(()))
    }

    fn classify_error<E: fmt::Display + 'static>(self, _: &E) -> LeftToStatusLayer {
        LeftToStatusLayer
    }
}

impl ClassifyEos for Unclassified {
    type FailureClass = LeftToStatusLayer;

    fn classify_eos(self, _: Option<&HeaderMap>) -> Result<(), LeftToStatusLayer> {
        Ok(())
    }

    fn classify_error<E: fmt::Display + 'static>(self, _: &E) -> LeftToStatusLayer {
        LeftToStatusLayer
    }
}
