//! What one piece of traffic says about an exchange: each decision is a small
//! function, separate from the service that calls it.

use std::fmt::Display;
use std::time::{Duration, Instant};

use http::HeaderMap;
use spanstatus_core::{Code, HasCode, Status, grpc};
use spanstatus_tracing::Side;

/// The header and trailer names of the gRPC status.
const GRPC_STATUS: &str = "grpc-status";
const GRPC_MESSAGE: &str = "grpc-message";
const GRPC_TIMEOUT: &str = "grpc-timeout";

/// The status in a gRPC header or trailer block, if it has `grpc-status`:
/// strict parsing (`17`, `-1`, `abc` are UNKNOWN with the raw value in the
/// message) and the percent-decoded `grpc-message`.
pub(crate) fn grpc_status(headers: &HeaderMap) -> Option<Status> {
    let value = headers.get(GRPC_STATUS)?;
    Some(match grpc::parse_status_header(value.as_bytes()) {
        Ok(code) => {
            let message = headers
                .get(GRPC_MESSAGE)
                .map(|m| grpc::decode_message(m.as_bytes()).into_owned())
                .unwrap_or_default();
            Status::new(code, message)
        }
        Err(invalid) => invalid.to_status(),
    })
}

/// The status of an HTTP response's status code: `Code::from_http_status`,
/// except 408 Request Timeout, DEADLINE_EXCEEDED: what tower-http's
/// `TimeoutLayer` answers when a handler runs out of time.
pub(crate) fn http_status(status: u16) -> Status {
    match status {
        408 => Status::new(Code::DeadlineExceeded, ""),
        _ => Status::new(Code::from_http_status(status), ""),
    }
}

/// A server's 408 that stayed DEADLINE_EXCEEDED: a timeout, recorded as
/// a failure (`error.type = "timeout"`), not as a 4xx that stays `Unset`.
pub(crate) fn is_server_timeout(side: Side, http_status: u16, status: &Status) -> bool {
    side == Side::Server && http_status == 408 && status.code() == Code::DeadlineExceeded
}

/// A gRPC response whose headers are not 200 and carry no `grpc-status`
/// (a proxy's error page): the code of gRPC's HTTP table.
pub(crate) fn grpc_without_status(http_status: u16) -> Status {
    Status::new(
        grpc::code_from_http_response(http_status),
        format!("HTTP {http_status} without grpc-status"),
    )
}

/// A gRPC stream that ended with no `grpc-status`, neither in its headers
/// nor in trailers: never OK. INTERNAL, as grpc-go reports ("server closed
/// the stream without sending trailers"): the peer broke the protocol.
pub(crate) fn grpc_missing_status() -> Status {
    Status::new(
        Code::Internal,
        "the stream ended without grpc-status in its trailers",
    )
}

/// The status of an error (a service's, or a body's): its code (the source
/// chain is walked for `Box<dyn Error>`) and its message.
pub(crate) fn error_status<E: HasCode + Display + ?Sized>(error: &E) -> Status {
    Status::from_error(error)
}

/// OpenTelemetry's `error.type` for an exchange that failed with no response
/// (HTTP) or no status (gRPC): `timeout` for DEADLINE_EXCEEDED, `cancelled`
/// for CANCELLED, `_OTHER` otherwise (semantic conventions, "recording
/// errors").
pub(crate) fn failure_error_type(code: Code) -> &'static str {
    match code {
        Code::DeadlineExceeded => "timeout",
        Code::Cancelled => "cancelled",
        _ => "_OTHER",
    }
}

/// From when on a gRPC request's cancel is its `grpc-timeout` running out:
/// the deadline, less [`deadline_slack`].
#[derive(Debug)]
pub(crate) struct Deadline(Instant);

/// How early a cancel may come and still be the deadline's: 10 ms, or half
/// the timeout if that is less. Whoever enforces the `grpc-timeout` started
/// its clock before this layer saw the request (tonic's server: outside every
/// layer; a client's own deadline: before the request crossed the network),
/// and timers fire on a millisecond tick.
fn deadline_slack(timeout: Duration) -> Duration {
    Duration::from_millis(10).min(timeout / 2)
}

/// The deadline of a gRPC request, from its `grpc-timeout` header. A value
/// that does not parse sets none: the server rejects it, not this layer.
pub(crate) fn grpc_deadline(headers: &HeaderMap) -> Option<Deadline> {
    let value = headers.get(GRPC_TIMEOUT)?;
    let timeout = grpc::parse_timeout_header(value.as_bytes()).ok()?;
    Instant::now()
        .checked_add(timeout - deadline_slack(timeout))
        .map(Deadline)
}

impl Deadline {
    /// CANCELLED at (or just before, [`deadline_slack`]) the deadline is
    /// DEADLINE_EXCEEDED: tonic reports its own expired `grpc-timeout` as
    /// CANCELLED, and drops the server's handler, where the spec encourages
    /// DEADLINE_EXCEEDED.
    pub(crate) fn judge(&self, status: Status) -> Status {
        if status.code() != Code::Cancelled || Instant::now() < self.0 {
            return status;
        }
        Status::new(
            Code::DeadlineExceeded,
            format!("the call's grpc-timeout passed ({})", status.message()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadline(timeout: &'static str) -> Deadline {
        let mut headers = HeaderMap::new();
        headers.insert(GRPC_TIMEOUT, http::HeaderValue::from_static(timeout));
        grpc_deadline(&headers).expect("a valid grpc-timeout")
    }

    #[test]
    fn the_slack_is_10_ms_or_half_a_short_timeout() {
        assert_eq!(
            deadline_slack(Duration::from_secs(1)),
            Duration::from_millis(10)
        );
        assert_eq!(
            deadline_slack(Duration::from_millis(5)),
            Duration::from_micros(2500)
        );
        assert_eq!(deadline_slack(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn a_cancel_at_the_start_of_a_short_call_stays_cancelled() {
        // 5 ms: without the cap, a 10 ms slack would call every cancel a
        // deadline.
        let status = deadline("5m").judge(Status::new(Code::Cancelled, "dropped"));
        assert_eq!(status.code(), Code::Cancelled);
        let status = deadline("20S").judge(Status::new(Code::Cancelled, "dropped"));
        assert_eq!(status.code(), Code::Cancelled);
        // Zero: the deadline has passed at once.
        let status = deadline("0m").judge(Status::new(Code::Cancelled, "dropped"));
        assert_eq!(status.code(), Code::DeadlineExceeded);
        assert_eq!(status.message(), "the call's grpc-timeout passed (dropped)");
    }
}
