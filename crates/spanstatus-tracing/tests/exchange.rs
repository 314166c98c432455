//! The exchange record on a span: what traffic recorded, what it may
//! replace, and the one precedence rule.

use spanstatus_tracing::{
    CanonicalStatusExt, Code, Exchange, ExchangeExt, Protocol, Side, Status, StatusSource,
};

fn with_registry<T>(f: impl FnOnce() -> T) -> T {
    tracing::subscriber::with_default(tracing_subscriber::registry(), f)
}

#[test]
fn a_record_keeps_side_protocol_number_and_source() {
    with_registry(|| {
        let span = tracing::info_span!("GET /");
        span.record_exchange(Exchange::http_response(Side::Server, 503));
        let exchange = span.exchange().unwrap();
        assert_eq!(exchange.status(), &Status::new(Code::Unavailable, ""));
        assert_eq!(exchange.source(), StatusSource::Response);
        assert_eq!(exchange.side(), Side::Server);
        assert_eq!(exchange.protocol(), Protocol::Http);
        assert_eq!(exchange.http_status(), Some(503));
        assert_eq!(exchange.error_type(), None);

        let span = tracing::info_span!("call");
        span.record_exchange(Exchange::failure(
            Side::Client,
            Protocol::Http,
            Status::new(Code::DeadlineExceeded, "3s"),
        ));
        let exchange = span.exchange().unwrap();
        assert_eq!(exchange.error_type(), Some("timeout"));
        assert_eq!(exchange.http_status(), None);
        assert_eq!(
            span.canonical_status().unwrap().code(),
            Code::DeadlineExceeded
        );

        let span = tracing::info_span!("rpc");
        span.record_exchange(Exchange::grpc_status(
            Side::Client,
            Status::new(Code::NotFound, "no user"),
        ));
        assert_eq!(span.exchange().unwrap().protocol(), Protocol::Grpc);
    });
}

#[test]
fn a_408_recorded_by_hand_is_what_the_layer_records() {
    with_registry(|| {
        let span = tracing::info_span!("GET /slow");
        span.record_exchange(Exchange::http_response(Side::Server, 408));
        let exchange = span.exchange().unwrap();
        assert_eq!(exchange.status().code(), Code::DeadlineExceeded);
        assert_eq!(exchange.source(), StatusSource::Rule);
        assert_eq!(exchange.error_type(), Some("timeout"));
    });
}

#[test]
fn a_status_set_by_code_stays_under_traffic() {
    with_registry(|| {
        let span = tracing::info_span!("handler");
        span.set_canonical_status(Code::DataLoss, "row checksum");
        span.record_exchange(Exchange::http_response(Side::Server, 500));
        let exchange = span.exchange().unwrap();
        assert_eq!(
            exchange.status(),
            &Status::new(Code::DataLoss, "row checksum")
        );
        assert_eq!(exchange.source(), StatusSource::Application);
        // The traffic's number and side are still recorded.
        assert_eq!(exchange.http_status(), Some(500));
        assert_eq!(exchange.side(), Side::Server);
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::DataLoss, "row checksum"))
        );
    });
}

#[test]
fn a_later_record_wins_and_keeps_the_number() {
    with_registry(|| {
        let span = tracing::info_span!("body");
        span.record_exchange(Exchange::http_response(Side::Client, 200));
        span.record_exchange(Exchange::failure(
            Side::Client,
            Protocol::Http,
            Status::new(Code::Unavailable, "body cut"),
        ));
        let exchange = span.exchange().unwrap();
        assert_eq!(exchange.status().code(), Code::Unavailable);
        assert_eq!(exchange.source(), StatusSource::Failure);
        assert_eq!(exchange.http_status(), Some(200));
    });
}

#[test]
fn one_precedence_rule_for_every_order() {
    with_registry(|| {
        // OK set by code is final, before or after traffic.
        let span = tracing::info_span!("ok_first");
        span.set_canonical_code(Code::Ok);
        span.record_exchange(Exchange::http_response(Side::Client, 404));
        span.set_canonical_status(Code::Internal, "late");
        assert_eq!(span.canonical_status().unwrap().code(), Code::Ok);

        // The last non-OK set by code wins, whatever traffic says between.
        let span = tracing::info_span!("last_wins");
        span.set_canonical_status(Code::Unavailable, "b");
        span.record_exchange(Exchange::http_response(Side::Client, 200));
        span.set_canonical_status(Code::NotFound, "a");
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::NotFound, "a"))
        );
    });
}

#[test]
fn nothing_recorded_and_disabled_spans() {
    with_registry(|| {
        let span = tracing::info_span!("nothing");
        assert_eq!(span.exchange(), None);
        // A status set by code alone is no exchange.
        span.set_canonical_code(Code::Aborted);
        assert_eq!(span.exchange(), None);
        // A disabled span records nothing.
        tracing::Span::none().record_exchange(Exchange::http_response(Side::Server, 500));
        assert_eq!(tracing::Span::none().exchange(), None);
    });
}
