//! [`Exchange`]: what one HTTP or gRPC exchange says about its span's
//! status, built by every adapter (the tower layers, yours) and read by every
//! backend. Every rule that turns traffic into a status lives here, in the
//! constructors.

use std::borrow::Cow;

use spanstatus_core::{Code, Status, grpc};
use tracing::Span;

use crate::slot;

/// The side of an exchange a span records: what OpenTelemetry calls the span
/// kind, for the kinds whose status rules differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The span sent the request and got (or missed) the response.
    Client,
    /// The span handled a request.
    Server,
}

/// The protocol of an exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// gRPC: `grpc-status` and `grpc-message`, or a `tonic::Status`.
    Grpc,
    /// HTTP: a response's status code, or an exchange that got no response.
    Http,
}

/// Where the status of an [`Exchange`] came from: what a backend needs to
/// apply the right rule (OpenTelemetry's HTTP rules apply to a status read
/// from the response's number, not to one your classifier or your handler
/// chose).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusSource {
    /// The response, by the protocol's table: an HTTP status's code
    /// ([`Code::from_http_status`]), a gRPC peer's `grpc-status`.
    Response,
    /// A rule for a response the table gets wrong or does not cover: a 408
    /// (a timeout), a gRPC peer that broke the protocol (no `grpc-status`, an
    /// invalid one, a non-200 page without one).
    Rule,
    /// A classifier hook chose it (the tower layers' `classify_with`).
    Classifier,
    /// No (whole) response, or no status from the peer: a service error, a
    /// body that failed, a reset stream.
    Failure,
    /// The exchange was dropped before its end: the caller gave up, or the
    /// client went away (CANCELLED, or DEADLINE_EXCEEDED past a gRPC
    /// deadline).
    Dropped,
    /// The service or handler panicked (UNKNOWN, `error.type = "panic"`);
    /// the panic went on unwinding. Beats every other status, one set by
    /// code included: the work did not finish.
    Panic,
    /// The application set it on the span by code (a handler's own status,
    /// `set_canonical_status`): traffic never replaces it. Only a record read
    /// back has this source.
    Application,
}

/// The record of one HTTP or gRPC exchange: its side, protocol, the HTTP
/// status when there was a response, the failure's `error.type` when there
/// was no (whole) response, the canonical status and where it came from.
///
/// Built with the constructors, which hold the rules (the 408 rule, the
/// broken-peer rules, a failure's `error.type`), and recorded on the
/// exchange's span with [`ExchangeExt::record_exchange`]. Backends read it
/// back with [`exchange_of`](crate::exchange_of) (or [`ExchangeExt::exchange`]); none re-derives
/// it.
///
/// ```
/// use spanstatus_tracing::{Code, Exchange, Side, StatusSource};
///
/// let exchange = Exchange::http_response(Side::Server, 503);
/// assert_eq!(exchange.status().code(), Code::Unavailable);
/// assert_eq!(exchange.source(), StatusSource::Response);
/// assert_eq!(exchange.http_status(), Some(503));
///
/// // A server's 408 is its own timeout (tower-http's `TimeoutLayer`).
/// let timeout = Exchange::http_response(Side::Server, 408);
/// assert_eq!(timeout.status().code(), Code::DeadlineExceeded);
/// assert_eq!(timeout.error_type(), Some("timeout"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exchange {
    // Private fields and `with_*` builders: the request's facts (method,
    // route, scheme, server address and port, RPC method) can join the
    // record without a breaking change.
    side: Side,
    protocol: Protocol,
    status: Status,
    source: StatusSource,
    http_status: Option<u16>,
    error_type: Option<Cow<'static, str>>,
}

