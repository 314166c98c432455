//! The side, protocol and HTTP status recorded with a status, and what
//! traffic may replace.

use spanstatus_tracing::{CanonicalStatusExt, Code, Outcome, Protocol, Side, Status};

fn with_registry<T>(f: impl FnOnce() -> T) -> T {
    tracing::subscriber::with_default(tracing_subscriber::registry(), f)
}

#[test]
fn traffic_verbs_record_side_protocol_and_number() {
    with_registry(|| {
        let span = tracing::info_span!("GET /");
        span.record_http_status(Side::Server, 503);
        let outcome = span.canonical_outcome().unwrap();
        assert_eq!(outcome.status, Some(Status::new(Code::Unavailable, "")));
        assert!(!outcome.set_by_code);
        assert_eq!(outcome.side, Some(Side::Server));
        assert_eq!(outcome.protocol, Some(Protocol::Http));
        assert_eq!(outcome.http_status, Some(503));
        assert_eq!(outcome.error_type, None);

        let span = tracing::info_span!("call");
        span.record_http_failure(
            Side::Client,
            "timeout",
            Status::new(Code::DeadlineExceeded, "3s"),
        );
        let outcome = span.canonical_outcome().unwrap();
        assert_eq!(outcome.error_type.as_deref(), Some("timeout"));
        assert_eq!(outcome.http_status, None);
        assert_eq!(
            span.canonical_status().unwrap().code(),
            Code::DeadlineExceeded
        );

        let span = tracing::info_span!("rpc");
        span.record_grpc_status(Side::Client, Status::new(Code::NotFound, "no user"));
        assert_eq!(
            span.canonical_outcome().unwrap().protocol,
            Some(Protocol::Grpc)
        );
    });
}

#[test]
fn a_status_set_by_code_stays_under_traffic() {
    with_registry(|| {
        let span = tracing::info_span!("handler");
        span.set_canonical_status(Code::DataLoss, "row checksum");
        span.record_http_status(Side::Server, 500);
        let outcome = span.canonical_outcome().unwrap();
        assert_eq!(
            outcome.status,
            Some(Status::new(Code::DataLoss, "row checksum"))
        );
        assert!(outcome.set_by_code);
        // The traffic's number and side are still recorded.
        assert_eq!(outcome.http_status, Some(500));
        assert_eq!(outcome.side, Some(Side::Server));
    });
}

#[test]
fn a_side_alone_and_nothing_at_all() {
    with_registry(|| {
        let span = tracing::info_span!("side");
        span.set_canonical_side(Side::Client);
        let outcome = span.canonical_outcome().unwrap();
        assert_eq!(outcome.status, None);
        assert_eq!(outcome.side, Some(Side::Client));

        let span = tracing::info_span!("nothing");
        assert_eq!(span.canonical_outcome(), None::<Outcome>);
        // A disabled span records nothing.
        tracing::Span::none().record_http_status(Side::Server, 500);
        assert_eq!(tracing::Span::none().canonical_outcome(), None);
    });
}
