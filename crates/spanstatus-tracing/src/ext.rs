//! The verb family on `tracing::Span`: [`CanonicalStatusExt`], and the short
//! [`SetStatusExt::set_status`].

use std::borrow::Cow;
use std::fmt::Display;

use spanstatus_core::{Code, HasCode, Status};
use tracing::Span;

use crate::slot::{self, Outcome, Protocol, Side, Traffic};

/// Sets and reads the canonical status of a [`tracing::Span`], with no field
/// declared when the span is created. The same four verbs exist on
/// OpenTelemetry and Sentry spans (`spanstatus-opentelemetry`,
/// `spanstatus-sentry`), and none of them collides with a method of
/// `tracing-opentelemetry` or Sentry.
///
/// The status is kept in the span's registry extensions, so it works with any
/// subscriber built on `tracing_subscriber::registry()` (`fmt()` included),
/// from any thread holding the span, entered or not. Rules (OpenTelemetry's):
/// an OK is final; any later non-OK status replaces an earlier non-OK one.
/// On a disabled span, `Span::none()`, or a subscriber without a registry the
/// setters do nothing and [`canonical_status`](Self::canonical_status) is `None`.
///
/// ```
/// use spanstatus_core::Code;
/// use spanstatus_tracing::CanonicalStatusExt;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry().with(spanstatus_tracing::layer());
/// tracing::subscriber::with_default(subscriber, || {
///     let span = tracing::info_span!("cache.get", key = 42);
///     let _entered = span.enter();
///     span.set_canonical_status(Code::NotFound, "Cache miss");
///     assert_eq!(span.canonical_status().map(|s| s.code()), Some(Code::NotFound));
/// });
/// ```
pub trait CanonicalStatusExt {
    /// Sets `code` with `message` (a `&'static str` is not copied).
    fn set_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>);

    /// Sets `code` with an empty message.
    fn set_canonical_code(&self, code: Code) {
        self.set_canonical_status(code, "");
    }

    /// Sets a [`Status`] (or anything that converts into one, a [`Code`] too).
    fn record_canonical_status(&self, status: impl Into<Status>);

    /// Sets the status of an error that carries a code ([`HasCode`], e.g.
    /// `tonic::Status` with the core's `tonic` feature): see
    /// [`Status::from_error`] for the message.
    fn record_canonical_error<E: HasCode + Display + ?Sized>(&self, error: &E) {
        self.record_canonical_status(Status::from_error(error));
    }

    /// Sets the status of `result` when it is an `Err` (see
    /// [`record_canonical_error`](Self::record_canonical_error)); an `Ok`
    /// sets nothing: instrumentation should not set OK, the application may,
    /// with [`set_canonical_code`](Self::set_canonical_code).
    fn record_result<T, E: HasCode + Display>(&self, result: &Result<T, E>) {
        if let Err(error) = result {
            self.record_canonical_error(error);
        }
    }

    /// The status recorded so far, if any.
    fn canonical_status(&self) -> Option<Status>;

    /// Sets `code` and `message` on this span's parent, e.g. from inside a
    /// child: `Span::current().set_parent_canonical_status(..)`.
    fn set_parent_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>);

    /// Records which side of an exchange this span is, so that exporters
    /// apply that side's rules (OpenTelemetry: a server's 4xx and NOT_FOUND
    /// stay `Unset`) even when the span declares no `otel.kind`.
    fn set_canonical_side(&self, side: Side);

    /// Records an HTTP response's status code: the canonical code
    /// [`Code::from_http_status`] gives, no message (the status code says it
    /// all), the side, and the number itself, which OpenTelemetry exports as
    /// `http.response.status_code`. A status set by code stays (a handler's
    /// OK for an expected 404 keeps its OK); an earlier one read from traffic
    /// is replaced.
    fn record_http_status(&self, side: Side, status: u16);

    /// Records an HTTP response whose canonical status your own rules
    /// decide: `status` (OK for a 404 a client expects, say), the side, and
    /// the response's number, still exported as `http.response.status_code`.
    /// When `status` has the code [`Code::from_http_status`] gives, the
    /// exporters apply the HTTP rules as for
    /// [`record_http_status`](Self::record_http_status); another code follows
    /// the rules of the span's kind. The same precedence.
    fn record_http_response(&self, side: Side, http_status: u16, status: impl Into<Status>);

    /// Records an HTTP exchange that failed with no (whole) response:
    /// `status` (e.g. DEADLINE_EXCEEDED for a timeout) and `error_type`, a
    /// low-cardinality identifier of the failure for OpenTelemetry's
    /// `error.type` (`timeout`, the error type's name, `_OTHER`; never a
    /// message). The same precedence as [`record_http_status`](Self::record_http_status).
    fn record_http_failure(
        &self,
        side: Side,
        error_type: impl Into<Cow<'static, str>>,
        status: impl Into<Status>,
    );

    /// Records a gRPC status read from traffic (`grpc-status` and
    /// `grpc-message`, a `tonic::Status`) and the side: the span is an RPC
    /// span for the exporters. The same precedence as
    /// [`record_http_status`](Self::record_http_status).
    fn record_grpc_status(&self, side: Side, status: impl Into<Status>);

    /// Records a gRPC call that ended with no status from its peer: `status`
    /// (CANCELLED for a call its caller dropped) and `error_type`, the
    /// failure's low-cardinality identifier (`cancelled`, `timeout`). The
    /// span is an RPC span; a CANCELLED recorded this way is the caller's
    /// choice, so OpenTelemetry leaves it `Unset` on a client too (semconv
    /// 1.41), where a CANCELLED `grpc-status` from the server is an error.
    /// The same precedence as [`record_http_status`](Self::record_http_status).
    fn record_grpc_failure(
        &self,
        side: Side,
        error_type: impl Into<Cow<'static, str>>,
        status: impl Into<Status>,
    );

    /// Everything recorded so far about this span's outcome, if anything.
    fn canonical_outcome(&self) -> Option<Outcome>;
}

