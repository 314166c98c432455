//! Spans for exchanges, with what the exporters need declared up front:
//! `otel.kind` (the kind of a span cannot change once it is entered) and the
//! field that types the span for the semantic conventions. What
//! `.with_own_span()` makes, and what tower-http's `TraceLayer` can make:
//!
//! ```
//! # #[cfg(feature = "tower-http")] {
//! use spanstatus_tower::{HttpStatusLayer, spans};
//! use tower::ServiceBuilder;
//! use tower_http::trace::TraceLayer;
//!
//! # let handler = tower::service_fn(|_: http::Request<String>| async {
//! #     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
//! # });
//! let service = ServiceBuilder::new()
//!     .layer(
//!         TraceLayer::new_for_http()
//!             .make_span_with(spans::HTTP_SERVER)
//!             // The status layer sets the status: no ERROR event per failure.
//!             .on_failure(()),
//!     )
//!     .layer(HttpStatusLayer::server())
//!     .service(handler);
//! # drop(service);
//! # }
//! ```

use http::Request;
use spanstatus_tracing::Side;
use tracing::Span;
use tracing::field::Empty;

/// Makes the span of an exchange; with the feature `tower-http` (0.7) or
/// `tower-http-06` (0.6), a `tower_http::trace::MakeSpan` for
/// `TraceLayer::make_span_with`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MakeSpan {
    side: Side,
    grpc: bool,
}

/// A server's span for an HTTP request: `HTTP request`, INFO,
/// `otel.kind = "server"`, `otel.name` = the method,
/// `http.request.method`, `url.path`, and `sentry.name` and `sentry.op`
/// declared without a value: spanstatus's Sentry bridge
/// (`spanstatus::sentry::layer`) names the transaction `GET /path`, op
/// `http.server`, and OpenTelemetry gets no `sentry.*` attribute.
pub const HTTP_SERVER: MakeSpan = MakeSpan {
    side: Side::Server,
    grpc: false,
};

/// A client's span for an HTTP request: [`HTTP_SERVER`]'s fields with
/// `otel.kind = "client"` (Sentry op `http.client`).
pub const HTTP_CLIENT: MakeSpan = MakeSpan {
    side: Side::Client,
    grpc: false,
};

/// A server's span for a gRPC call: `gRPC call`, INFO,
/// `otel.kind = "server"`, `otel.name` = the path
/// (`/package.Service/Method`), `rpc.system = "grpc"`, `url.path`, and
/// `sentry.name` and `sentry.op` without a value (Sentry: the path, op
/// `grpc.server`, as for [`HTTP_SERVER`]).
pub const GRPC_SERVER: MakeSpan = MakeSpan {
    side: Side::Server,
    grpc: true,
};

/// A client's span for a gRPC call: [`GRPC_SERVER`]'s fields with
/// `otel.kind = "client"` (Sentry op `grpc.client`).
pub const GRPC_CLIENT: MakeSpan = MakeSpan {
    side: Side::Client,
    grpc: true,
};

impl MakeSpan {
    /// The span of `request`.
    pub fn make<B>(&self, request: &Request<B>) -> Span {
        if self.grpc {
            grpc(self.side, request)
        } else {
            http(self.side, request)
        }
    }
}

/// `MakeSpan` for each tower-http the features name: the trait is the same
/// in 0.6 and 0.7, the crates are two.
macro_rules! tower_http_make_span {
    ($($feature:literal => $tower_http:ident;)+) => {$(
        #[cfg(feature = $feature)]
        impl<B> $tower_http::trace::MakeSpan<B> for MakeSpan {
            fn make_span(&mut self, request: &Request<B>) -> Span {
                self.make(request)
            }
        }
    )+};
}

tower_http_make_span! {
    "tower-http" => tower_http;
    "tower-http-06" => tower_http_06;
}

const fn kind(side: Side) -> &'static str {
    match side {
        Side::Server => "server",
        Side::Client => "client",
    }
}

pub(crate) fn http<B>(side: Side, request: &Request<B>) -> Span {
    let method = request.method().as_str();
    let path = request.uri().path();
    tracing::info_span!(
        "HTTP request",
        otel.kind = kind(side),
        otel.name = method,
        http.request.method = method,
        url.path = path,
        // Declared without a value: spanstatus's Sentry bridge names the
        // transaction `GET /users/7` (as sentry-tower does) and its op
        // `http.server` from the fields above, and OpenTelemetry gets no
        // `sentry.*` attribute.
        sentry.name = Empty,
        sentry.op = Empty,
    )
}

pub(crate) fn grpc<B>(side: Side, request: &Request<B>) -> Span {
    let path = request.uri().path();
    tracing::info_span!(
        "gRPC call",
        otel.kind = kind(side),
        otel.name = path,
        rpc.system = "grpc",
        url.path = path,
        // Named by spanstatus's Sentry bridge: the path, `grpc.server`.
        sentry.name = Empty,
        sentry.op = Empty,
    )
}
