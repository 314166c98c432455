//! End to end through Sentry's own normalizer: transactions made by the real
//! `sentry` client (native spans, and tracing spans through sentry-tracing),
//! captured as envelopes and normalized by Relay (PyPI `sentry-relay`, run
//! by `scripts/python-deps.sh`, found through `SPANSTATUS_PYTHON`).
//!
//! ```sh
//! eval "$(scripts/python-deps.sh)"
//! cargo test --features sentry --test sentry_relay
//! ```
#![cfg(feature = "sentry")]

use std::thread;
use std::time::Duration;

use sentry::TransactionContext;
use serde_json::{Value, json};
use spanstatus::Code;
use spanstatus::SetStatusExt;
use spanstatus::prelude::*;
use spanstatus::sentry::event::{span_code, transaction_code};
use spanstatus_devtools::sentry_event::transaction_from_value;
use tracing::Dispatch;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

#[path = "support/relay.rs"]
mod relay;
use relay::{by_name, capture, normalize, relay_python, span_named};

/// conventions.md §1 (number, canonical name, Sentry SDK name) and what
/// Relay (sentry-relay 0.10.1, like Sentry 25.10+) stores for the SDK name:
/// the same, except `unknown_error`, stored as `internal_error`.
const TABLE: [(i32, &str, &str, &str); 17] = [
    (0, "OK", "ok", "ok"),
    (1, "CANCELLED", "cancelled", "cancelled"),
    (2, "UNKNOWN", "unknown_error", "internal_error"),
    (
        3,
        "INVALID_ARGUMENT",
        "invalid_argument",
        "invalid_argument",
    ),
    (
        4,
        "DEADLINE_EXCEEDED",
        "deadline_exceeded",
        "deadline_exceeded",
    ),
    (5, "NOT_FOUND", "not_found", "not_found"),
    (6, "ALREADY_EXISTS", "already_exists", "already_exists"),
    (
        7,
        "PERMISSION_DENIED",
        "permission_denied",
        "permission_denied",
    ),
    (
        8,
        "RESOURCE_EXHAUSTED",
        "resource_exhausted",
        "resource_exhausted",
    ),
    (
        9,
        "FAILED_PRECONDITION",
        "failed_precondition",
        "failed_precondition",
    ),
    (10, "ABORTED", "aborted", "aborted"),
    (11, "OUT_OF_RANGE", "out_of_range", "out_of_range"),
    (12, "UNIMPLEMENTED", "unimplemented", "unimplemented"),
    (13, "INTERNAL", "internal_error", "internal_error"),
    (14, "UNAVAILABLE", "unavailable", "unavailable"),
    (15, "DATA_LOSS", "data_loss", "data_loss"),
    (16, "UNAUTHENTICATED", "unauthenticated", "unauthenticated"),
];

fn pause() {
    thread::sleep(Duration::from_millis(2));
}

/// Status, exact code and message on one normalized span or trace context.
fn assert_status(
    span: &Value,
    relay: &str,
    canonical: &str,
    code: Code,
    message: Option<&str>,
    what: &str,
) {
    assert_eq!(span["status"], relay, "{what}: {span:#}");
    assert_eq!(span["data"]["sentry.status.code"], canonical, "{what}");
    match message {
        Some(message) => assert_eq!(span["data"]["sentry.status.message"], message, "{what}"),
        None => assert!(
            span["data"].get("sentry.status.message").is_none(),
            "{what}"
        ),
    }
    assert_eq!(span_code(span), Some(code), "{what}");
}

#[test]
fn native_spans_all_17_codes_through_relay() {
    let Some(python) = relay_python() else {
        return;
    };
    let events = capture(|| {
        for (number, _, _, _) in TABLE {
            let code = Code::from_i32(number).unwrap();
            let transaction =
                sentry::start_transaction(TransactionContext::new(&format!("tx-{number}"), "test"));
            let span = transaction.start_child("work", &format!("span-{number}"));
            pause();
            span.set_canonical_status(code, format!("span says {number}"));
            span.finish();
            pause();
            transaction.set_canonical_status(code, format!("transaction says {number}"));
            transaction.finish();
        }
    });
    assert_eq!(events.len(), 17);
    // What the SDK sends: the SDK names.
    for (number, _, sdk, _) in TABLE {
        let event = by_name(&events, &format!("tx-{number}"));
        assert_eq!(event["contexts"]["trace"]["status"], sdk);
        assert_eq!(span_named(event, &format!("span-{number}"))["status"], sdk);
    }

    let normalized = normalize(&python, &events);
    for (number, canonical, _, relay) in TABLE {
        let code = Code::from_i32(number).unwrap();
        let event = by_name(&normalized, &format!("tx-{number}"));
        assert!(event.get("errors").is_none(), "{:#}", event["errors"]);
        let trace = &event["contexts"]["trace"];
        let message = format!("transaction says {number}");
        assert_status(trace, relay, canonical, code, Some(&message), "trace");
        assert_eq!(transaction_code(event), Some(code));
        let span = span_named(event, &format!("span-{number}"));
        let message = format!("span says {number}");
        assert_status(span, relay, canonical, code, Some(&message), "span");

        // Relay's output reads back into sentry-types with our helper.
        let transaction = transaction_from_value(event.clone()).unwrap();
        assert_eq!(transaction.spans.len(), 1);
        let status = transaction.spans[0].status.unwrap();
        assert_eq!(status.to_string(), relay);
    }
}

