//! Conversions, parsing, serde helpers, codes from event JSON, HTTP mapping
//! and the span extension, against tables written out here from the
//! conventions (not derived from the implementation).

use std::str::FromStr;

use sentry::protocol::{SpanStatus, Value};
use sentry::{ClientOptions, TransactionContext, TransactionOrSpan};
use serde_json::json;
use spanstatus_core::{Code, Status};
use spanstatus_devtools::sentry_event;
use spanstatus_sentry::{CanonicalStatusExt, code_from_span_status, event, to_span_status};

/// conventions.md §1: number, canonical name, Sentry wire name.
const TABLE: [(i32, &str, &str); 17] = [
    (0, "OK", "ok"),
    (1, "CANCELLED", "cancelled"),
    (2, "UNKNOWN", "unknown_error"),
    (3, "INVALID_ARGUMENT", "invalid_argument"),
    (4, "DEADLINE_EXCEEDED", "deadline_exceeded"),
    (5, "NOT_FOUND", "not_found"),
    (6, "ALREADY_EXISTS", "already_exists"),
    (7, "PERMISSION_DENIED", "permission_denied"),
    (8, "RESOURCE_EXHAUSTED", "resource_exhausted"),
    (9, "FAILED_PRECONDITION", "failed_precondition"),
    (10, "ABORTED", "aborted"),
    (11, "OUT_OF_RANGE", "out_of_range"),
    (12, "UNIMPLEMENTED", "unimplemented"),
    (13, "INTERNAL", "internal_error"),
    (14, "UNAVAILABLE", "unavailable"),
    (15, "DATA_LOSS", "data_loss"),
    (16, "UNAUTHENTICATED", "unauthenticated"),
];

fn code(number: i32) -> Code {
    Code::from_i32(number).unwrap()
}

/// The code of a Sentry wire name, from [`TABLE`].
fn code_of_wire(wire: &str) -> Code {
    let (number, _, _) = TABLE.iter().find(|row| row.2 == wire).unwrap();
    code(*number)
}

fn code_of(status: Option<Status>) -> Option<Code> {
    status.map(|status| status.code())
}

#[test]
fn all_17_both_ways_against_sentry_types() {
    let mut seen = std::collections::HashSet::new();
    for (number, _, wire) in TABLE {
        // sentry-types' own parser and printer are the reference for SpanStatus.
        let sentry = SpanStatus::from_str(wire).unwrap();
        assert_eq!(to_span_status(code(number)), sentry, "{wire}");
        assert_eq!(code_from_span_status(sentry), code(number), "{wire}");
        assert_eq!(to_span_status(code(number)).to_string(), wire);
        assert!(seen.insert(sentry), "{wire} mapped twice");
    }
    assert_eq!(seen.len(), 17);
}

#[test]
fn sentry_statuses_read_every_spelling() {
    for (number, canonical, wire) in TABLE {
        let lower_spaced = canonical.to_lowercase().replace('_', " ");
        let camel: String = canonical
            .split('_')
            .map(|word| word[..1].to_string() + &word[1..].to_lowercase())
            .collect();
        for spelling in [
            wire.to_string(),
            wire.to_uppercase(),
            canonical.to_string(),
            lower_spaced,
            camel,
            number.to_string(),
        ] {
            assert_eq!(
                Code::from_sentry_status(&spelling),
                Ok(code(number)),
                "{spelling}"
            );
            assert_eq!(
                Code::from_sentry_status(&spelling).map(to_span_status),
                Ok(SpanStatus::from_str(wire).unwrap())
            );
        }
    }
    // Sentry's server name for 2, which sentry-types rejects.
    assert!(SpanStatus::from_str("unknown").is_err());
    assert_eq!(Code::from_sentry_status("unknown"), Ok(Code::Unknown));
    assert_eq!(
        Code::from_sentry_status("unknown").map(to_span_status),
        Ok(SpanStatus::UnknownError)
    );
    // Relay's legacy names, and one-L cancelled.
    assert_eq!(Code::from_sentry_status("success"), Ok(Code::Ok));
    assert_eq!(Code::from_sentry_status("failure"), Ok(Code::Internal));
    assert_eq!(Code::from_sentry_status("canceled"), Ok(Code::Cancelled));
}

