//! What one piece of traffic says about an exchange, read off the wire. The
//! rules that turn it into a status are the [`Exchange`] constructors'
//! (`spanstatus-tracing`); only what needs the wire or the clock is here.

use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName};
#[cfg(test)]
use spanstatus_core::Status;
use spanstatus_core::{Code, grpc};
use spanstatus_tracing::{Exchange, Side};

/// The header and trailer names of the gRPC status.
// Names, not `&str`s: a lookup by `&str` parses the name first.
const GRPC_STATUS: HeaderName = HeaderName::from_static("grpc-status");
const GRPC_MESSAGE: HeaderName = HeaderName::from_static("grpc-message");
const GRPC_TIMEOUT: HeaderName = HeaderName::from_static("grpc-timeout");

/// The exchange a gRPC header or trailer block records, if it has
/// `grpc-status`.
pub(crate) fn grpc_status(side: Side, headers: &HeaderMap) -> Option<Exchange> {
    let value = headers.get(&GRPC_STATUS)?;
    let message = headers.get(&GRPC_MESSAGE).map(|m| m.as_bytes());
    Some(Exchange::grpc_status_header(
        side,
        value.as_bytes(),
        message,
    ))
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
    let value = headers.get(&GRPC_TIMEOUT)?;
    let timeout = grpc::parse_timeout_header(value.as_bytes()).ok()?;
    Instant::now()
        .checked_add(timeout - deadline_slack(timeout))
        .map(Deadline)
}

impl Deadline {
    /// `exchange`, judged at this moment: a CANCELLED at (or just before,
    /// [`deadline_slack`]) the deadline is the deadline's
    /// ([`Exchange::past_deadline`]). tonic reports its own expired
    /// `grpc-timeout` as CANCELLED, and drops the server's handler.
    pub(crate) fn judge(&self, exchange: Exchange) -> Exchange {
        if exchange.status().code() != Code::Cancelled || Instant::now() < self.0 {
            return exchange;
        }
        exchange.past_deadline()
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
        let dropped = || {
            Exchange::dropped(
                Side::Server,
                spanstatus_tracing::Protocol::Grpc,
                Status::new(Code::Cancelled, "dropped"),
            )
        };
        // 5 ms: without the cap, a 10 ms slack would call every cancel a
        // deadline.
        let judged = deadline("5m").judge(dropped());
        assert_eq!(judged.status().code(), Code::Cancelled);
        let judged = deadline("20S").judge(dropped());
        assert_eq!(judged.status().code(), Code::Cancelled);
        // Zero: the deadline has passed at once.
        let judged = deadline("0m").judge(dropped());
        assert_eq!(judged.status().code(), Code::DeadlineExceeded);
        assert_eq!(
            judged.status().message(),
            "the call's grpc-timeout passed (dropped)"
        );
        assert_eq!(judged.error_type(), Some("timeout"));
    }

    #[test]
    fn a_grpc_status_is_read_from_its_headers() {
        let mut headers = HeaderMap::new();
        assert_eq!(grpc_status(Side::Client, &headers), None);
        headers.insert(GRPC_STATUS, http::HeaderValue::from_static("5"));
        headers.insert(GRPC_MESSAGE, http::HeaderValue::from_static("no%20kiwi"));
        let exchange = grpc_status(Side::Client, &headers).unwrap();
        assert_eq!(exchange.status(), &Status::new(Code::NotFound, "no kiwi"));
    }
}
