//! [`Recorder`]: one call's span, side and protocol, and what turns each
//! piece of its traffic into an [`Exchange`] on that span. Shared by the
//! response future and the body.

use http::{HeaderMap, StatusCode};
use spanstatus_core::{Code, Status};
use spanstatus_tracing::{Exchange, ExchangeExt, Protocol, Side};
use tracing::Span;

use crate::classify::{self, Deadline};
use crate::error::ServiceError;
use crate::hook::Hook;

/// What records one exchange's outcome on its span.
#[derive(Debug)]
pub(crate) struct Recorder {
    pub(crate) span: Span,
    side: Side,
    protocol: Protocol,
    /// A HEAD request: its response has no body.
    pub(crate) head: bool,
    /// gRPC: when the request's `grpc-timeout` runs out.
    deadline: Option<Deadline>,
    hook: Option<Hook>,
}

impl Recorder {
    pub(crate) fn new(
        span: Span,
        side: Side,
        protocol: Protocol,
        head: bool,
        deadline: Option<Deadline>,
        hook: Option<Hook>,
    ) -> Recorder {
        Recorder {
            span,
            side,
            protocol,
            head,
            deadline,
            hook,
        }
    }

    /// What a response's headers say; `true` while a gRPC status is still
    /// awaited in the trailers.
    pub(crate) fn headers(&self, http_status: StatusCode, headers: &HeaderMap) -> bool {
        let n = http_status.as_u16();
        let exchange = match self.protocol {
            Protocol::Grpc => match classify::grpc_status(self.side, headers) {
                // Trailers-Only: the headers carry the status.
                Some(exchange) => exchange.with_http_status(n),
                None if n != 200 => Exchange::grpc_without_status(self.side, n),
                None => return true,
            },
            _ => Exchange::http_response(self.side, n),
        };
        self.record(self.classify(exchange, headers));
        false
    }

    /// A gRPC response's trailers: the status at the end of the stream.
    pub(crate) fn trailers(&self, http_status: StatusCode, trailers: &HeaderMap) {
        let n = http_status.as_u16();
        let exchange = match classify::grpc_status(self.side, trailers) {
            Some(exchange) => exchange.with_http_status(n),
            None => Exchange::grpc_without_status(self.side, n),
        };
        self.record(self.classify(exchange, trailers));
    }

    /// A gRPC stream that ended with no `grpc-status` anywhere.
    pub(crate) fn missing_status(&self, http_status: StatusCode) {
        self.record(Exchange::grpc_without_status(
            self.side,
            http_status.as_u16(),
        ));
    }

    /// A service's or a body's error: no (more) response.
    pub(crate) fn fail<E: ServiceError>(&self, error: &E) {
        let status = Status::from_any_error(error);
        self.record(Exchange::failure(self.side, self.protocol, status));
    }

    /// Runs `f` (the service's `call`, a poll of its future or of the
    /// body); when it panics, records the panic on the exchange and goes on
    /// unwinding. The drop paths then do nothing (the thread is panicking),
    /// and the span refuses every later record: a panic is final.
    pub(crate) fn catch_panic<T>(&self, f: impl FnOnce() -> T) -> T {
        spanstatus_tracing::__private::catch_panic(f, |payload| {
            self.record(Exchange::panicked(self.side, self.protocol, payload));
        })
    }

    /// The exchange was dropped before its end: the caller's choice, unless
    /// a gRPC call's deadline had passed (an HTTP exchange has none).
    pub(crate) fn dropped(&self, what: &'static str) {
        let status = Status::new(Code::Cancelled, what);
        self.record(Exchange::dropped(self.side, self.protocol, status));
    }

    fn record(&self, exchange: Exchange) {
        let exchange = match &self.deadline {
            Some(deadline) => deadline.judge(exchange),
            None => exchange,
        };
        self.span.record_exchange(exchange);
    }

    fn classify(&self, exchange: Exchange, headers: &HeaderMap) -> Exchange {
        match &self.hook {
            Some(hook) => hook.apply(exchange, headers),
            None => exchange,
        }
    }
}