#[test]
fn sentry_statuses_reject_with_typed_errors() {
    let long = "x".repeat(10_000);
    for bad in [
        "",
        " ",
        "17",
        "-1",
        "01",
        "teapot",
        "not_foundd",
        "success!",
        "successful",
        "fail",
        "ok ok",
        "é",
        &long,
    ] {
        let err = Code::from_sentry_status(bad).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unrecognized status code"), "{text}");
        assert!(text.contains("not_found"), "{text}");
        assert!(
            text.contains("success (OK) or failure (INTERNAL)"),
            "{text}"
        );
        assert_eq!(err.input_len(), bad.len());
        assert!(bad.starts_with(err.input()));
        assert_eq!(
            Code::from_sentry_status(bad)
                .map(to_span_status)
                .unwrap_err()
                .input_len(),
            bad.len()
        );
    }
}

#[derive(serde::Deserialize, serde::Serialize, Debug)]
struct Row {
    #[serde(with = "spanstatus_core::serde::sentry_name")]
    code: Code,
    #[serde(with = "spanstatus_sentry::serde::span_status")]
    status: SpanStatus,
    #[serde(default, with = "spanstatus_sentry::serde::option_span_status")]
    maybe: Option<SpanStatus>,
}

#[test]
fn serde_helpers_read_what_sentry_writes() {
    for (number, canonical, wire) in TABLE {
        for value in [json!(wire), json!(number), json!(canonical)] {
            let row: Row =
                serde_json::from_value(json!({"code": value, "status": value, "maybe": value}))
                    .unwrap();
            assert_eq!(row.code, code(number));
            assert_eq!(row.status, SpanStatus::from_str(wire).unwrap());
            assert_eq!(row.maybe, Some(row.status));
            assert_eq!(
                serde_json::to_value(&row).unwrap(),
                json!({"code": wire, "status": wire, "maybe": wire})
            );
        }
    }
    let row: Row = serde_json::from_value(json!({"code": "unknown", "status": "success"})).unwrap();
    assert_eq!(
        (row.code, row.status, row.maybe),
        (Code::Unknown, SpanStatus::Ok, None)
    );
    let row: Row =
        serde_json::from_value(json!({"code": 2, "status": "failure", "maybe": null})).unwrap();
    assert_eq!(
        (row.code, row.status, row.maybe),
        (Code::Unknown, SpanStatus::InternalError, None)
    );
    for bad in [
        json!(17),
        json!(-1),
        json!("teapot"),
        json!(true),
        json!(2.5),
        json!([]),
    ] {
        let err = serde_json::from_value::<Row>(json!({"code": bad, "status": "ok"}));
        assert!(err.is_err(), "{bad}");
        let err = serde_json::from_value::<Row>(json!({"code": 0, "status": bad}));
        assert!(err.is_err(), "{bad}");
        let err = serde_json::from_value::<Row>(json!({"code": 0, "status": "ok", "maybe": bad}));
        assert!(err.is_err(), "{bad}");
    }
    let err = serde_json::from_value::<Row>(json!({"code": 0, "status": "teapot"}));
    let err = err.unwrap_err().to_string();
    assert!(err.contains("unrecognized status code \"teapot\""), "{err}");
}

fn transaction_json(trace_status: Value, span_status: Value) -> Value {
    json!({
        "type": "transaction",
        "event_id": "d2132d31b39445f1938d7e21b6bf0ec4",
        "transaction": "t",
        "start_timestamp": 1_700_000_000.0,
        "timestamp": 1_700_000_001.0,
        "contexts": {"trace": {
            "type": "trace",
            "trace_id": "4c79f60c11214eb38604f4ae0781bfb2",
            "span_id": "fa90fdead5f74052",
            "status": trace_status,
            "data": {"sentry.status.code": "UNKNOWN"},
        }},
        "spans": [{
            "trace_id": "4c79f60c11214eb38604f4ae0781bfb2",
            "span_id": "fa90fdead5f74053",
            "parent_span_id": "fa90fdead5f74052",
            "start_timestamp": 1_700_000_000.1,
            "timestamp": 1_700_000_000.2,
            "status": span_status,
        }],
    })
}