/// OpenTelemetry's `error.type` for a failure with no response (HTTP) or no
/// status from the peer (gRPC): `timeout` for DEADLINE_EXCEEDED, `cancelled`
/// for CANCELLED, `_OTHER` otherwise ([recording errors]).
///
/// [recording errors]: https://opentelemetry.io/docs/specs/semconv/general/recording-errors/
const fn failure_error_type(code: Code) -> &'static str {
    match code {
        Code::DeadlineExceeded => "timeout",
        Code::Cancelled => "cancelled",
        _ => "_OTHER",
    }
}

impl Exchange {
    fn new(side: Side, protocol: Protocol, status: Status, source: StatusSource) -> Exchange {
        Exchange {
            side,
            protocol,
            status,
            source,
            http_status: None,
            error_type: None,
        }
    }

    /// An HTTP response with status `http_status`: its code by
    /// [`Code::from_http_status`], no message (the number says it all).
    ///
    /// Except 408 Request Timeout: DEADLINE_EXCEEDED (the table's
    /// INVALID_ARGUMENT would be wrong), what tower-http's `TimeoutLayer`
    /// answers for a handler that ran out of time. On a server that is the
    /// server's own failure, with `error.type = "timeout"`; on a client, a
    /// 4xx like any other for OpenTelemetry.
    pub fn http_response(side: Side, http_status: u16) -> Exchange {
        let exchange = match http_status {
            408 => Exchange::new(
                side,
                Protocol::Http,
                Status::from_code(Code::DeadlineExceeded),
                StatusSource::Rule,
            ),
            _ => Exchange::new(
                side,
                Protocol::Http,
                Status::from_code(Code::from_http_status(http_status)),
                StatusSource::Response,
            ),
        };
        let exchange = exchange.with_http_status(http_status);
        match (http_status, side) {
            (408, Side::Server) => exchange.with_error_type("timeout"),
            _ => exchange,
        }
    }

    /// A gRPC status the peer sent (`grpc-status` and `grpc-message`, a
    /// `tonic::Status`).
    pub fn grpc_status(side: Side, status: impl Into<Status>) -> Exchange {
        Exchange::new(side, Protocol::Grpc, status.into(), StatusSource::Response)
    }

    /// A gRPC status from its header values (the headers of a Trailers-Only
    /// reply, or the trailers): `grpc-status` parsed strictly, `grpc-message`
    /// percent-decoded. A `grpc-status` that is not `0`..`16` (`17`, `-1`,
    /// `abc`) is UNKNOWN with the raw value in the message, a broken peer
    /// ([`StatusSource::Rule`]).
    ///
    /// ```
    /// use spanstatus_tracing::{Code, Exchange, Side, StatusSource};
    ///
    /// let found = Exchange::grpc_status_header(Side::Client, b"5", Some(b"no%20user"));
    /// assert_eq!(found.status().to_string(), "NOT_FOUND: no user");
    /// let broken = Exchange::grpc_status_header(Side::Client, b"17", None);
    /// assert_eq!(broken.status().code(), Code::Unknown);
    /// assert_eq!(broken.source(), StatusSource::Rule);
    /// ```
    pub fn grpc_status_header(
        side: Side,
        grpc_status: &[u8],
        grpc_message: Option<&[u8]>,
    ) -> Exchange {
        match grpc::parse_status_header(grpc_status) {
            Ok(code) => {
                let message = grpc_message
                    .map(|m| grpc::decode_message(m).into_owned())
                    .unwrap_or_default();
                Exchange::grpc_status(side, Status::new(code, message))
            }
            Err(invalid) => Exchange::new(
                side,
                Protocol::Grpc,
                invalid.to_status(),
                StatusSource::Rule,
            ),
        }
    }