#[test]
fn relay_keeps_unknown_and_rewrites_unknown_error() {
    // The finding documented in the crate: Relay keeps `unknown` (its name for
    // code 2) and `2`, but stores the SDK name `unknown_error` as
    // `internal_error`; `success`/`failure` are legacy ok/internal_error.
    let Some(python) = relay_python() else {
        return;
    };
    let events = capture(|| {
        let transaction = sentry::start_transaction(TransactionContext::new("probe", "test"));
        let span = transaction.start_child("work", "probe-span");
        pause();
        span.finish();
        pause();
        transaction.finish();
    });
    let template = &events[0];
    let inputs = [
        (json!("unknown"), "unknown", Code::Unknown),
        (json!(2), "unknown", Code::Unknown),
        (json!("unknown_error"), "internal_error", Code::Internal),
        (json!("success"), "ok", Code::Ok),
        (json!("failure"), "internal_error", Code::Internal),
        (json!(5), "not_found", Code::NotFound),
    ];
    let mut sent = Vec::new();
    for (status, _, _) in &inputs {
        let mut event = template.clone();
        event["contexts"]["trace"]["status"] = status.clone();
        event["spans"][0]["status"] = status.clone();
        sent.push(event);
    }
    let normalized = normalize(&python, &sent);
    for ((input, stored, code), event) in inputs.iter().zip(&normalized) {
        assert_eq!(event["contexts"]["trace"]["status"], *stored, "{input}");
        assert_eq!(event["spans"][0]["status"], *stored, "{input}");
        // Without our data key, the stored name alone is what can be read.
        assert_eq!(transaction_code(event), Some(*code), "{input}");
        assert_eq!(spanstatus::Code::from_sentry_status(stored), Ok(*code));
        // sentry-types alone cannot read `unknown`; our helper can.
        let transaction = transaction_from_value(event.clone()).unwrap();
        let trace = serde_json::to_value(&transaction.contexts["trace"]).unwrap();
        assert_eq!(trace["status"], code.sentry_str());
    }
}

#[test]
fn tracing_spans_through_sentry_tracing_and_relay() {
    let Some(python) = relay_python() else {
        return;
    };
    let events = capture(|| {
        let dispatch: Dispatch = tracing_subscriber::registry()
            .with(spanstatus::tracing::fmt_layer())
            .with(spanstatus::sentry::span_layer().with_filter(LevelFilter::INFO))
            .into();
        tracing::dispatcher::with_default(&dispatch, || {
            // One transaction per code, set while entered, with a child.
            for (number, _, _, _) in TABLE {
                let code = Code::from_i32(number).unwrap();
                let root = tracing::info_span!("root", sentry.name = format!("tracing-{number}"));
                let _root = root.enter();
                let child = tracing::info_span!("child", n = number);
                child.in_scope(|| {
                    pause();
                    child.set_status(code, format!("child says {number}"));
                });
                drop(child);
                pause();
                root.set_status(code, format!("root says {number}"));
            }

            // The other ways a status gets set.
            let request = tracing::info_span!("request", sentry.name = "request");
            let _request = request.enter();
            let lookup = tracing::info_span!("cache.get", key = 42);
            lookup.in_scope(|| {
                pause();
                tracing::Span::current().set_parent_canonical_status(Code::NotFound, "Cache miss");
            });
            drop(lookup);
            let early = tracing::info_span!("early");
            early.set_status(Code::PermissionDenied, "before enter");
            early.in_scope(pause);
            drop(early);
            let never = tracing::info_span!("never");
            never.set_status(Code::Aborted, "never entered");
            pause();
            drop(never);
            let remote = tracing::info_span!("remote");
            let handle = remote.clone();
            thread::spawn(move || handle.set_status(Code::Unavailable, "from a thread"))
                .join()
                .unwrap();
            remote.in_scope(pause);
            drop(remote);
            let hidden = tracing::debug_span!("hidden");
            hidden.in_scope(|| hidden.set_status(Code::Internal, "filtered out"));
            drop(hidden);
            pause();
        })
    });
    assert_eq!(events.len(), 18);
    let normalized = normalize(&python, &events);

    for (number, canonical, _, relay) in TABLE {
        let code = Code::from_i32(number).unwrap();
        let event = by_name(&normalized, &format!("tracing-{number}"));
        assert!(event.get("errors").is_none(), "{:#}", event["errors"]);
        let message = format!("root says {number}");
        assert_status(
            &event["contexts"]["trace"],
            relay,
            canonical,
            code,
            Some(&message),
            "root",
        );
        let message = format!("child says {number}");
        assert_status(
            span_named(event, "child"),
            relay,
            canonical,
            code,
            Some(&message),
            "child",
        );
        // sentry-tracing's own data survives next to ours.
        assert_eq!(span_named(event, "child")["data"]["n"], number);
    }

    let request = by_name(&normalized, "request");
    assert!(request.get("errors").is_none(), "{:#}", request["errors"]);
    let trace = &request["contexts"]["trace"];
    assert_status(
        trace,
        "not_found",
        "NOT_FOUND",
        Code::NotFound,
        Some("Cache miss"),
        "parent",
    );
    assert!(span_named(request, "cache.get").get("status").is_none());
    let early = span_named(request, "early");
    assert_status(
        early,
        "permission_denied",
        "PERMISSION_DENIED",
        Code::PermissionDenied,
        Some("before enter"),
        "early",
    );
    let never = span_named(request, "never");
    assert_status(
        never,
        "aborted",
        "ABORTED",
        Code::Aborted,
        Some("never entered"),
        "never",
    );
    let remote = span_named(request, "remote");
    assert_status(
        remote,
        "unavailable",
        "UNAVAILABLE",
        Code::Unavailable,
        Some("from a thread"),
        "remote",
    );
    // The filtered span is absent and did not leak its status anywhere.
    assert_eq!(request["spans"].as_array().unwrap().len(), 4);
}