#[test]
fn event_codes_read_what_relay_stores() {
    let event = transaction_json(json!("unknown"), json!(5));
    assert_eq!(event::transaction_code(&event), Some(Code::Unknown));
    assert_eq!(event::span_code(&event["spans"][0]), Some(Code::NotFound));
    // Relay's form of UNKNOWN: internal_error plus the exact code in data.
    let relay = transaction_json(json!("internal_error"), json!("success"));
    assert_eq!(event::transaction_code(&relay), Some(Code::Unknown));
    assert_eq!(event::span_code(&relay["spans"][0]), Some(Code::Ok));
    // The data refines; it does not override a status it disagrees with.
    let disagree = transaction_json(json!("not_found"), Value::Null);
    assert_eq!(event::transaction_code(&disagree), Some(Code::NotFound));
    assert_eq!(event::span_code(&disagree["spans"][0]), None);
    // Unreadable or absent: None.
    let garbage = transaction_json(json!("teapot"), json!(99));
    assert_eq!(event::transaction_code(&garbage), None);
    assert_eq!(event::span_code(&garbage["spans"][0]), None);
    assert_eq!(event::transaction_code(&json!({})), None);
    assert_eq!(event::transaction_code(&json!({"contexts": {}})), None);
    assert_eq!(event::span_code(&json!({"status": true})), None);
    assert_eq!(event::span_code(&json!({"status": -1})), None);
}

#[test]
fn devtools_read_server_statuses_into_sentry_types() {
    let event = transaction_json(json!("unknown"), json!(5));
    // sentry-types alone fails the whole event.
    assert!(serde_json::from_value::<sentry::protocol::Transaction>(event.clone()).is_err());
    let transaction = sentry_event::transaction_from_value(event).unwrap();
    let trace = serde_json::to_value(&transaction.contexts["trace"]).unwrap();
    assert_eq!(trace["status"], "unknown_error");
    assert_eq!(transaction.spans[0].status, Some(SpanStatus::NotFound));

    let mut garbage = transaction_json(json!("teapot"), json!(99));
    assert_eq!(sentry_event::normalize_statuses(&mut garbage), 2);
    assert_eq!(garbage["contexts"]["trace"]["status"], "unknown_error");
    assert_eq!(garbage["spans"][0]["status"], "unknown_error");
    let mut legacy = transaction_json(json!("FAILURE"), json!("success"));
    assert_eq!(sentry_event::normalize_statuses(&mut legacy), 2);
    assert_eq!(legacy["contexts"]["trace"]["status"], "internal_error");
    assert_eq!(legacy["spans"][0]["status"], "ok");
    let mut clean = transaction_json(json!("ok"), Value::Null);
    assert_eq!(sentry_event::normalize_statuses(&mut clean), 0);
    assert!(sentry_event::transaction_from_str("{").is_err());
    assert!(sentry_event::transaction_from_str("[1]").is_err());
}

/// conventions.md §2, `@sentry/core` `getSpanStatusFromHttpCode`, written as
/// the JS SDK states it (ranges first, then exceptions).
fn js_sdk_http(status: u16) -> &'static str {
    if (100..400).contains(&status) {
        return "ok";
    }
    if (400..500).contains(&status) {
        return match status {
            401 => "unauthenticated",
            403 => "permission_denied",
            404 => "not_found",
            409 => "already_exists",
            413 => "failed_precondition",
            429 => "resource_exhausted",
            499 => "cancelled",
            _ => "invalid_argument",
        };
    }
    if (500..600).contains(&status) {
        return match status {
            501 => "unimplemented",
            503 => "unavailable",
            504 => "deadline_exceeded",
            _ => "internal_error",
        };
    }
    "internal_error"
}