    /// A gRPC reply that has no `grpc-status` at all, a broken peer
    /// ([`StatusSource::Rule`]), never OK: a non-200 response (a proxy's
    /// error page) gets gRPC's HTTP table
    /// ([`grpc::code_from_http_response`]: 503 is UNAVAILABLE), a 200 whose
    /// stream ended without it is INTERNAL, as grpc-go reports a server that
    /// closed the stream without trailers. `http_status` is recorded.
    ///
    /// ```
    /// use spanstatus_tracing::{Code, Exchange, Side};
    ///
    /// let page = Exchange::grpc_without_status(Side::Client, 503);
    /// assert_eq!(page.status().to_string(), "UNAVAILABLE: HTTP 503 without grpc-status");
    /// let cut = Exchange::grpc_without_status(Side::Client, 200);
    /// assert_eq!(cut.status().code(), Code::Internal);
    /// ```
    pub fn grpc_without_status(side: Side, http_status: u16) -> Exchange {
        let status = match http_status {
            200 => Status::new(
                Code::Internal,
                "the stream ended without grpc-status in its trailers",
            ),
            _ => Status::new(
                grpc::code_from_http_response(http_status),
                format!("HTTP {http_status} without grpc-status"),
            ),
        };
        Exchange::new(side, Protocol::Grpc, status, StatusSource::Rule)
            .with_http_status(http_status)
    }

    /// An exchange that failed with no (whole) response (HTTP) or no status
    /// from its peer (gRPC): `status` is the error's (a timeout:
    /// DEADLINE_EXCEEDED, a reset stream: its HTTP/2 code), and `error.type`
    /// is `timeout`, `cancelled` or `_OTHER` by its code;
    /// [`with_error_type`](Self::with_error_type) names it otherwise.
    pub fn failure(side: Side, protocol: Protocol, status: impl Into<Status>) -> Exchange {
        let status = status.into();
        let error_type = failure_error_type(status.code());
        Exchange::new(side, protocol, status, StatusSource::Failure).with_error_type(error_type)
    }

    /// An exchange dropped before its end, with `status` (CANCELLED, or
    /// DEADLINE_EXCEEDED when a deadline had passed) and its `error.type`
    /// (`cancelled`, `timeout`): the caller gave up, or the client went
    /// away.
    pub fn dropped(side: Side, protocol: Protocol, status: impl Into<Status>) -> Exchange {
        Exchange {
            source: StatusSource::Dropped,
            ..Exchange::failure(side, protocol, status)
        }
    }

    /// An exchange whose service or handler panicked, with the panic's
    /// `payload`: UNKNOWN ([`Status::from_panic`]: `panicked: <payload>`),
    /// `error.type = "panic"`, source [`StatusSource::Panic`].
    ///
    /// ```
    /// use spanstatus_tracing::{Code, Exchange, Protocol, Side, StatusSource};
    ///
    /// let payload: Box<dyn std::any::Any + Send> = Box::new("no row 7");
    /// let exchange = Exchange::panicked(Side::Server, Protocol::Grpc, &*payload);
    /// assert_eq!(exchange.status().code(), Code::Unknown);
    /// assert_eq!(exchange.status().message(), "panicked: no row 7");
    /// assert_eq!((exchange.source(), exchange.error_type()), (StatusSource::Panic, Some("panic")));
    /// ```
    pub fn panicked(
        side: Side,
        protocol: Protocol,
        payload: &(dyn std::any::Any + Send),
    ) -> Exchange {
        Exchange::new(
            side,
            protocol,
            Status::from_panic(payload),
            StatusSource::Panic,
        )
        .with_error_type("panic")
    }

    /// The same exchange with the status a classifier chose
    /// ([`StatusSource::Classifier`]); the HTTP status stays recorded.
    pub fn classified(self, status: impl Into<Status>) -> Exchange {
        Exchange {
            status: status.into(),
            source: StatusSource::Classifier,
            ..self
        }
    }