impl CanonicalStatusExt for Span {
    fn set_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>) {
        slot::offer(self, Status::new(code, message));
    }

    fn record_canonical_status(&self, status: impl Into<Status>) {
        slot::offer(self, status.into());
    }

    fn canonical_status(&self) -> Option<Status> {
        slot::read(self)
    }

    fn set_parent_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>) {
        if let Some((parent, dispatch)) = slot::parent_id(self) {
            slot::offer_to(&dispatch, &parent, Status::new(code, message));
        }
    }

    fn set_canonical_side(&self, side: Side) {
        slot::set_side(self, side);
    }

    fn record_http_status(&self, side: Side, status: u16) {
        self.record_http_response(
            side,
            status,
            Status::new(Code::from_http_status(status), ""),
        );
    }

    fn record_http_response(&self, side: Side, http_status: u16, status: impl Into<Status>) {
        let traffic = Traffic::new(side, Protocol::Http, status.into());
        slot::record_traffic(self, traffic.with_http_status(http_status));
    }

    fn record_http_failure(
        &self,
        side: Side,
        error_type: impl Into<Cow<'static, str>>,
        status: impl Into<Status>,
    ) {
        let traffic = Traffic::new(side, Protocol::Http, status.into());
        slot::record_traffic(self, traffic.with_error_type(error_type.into()));
    }

    fn record_grpc_status(&self, side: Side, status: impl Into<Status>) {
        slot::record_traffic(self, Traffic::new(side, Protocol::Grpc, status.into()));
    }

    fn record_grpc_failure(
        &self,
        side: Side,
        error_type: impl Into<Cow<'static, str>>,
        status: impl Into<Status>,
    ) {
        let traffic = Traffic::new(side, Protocol::Grpc, status.into());
        slot::record_traffic(self, traffic.with_error_type(error_type.into()));
    }

    fn canonical_outcome(&self) -> Option<Outcome> {
        slot::read_outcome(self)
    }
}

/// `span.set_status(code, message)`: the short name of
/// [`CanonicalStatusExt::set_canonical_status`] on tracing spans.
///
/// ```
/// use spanstatus_core::Code;
/// use spanstatus_tracing::SetStatusExt;
/// # use tracing_subscriber::prelude::*;
/// # let subscriber = tracing_subscriber::registry().with(spanstatus_tracing::layer());
/// # tracing::subscriber::with_default(subscriber, || {
///
/// let span = tracing::info_span!("cache.get");
/// span.set_status(Code::NotFound, "Cache miss");
/// # });
/// ```
///
/// # Next to `tracing-opentelemetry`
///
/// `tracing_opentelemetry::OpenTelemetrySpanExt` also adds a `set_status` to
/// `tracing::Span` (taking an `opentelemetry::trace::Status`). In a module
/// that imports both traits, Rust cannot tell the two apart and rejects
/// **both** calls (E0034, "multiple applicable items in scope"). Such a module
/// imports `spanstatus::prelude::*` (or [`CanonicalStatusExt`]) instead of
/// this trait and writes `span.set_canonical_status(Code::NotFound, "Cache
/// miss")`, which is the same call; its own `span.set_status(otel::Status::..)`
/// keeps working. That is why the prelude does not contain this trait.
pub trait SetStatusExt {
    /// Same as [`CanonicalStatusExt::set_canonical_status`].
    fn set_status(&self, code: Code, message: impl Into<Cow<'static, str>>);
}

impl SetStatusExt for Span {
    fn set_status(&self, code: Code, message: impl Into<Cow<'static, str>>) {
        self.set_canonical_status(code, message);
    }
}