#[test]
fn http_status_matches_the_js_sdk_from_0_to_999() {
    let _ = sentry::test::with_captured_envelopes_options(
        || {
            let transaction =
                sentry::start_transaction(TransactionContext::new("http", "http.client"));
            for status in 0..=999u16 {
                // A span each: an HTTP status never replaces a status.
                let span = transaction.start_child("http.client", "GET /");
                let code = span.set_canonical_http_status(status);
                let got = span.get_status().unwrap().to_string();
                let expected = if (100..=599).contains(&status) {
                    js_sdk_http(status)
                } else {
                    // The project's documented deviation: UNKNOWN where the
                    // JS SDK says internal_error.
                    assert_eq!(js_sdk_http(status), "internal_error");
                    "unknown_error"
                };
                assert_eq!(got, expected, "HTTP {status}");
                assert_eq!(code, code_of_wire(expected), "HTTP {status}");
                assert_eq!(span.data()["http.response.status_code"], status);
                assert_eq!(span.data()["sentry.status.code"], code.as_str());
                span.finish();
            }
            assert_eq!(
                transaction.set_canonical_http_status(503),
                Code::Unavailable
            );
            assert_eq!(transaction.get_status(), Some(SpanStatus::Unavailable));
            transaction.finish();
        },
        ClientOptions::new().traces_sample_rate(1.0),
    );
}

#[test]
fn extension_on_all_three_types_next_to_the_inherent_set_status() {
    let envelopes = sentry::test::with_captured_envelopes_options(
        || {
            let transaction = sentry::start_transaction(TransactionContext::new("t", "op"));
            // The inherent method and ours, both in scope: no ambiguity.
            transaction.set_status(SpanStatus::Aborted);
            assert_eq!(code_of(transaction.canonical_status()), Some(Code::Aborted));
            transaction.set_canonical_status(Code::Unknown, "first");
            assert_eq!(transaction.get_status(), Some(SpanStatus::UnknownError));
            assert_eq!(
                transaction.canonical_status(),
                Some(Status::new(Code::Unknown, "first"))
            );
            transaction.set_canonical_code(Code::Unknown);

            let span = transaction.start_child("child", "c");
            span.set_status(SpanStatus::Aborted);
            span.set_canonical_status(Code::Internal, "boom");
            assert_eq!(code_of(span.canonical_status()), Some(Code::Internal));
            span.record_canonical_status(Status::new(Code::Unknown, "odd"));
            assert_eq!(
                span.canonical_status(),
                Some(Status::new(Code::Unknown, "odd"))
            );
            assert_eq!(span.data()["sentry.status.message"], "odd");
            span.set_canonical_code(Code::Unknown);
            assert!(span.data().get("sentry.status.message").is_none());
            // By hand afterwards: the status wins over stale data.
            span.set_status(SpanStatus::NotFound);
            assert_eq!(code_of(span.canonical_status()), Some(Code::NotFound));

            let either: TransactionOrSpan = span.clone().into();
            either.set_canonical_status(Code::Unauthenticated, "who?");
            assert_eq!(
                code_of(either.canonical_status()),
                Some(Code::Unauthenticated)
            );
            assert_eq!(span.get_status(), Some(SpanStatus::Unauthenticated));
            span.finish();
            let either: TransactionOrSpan = transaction.clone().into();
            assert_eq!(code_of(either.canonical_status()), Some(Code::Unknown));
            transaction.finish();
        },
        ClientOptions::new().traces_sample_rate(1.0),
    );
    let transaction = envelopes
        .iter()
        .flat_map(|envelope| envelope.items())
        .find_map(|item| match item {
            sentry::protocol::EnvelopeItem::Transaction(transaction) => Some(transaction),
            _ => None,
        })
        .unwrap();
    let trace = serde_json::to_value(&transaction.contexts["trace"]).unwrap();
    assert_eq!(trace["status"], "unknown_error");
    assert_eq!(trace["data"]["sentry.status.code"], "UNKNOWN");
    // Cleared by the message-less set: null, which Relay drops.
    assert_eq!(trace["data"]["sentry.status.message"], Value::Null);
    let span = &transaction.spans[0];
    assert_eq!(span.status, Some(SpanStatus::Unauthenticated));
    assert_eq!(span.data["sentry.status.code"], "UNAUTHENTICATED");
    assert_eq!(span.data["sentry.status.message"], "who?");
}