    /// The same exchange after its call's deadline passed: a CANCELLED is
    /// DEADLINE_EXCEEDED, as [the gRPC protocol] encourages ("check whether
    /// the deadline has expired and fail the call with DEADLINE_EXCEEDED
    /// instead"), its message `the call's grpc-timeout passed (…)` and a
    /// failure's `error.type` `timeout`; a peer's CANCELLED becomes a
    /// [`StatusSource::Rule`]. Any other status stays.
    ///
    /// ```
    /// use spanstatus_tracing::{Code, Exchange, Protocol, Side};
    ///
    /// let dropped = Exchange::dropped(Side::Server, Protocol::Grpc, Code::Cancelled);
    /// let late = dropped.past_deadline();
    /// assert_eq!(late.status().code(), Code::DeadlineExceeded);
    /// assert_eq!(late.error_type(), Some("timeout"));
    /// ```
    ///
    /// [the gRPC protocol]: https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#errors
    pub fn past_deadline(self) -> Exchange {
        if self.status.code() != Code::Cancelled {
            return self;
        }
        let status = Status::new(
            Code::DeadlineExceeded,
            format!("the call's grpc-timeout passed ({})", self.status.message()),
        );
        let source = match self.source {
            StatusSource::Response | StatusSource::Classifier => StatusSource::Rule,
            other => other,
        };
        let error_type = self
            .error_type
            .map(|_| Cow::Borrowed(failure_error_type(Code::DeadlineExceeded)));
        Exchange {
            status,
            source,
            error_type,
            ..self
        }
    }

    /// The same exchange with the HTTP status of its response (a gRPC
    /// response's too).
    pub fn with_http_status(self, http_status: u16) -> Exchange {
        Exchange {
            http_status: Some(http_status),
            ..self
        }
    }

    /// The same exchange with `error_type`, a low-cardinality identifier of
    /// its failure for OpenTelemetry's `error.type` (an error type's name,
    /// `timeout`, `_OTHER`; never a message).
    pub fn with_error_type(self, error_type: impl Into<Cow<'static, str>>) -> Exchange {
        Exchange {
            error_type: Some(error_type.into()),
            ..self
        }
    }

    /// The side.
    pub const fn side(&self) -> Side {
        self.side
    }

    /// The protocol.
    pub const fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The canonical status. Read back from a span, the span's final status:
    /// a status the application set by code replaces traffic's.
    pub const fn status(&self) -> &Status {
        &self.status
    }

    /// Where the status came from.
    pub const fn source(&self) -> StatusSource {
        self.source
    }

    /// The response's HTTP status, when there was a response.
    pub const fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// The failure's `error.type`, when there was no (whole) response or no
    /// status from the peer (and for a server's 408, its timeout).
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The status, by value.
    pub fn into_status(self) -> Status {
        self.status
    }

    /// The status moved out, the code left in its place: for a reader that
    /// needs the status by value and the rest of the record beside it,
    /// without a second copy of the message.
    pub(crate) fn take_status(&mut self) -> Status {
        let code = self.status.code();
        std::mem::replace(&mut self.status, Status::from_code(code))
    }

    /// The failure's `error.type` as kept (a `&'static str` not copied).
    pub(crate) fn error_type_cow(&self) -> Option<Cow<'static, str>> {
        self.error_type.clone()
    }

    /// This record after `later`, recorded on the same span: `later` wins (a
    /// body error after a 200), keeping this one's HTTP status when `later`
    /// has none (the response had it).
    pub(crate) fn then(self, later: Exchange) -> Exchange {
        Exchange {
            http_status: later.http_status.or(self.http_status),
            ..later
        }
    }

    /// The record with the span's final status: one the application set
    /// replaces traffic's.
    pub(crate) fn overridden_by(self, application: Option<&Status>) -> Exchange {
        match application {
            Some(status) => Exchange {
                status: status.clone(),
                source: StatusSource::Application,
                ..self
            },
            None => self,
        }
    }
}

