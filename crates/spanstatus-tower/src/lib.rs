//! Tower layers that set the canonical status of every HTTP and gRPC
//! exchange, server and client, on the span the request runs in: the
//! response's status, gRPC trailers at the end of a stream, errors after the
//! headers, broken peers, and CANCELLED when a client goes away or a caller
//! drops the exchange. The status reaches fmt, OpenTelemetry and Sentry
//! through `spanstatus-tracing` and the exporter bridges.
//!
//! ```
//! use spanstatus_tower::{GrpcStatusLayer, HttpStatusLayer};
//! use tower_layer::Layer;
//!
//! # let service = tower::service_fn(|_: http::Request<()>| async {
//! #     Ok::<_, std::convert::Infallible>(http::Response::new(http_body_util::Empty::<bytes::Bytes>::new()))
//! # });
//! // Inside the layer that makes the request's span (tower-http's
//! // `TraceLayer`, your own): the status goes on the span current at `call`.
//! let http_server = HttpStatusLayer::server().layer(service);
//! # drop(http_server);
//! let _grpc_client = GrpcStatusLayer::client();
//! ```
//!
//! # What each layer records
//!
//! Each piece of traffic becomes one [`Exchange`] on the span (its
//! constructors hold the rules below, in `spanstatus-tracing`), which every
//! backend reads; this crate depends on no exporter.
//!
//! | | HTTP | gRPC |
//! |---|---|---|
//! | response headers | `Code::from_http_status`, except 408: DEADLINE_EXCEEDED (on a server, a failure with `error.type` `timeout`: tower-http's timeout) | `grpc-status` in the headers (Trailers-Only); a non-200 without it: gRPC's HTTP table (`grpc::code_from_http_response`) |
//! | end of the body | — | `grpc-status` and `grpc-message` in the trailers; none: INTERNAL |
//! | a service error, a body error | the error's code (by its type: `Status::from_any_error`), `error.type` `timeout` / `cancelled` / `_OTHER` | the error's code (a reset stream: its HTTP/2 code) |
//! | a panic in `call`, a poll, the body | UNKNOWN `panicked: …`, `error.type` `panic` | the same |
//! | dropped before the end | CANCELLED, unless the headers already said it failed | CANCELLED |
//!
//! Each layer puts the status on the span current at `call`. When there is
//! none, `.with_own_span()` makes a span per request; without it, the layer
//! takes the span current when its future is first polled (tonic's
//! `Server::trace_fn` enters its span only then).
//!
//! A status the handler set by code (`span.set_canonical_status(..)`) is
//! never replaced by traffic; the traffic's side and HTTP status are still
//! recorded. A service, handler or body that panics ends the span UNKNOWN
//! (`error.type` `panic`), and the panic goes on unwinding.
//!
//! Services and bodies are wrapped as they are: their error only needs
//! `Display + 'static` ([`ServiceError`]), so hyper-util's legacy `Client`, a
//! tonic `Channel` and a `BoxError` service need no `map_err`; the code is
//! read by the error's type.
//!
//! ```
//! # #[cfg(feature = "tower-http")] {
//! use spanstatus_tower::{HttpStatusLayer, trace};
//! use tower::ServiceBuilder;
//!
//! # let client = tower::service_fn(|_: http::Request<String>| async {
//! #     Ok::<_, std::io::Error>(http::Response::new(String::new()))
//! # });
//! // A ready TraceLayer makes the span, the status layer sets its status.
//! let client = ServiceBuilder::new()
//!     .layer(trace::http_client())
//!     .layer(HttpStatusLayer::client())
//!     .service(client);
//! # drop(client);
//! # }
//! ```
//!
//! # Features
//!
//! `tower`, `hyper`, `hyper-util`, `h2`, `tokio`, `tonic`: recognise those
//! crates' errors (a tower timeout, a hyper cancellation, a refused
//! connection inside hyper-util's client error, a tonic `Channel`'s timeout,
//! an HTTP/2 reset) as a service's or a body's error, or wrapped in one.
//! `tower-http`: [`trace`], the ready `TraceLayer`s of tower-http 0.7, and
//! [`spans::MakeSpan`] as its `MakeSpan`; `tower-http-06`: the latter for
//! tower-http 0.6.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
mod classify;
mod error;
mod hook;
mod layer;
mod record;
pub mod spans;
#[cfg(feature = "tower-http")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-http")))]
pub mod trace;

pub use body::StatusBody;
pub use error::ServiceError;
pub use hook::Classify;
pub use layer::{GrpcStatusLayer, HttpStatusLayer, ResponseFuture, StatusService};
pub use spanstatus_tracing::{Exchange, Protocol, Side, StatusSource};

// The README's Rust snippets compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