/// The rule of tracing spans, on Sentry's own: OK is final, the last non-OK
/// wins, and an HTTP status (traffic) never replaces a status.
#[test]
fn one_precedence_rule_on_sentry_spans() {
    let _ = sentry::test::with_captured_envelopes_options(
        || {
            let transaction = sentry::start_transaction(TransactionContext::new("t", "op"));
            let last = transaction.start_child("last", "l");
            last.set_canonical_status(Code::Unavailable, "b");
            last.set_canonical_status(Code::NotFound, "a");
            assert_eq!(
                last.canonical_status(),
                Some(Status::new(Code::NotFound, "a"))
            );
            // Traffic after code: the number is recorded, the status stays.
            assert_eq!(last.set_canonical_http_status(503), Code::Unavailable);
            assert_eq!(
                last.canonical_status(),
                Some(Status::new(Code::NotFound, "a"))
            );
            assert_eq!(last.data()["http.response.status_code"], 503);
            // OK is final, also OK set with Sentry's own `set_status`.
            let ok = transaction.start_child("ok", "o");
            ok.set_canonical_code(Code::Ok);
            ok.set_canonical_status(Code::Internal, "late");
            assert_eq!(ok.get_status(), Some(SpanStatus::Ok));
            let inherent = transaction.start_child("inherent", "i");
            inherent.set_status(SpanStatus::Ok);
            inherent.record_canonical_error(&Status::new(Code::Internal, "late"));
            assert_eq!(inherent.get_status(), Some(SpanStatus::Ok));
            for span in [last, ok, inherent] {
                span.finish();
            }
            transaction.set_canonical_code(Code::Ok);
            transaction.set_canonical_status(Code::Aborted, "late");
            assert_eq!(transaction.get_status(), Some(SpanStatus::Ok));
            transaction.finish();
        },
        ClientOptions::new().traces_sample_rate(1.0),
    );
}

#[test]
fn without_a_client_the_status_is_still_set() {
    let transaction = sentry::start_transaction(TransactionContext::new("t", "op"));
    transaction.set_canonical_status(Code::DataLoss, "lost");
    assert_eq!(transaction.get_status(), Some(SpanStatus::DataLoss));
    // Without a client Sentry drops a transaction's data: the message too.
    assert_eq!(
        transaction.canonical_status(),
        Some(Status::from_code(Code::DataLoss))
    );
    transaction.finish();
}

#[test]
fn print_summary_shows_status_and_data() {
    let envelopes = sentry::test::with_captured_envelopes_options(
        || {
            let transaction =
                sentry::start_transaction(TransactionContext::new("cache.get", "cache"));
            let span = transaction.start_child("db", "SELECT 1");
            span.set_canonical_status(Code::Unknown, "odd");
            span.finish();
            transaction.set_canonical_status(Code::NotFound, "Cache miss");
            transaction.finish();
        },
        ClientOptions::new().traces_sample_rate(1.0),
    );
    let lines = spanstatus_devtools::sentry_print::PrintTransport::summary(&envelopes[0]);
    assert_eq!(
        lines,
        [
            "sentry transaction \"cache.get\" op=cache status=not_found sentry.status.code=NOT_FOUND sentry.status.message=\"Cache miss\" spans=1",
            "sentry   span \"SELECT 1\" op=db status=unknown_error sentry.status.code=UNKNOWN sentry.status.message=\"odd\"",
        ]
    );
}