/// Records an [`Exchange`] on a `tracing::Span`, and reads it back: the one
/// verb for middleware (the tower layers, an adapter of yours). Not in the
/// prelude: application code sets statuses with `CanonicalStatusExt`.
///
/// ```
/// use spanstatus_tracing::{CanonicalStatusExt, Code, Exchange, ExchangeExt, Side};
/// # tracing::subscriber::with_default(tracing_subscriber::registry(), || {
///
/// let span = tracing::info_span!("GET /users/7");
/// // The handler's own status, then the middleware's record of the response:
/// span.set_canonical_status(Code::DataLoss, "row checksum");
/// span.record_exchange(Exchange::http_response(Side::Server, 500));
/// // The handler's status stays; the response's number is recorded.
/// let exchange = span.exchange().unwrap();
/// assert_eq!(exchange.status().code(), Code::DataLoss);
/// assert_eq!(exchange.http_status(), Some(500));
/// # });
/// ```
///
/// The precedence is the one of every status on a span: a status the
/// application set by code (`set_canonical_status`) is never replaced by a
/// record; a later record replaces an earlier one (a body that failed after
/// a 200), keeping the response's HTTP status. On a disabled span,
/// `Span::none()`, or a subscriber without a registry nothing is recorded.
pub trait ExchangeExt {
    /// Records `exchange` on this span.
    fn record_exchange(&self, exchange: Exchange);

    /// The exchange recorded on this span, with the span's final status (a
    /// status set by code replaces traffic's, [`StatusSource::Application`]);
    /// `None` if none was recorded.
    fn exchange(&self) -> Option<Exchange>;
}

impl ExchangeExt for Span {
    fn record_exchange(&self, exchange: Exchange) {
        slot::record_exchange(self, exchange);
    }

    fn exchange(&self) -> Option<Exchange> {
        slot::read_exchange(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_408_is_a_deadline_and_a_servers_own_timeout() {
        let server = Exchange::http_response(Side::Server, 408);
        assert_eq!(server.status(), &Status::from_code(Code::DeadlineExceeded));
        assert_eq!(server.source(), StatusSource::Rule);
        assert_eq!(server.error_type(), Some("timeout"));
        assert_eq!(server.http_status(), Some(408));
        let client = Exchange::http_response(Side::Client, 408);
        assert_eq!(client.status().code(), Code::DeadlineExceeded);
        assert_eq!(client.error_type(), None);
        // Every other number: the table, from the response.
        for n in (100..=999).filter(|&n| n != 408) {
            let exchange = Exchange::http_response(Side::Server, n);
            assert_eq!(exchange.status().code(), Code::from_http_status(n), "{n}");
            assert_eq!(exchange.source(), StatusSource::Response, "{n}");
            assert_eq!(exchange.error_type(), None, "{n}");
        }
    }

    #[test]
    fn a_failure_names_its_error_type_by_code() {
        let cases = [
            (Code::DeadlineExceeded, "timeout"),
            (Code::Cancelled, "cancelled"),
            (Code::Unavailable, "_OTHER"),
        ];
        for (code, error_type) in cases {
            let failure = Exchange::failure(Side::Client, Protocol::Http, code);
            assert_eq!(failure.error_type(), Some(error_type));
            assert_eq!(failure.source(), StatusSource::Failure);
            let dropped = Exchange::dropped(Side::Client, Protocol::Grpc, code);
            assert_eq!(dropped.error_type(), Some(error_type));
            assert_eq!(dropped.source(), StatusSource::Dropped);
        }
        let named = Exchange::failure(Side::Client, Protocol::Http, Code::Unavailable)
            .with_error_type("connect");
        assert_eq!(named.error_type(), Some("connect"));
    }

    #[test]
    fn a_later_record_keeps_the_responses_number() {
        let response = Exchange::http_response(Side::Client, 200);
        let failed = Exchange::failure(Side::Client, Protocol::Http, Code::DataLoss);
        let merged = response.then(failed.clone());
        assert_eq!(merged.http_status(), Some(200));
        assert_eq!(merged.status(), failed.status());
        assert_eq!(merged.source(), StatusSource::Failure);
    }
}
