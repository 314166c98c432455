//! The tracing bridge: statuses set on tracing spans reach the Sentry
//! transactions and spans that sentry-tracing's real `SpanLayer` makes, as
//! captured by the real Sentry client (`sentry::test`).

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use sentry::protocol::{EnvelopeItem, Span as SentrySpan, Transaction, Value};
use sentry::{ClientOptions, Hub};
use spanstatus_core::Code;
use spanstatus_tracing::{CanonicalStatusExt, SetStatusExt};
use tracing::Dispatch;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

fn capture(f: impl FnOnce()) -> Vec<Transaction<'static>> {
    let envelopes = sentry::test::with_captured_envelopes_options(
        f,
        ClientOptions::new().traces_sample_rate(1.0),
    );
    envelopes
        .into_iter()
        .flat_map(|envelope| envelope.into_items())
        .filter_map(|item| match item {
            EnvelopeItem::Transaction(transaction) => Some(*transaction),
            _ => None,
        })
        .collect()
}

/// `contexts.trace` as JSON, the way it goes on the wire.
fn trace(transaction: &Transaction<'static>) -> Value {
    serde_json::to_value(&transaction.contexts["trace"]).unwrap()
}

fn only<'a>(transactions: &'a [Transaction<'static>]) -> &'a Transaction<'static> {
    assert_eq!(transactions.len(), 1, "{transactions:#?}");
    &transactions[0]
}

fn child<'a>(transaction: &'a Transaction<'static>, description: &str) -> &'a SentrySpan {
    transaction
        .spans
        .iter()
        .find(|span| span.description.as_deref() == Some(description))
        .unwrap_or_else(|| panic!("no span {description:?} in {:#?}", transaction.spans))
}

fn span_status(span: &SentrySpan) -> Option<String> {
    span.status.map(|status| status.to_string())
}

fn wrapped() -> Dispatch {
    tracing_subscriber::registry()
        .with(spanstatus_sentry::span_layer())
        .into()
}

#[test]
fn set_while_entered_on_a_transaction() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let span = tracing::info_span!("cache.get", key = 42);
            let _entered = span.enter();
            span.set_status(Code::NotFound, "Cache miss");
        })
    });
    let trace = trace(only(&transactions));
    assert_eq!(trace["status"], "not_found");
    assert_eq!(trace["data"]["sentry.status.message"], "Cache miss");
    assert_eq!(trace["data"]["sentry.status.code"], "NOT_FOUND");
    // sentry-tracing's own data is still there.
    assert_eq!(trace["data"]["key"], 42);
}

#[test]
fn without_the_wrapper_no_status_arrives() {
    // The control: a bare SpanLayer ignores our statuses.
    let transactions = capture(|| {
        let dispatch: Dispatch = tracing_subscriber::registry()
            .with(sentry_tracing::SpanLayer::new())
            .into();
        tracing::dispatcher::with_default(&dispatch, || {
            let span = tracing::info_span!("cache.get");
            let _entered = span.enter();
            span.set_status(Code::NotFound, "Cache miss");
        })
    });
    let trace = trace(only(&transactions));
    assert!(trace.get("status").is_none(), "{trace}");
    assert!(trace["data"].get("sentry.status.code").is_none(), "{trace}");
}

#[test]
fn set_on_a_child_span_while_entered() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let request = tracing::info_span!("request");
            let _request = request.enter();
            let lookup = tracing::info_span!("cache.get");
            let _lookup = lookup.enter();
            thread::sleep(Duration::from_millis(1));
            lookup.set_status(Code::Unknown, "odd reply");
        })
    });
    let transaction = only(&transactions);
    let trace = trace(transaction);
    assert!(trace.get("status").is_none(), "{trace}");
    let span = child(transaction, "cache.get");
    assert_eq!(span_status(span).as_deref(), Some("unknown_error"));
    assert_eq!(span.data["sentry.status.code"], "UNKNOWN");
    assert_eq!(span.data["sentry.status.message"], "odd reply");
}

#[test]
fn set_before_the_first_enter_and_on_a_never_entered_span() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let request = tracing::info_span!("request");
            let _request = request.enter();
            let later = tracing::info_span!("later");
            later.set_status(Code::PermissionDenied, "set before enter");
            later.in_scope(|| thread::sleep(Duration::from_millis(1)));
            let never = tracing::info_span!("never");
            never.set_status(Code::Aborted, "never entered");
        })
    });
    let transaction = only(&transactions);
    let later = child(transaction, "later");
    assert_eq!(span_status(later).as_deref(), Some("permission_denied"));
    assert_eq!(later.data["sentry.status.message"], "set before enter");
    let never = child(transaction, "never");
    assert_eq!(span_status(never).as_deref(), Some("aborted"));
    assert_eq!(never.data["sentry.status.code"], "ABORTED");
    assert!(trace(transaction).get("status").is_none());
}

#[test]
fn set_from_another_thread_and_closed_there() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let request = tracing::info_span!("request");
            let _request = request.enter();
            let worker = tracing::info_span!("worker");
            let other = worker.clone();
            thread::spawn(move || {
                other.set_status(Code::Unavailable, "backend down");
            })
            .join()
            .unwrap();
            let moved = tracing::info_span!("moved");
            // A span that closes on a thread must find the subscriber as that
            // thread's default (or the global one): the registry releases its
            // parent through the default dispatcher, and without it `request`
            // would never close (tracing-subscriber, with or without us).
            let dispatch = tracing::dispatcher::get_default(Dispatch::clone);
            thread::spawn(move || {
                tracing::dispatcher::with_default(&dispatch, move || {
                    moved.in_scope(|| moved.set_status(Code::DataLoss, "torn write"));
                    // `moved` closes here, on this thread.
                    drop(moved);
                })
            })
            .join()
            .unwrap();
            drop(worker);
        })
    });
    let transaction = only(&transactions);
    let worker = child(transaction, "worker");
    assert_eq!(span_status(worker).as_deref(), Some("unavailable"));
    assert_eq!(worker.data["sentry.status.message"], "backend down");
    let moved = child(transaction, "moved");
    assert_eq!(span_status(moved).as_deref(), Some("data_loss"));
}

#[test]
fn set_parent_status_from_inside_a_child() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let request = tracing::info_span!("request");
            let _request = request.enter();
            {
                let lookup = tracing::info_span!("cache.get");
                let _lookup = lookup.enter();
                tracing::Span::current()
                    .set_parent_canonical_status(Code::NotFound, "no such user");
                lookup.set_status(Code::Ok, "");
            }
        })
    });
    let transaction = only(&transactions);
    let trace = trace(transaction);
    assert_eq!(trace["status"], "not_found");
    assert_eq!(trace["data"]["sentry.status.message"], "no such user");
    let lookup = child(transaction, "cache.get");
    assert_eq!(span_status(lookup).as_deref(), Some("ok"));
    assert_eq!(lookup.data["sentry.status.code"], "OK");
    assert!(!lookup.data.contains_key("sentry.status.message"));
}

#[test]
fn the_last_status_before_close_wins_and_ok_is_final() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let request = tracing::info_span!("request");
            let _request = request.enter();
            let retried = tracing::info_span!("retried");
            retried.in_scope(|| retried.set_status(Code::Unavailable, "try 1"));
            retried.in_scope(|| retried.set_status(Code::DeadlineExceeded, "try 2"));
            let done = tracing::info_span!("done");
            done.set_status(Code::Ok, "");
            done.set_status(Code::Internal, "too late");
        })
    });
    let transaction = only(&transactions);
    let retried = child(transaction, "retried");
    assert_eq!(span_status(retried).as_deref(), Some("deadline_exceeded"));
    assert_eq!(retried.data["sentry.status.message"], "try 2");
    assert_eq!(
        span_status(child(transaction, "done")).as_deref(),
        Some("ok")
    );
}

#[test]
fn a_span_without_a_status_gets_none() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let request = tracing::info_span!("request");
            let _request = request.enter();
            tracing::info_span!("plain").in_scope(|| {});
        })
    });
    let transaction = only(&transactions);
    assert_eq!(span_status(child(transaction, "plain")), None);
    assert!(trace(transaction).get("status").is_none());
}

fn filtered_case(dispatch: Dispatch) -> Vec<Transaction<'static>> {
    capture(|| {
        tracing::dispatcher::with_default(&dispatch, || {
            let request = tracing::info_span!("request");
            let _request = request.enter();
            let debug = tracing::debug_span!("debug.detail");
            let _debug = debug.enter();
            // The debug span has no Sentry span: its status must go nowhere,
            // in particular not onto `request`, the hub's current span.
            debug.set_status(Code::Internal, "debug only");
            drop(_debug);
            drop(debug);
            let info = tracing::info_span!("info.detail");
            info.set_status(Code::OutOfRange, "past the end");
        })
    })
}

fn assert_filtered(transactions: &[Transaction<'static>]) {
    let transaction = only(transactions);
    assert!(
        trace(transaction).get("status").is_none(),
        "{}",
        trace(transaction)
    );
    assert!(
        transaction
            .spans
            .iter()
            .all(|span| span.description.as_deref() != Some("debug.detail"))
    );
    let info = child(transaction, "info.detail");
    assert_eq!(span_status(info).as_deref(), Some("out_of_range"));
    assert_eq!(transaction.spans.len(), 1);
}

#[test]
fn filter_around_the_wrapper() {
    let dispatch = tracing_subscriber::registry()
        .with(spanstatus_sentry::span_layer().with_filter(LevelFilter::INFO))
        .into();
    assert_filtered(&filtered_case(dispatch));
}

#[test]
fn filter_around_the_inner_layer() {
    let dispatch = tracing_subscriber::registry()
        .with(spanstatus_sentry::layer(
            sentry_tracing::SpanLayer::new().with_filter(LevelFilter::INFO),
        ))
        .into();
    assert_filtered(&filtered_case(dispatch));
}

#[test]
fn filter_with_other_layers_and_the_status_layer_in_any_order() {
    // The wrapper first, then spanstatus-tracing's layer and an unfiltered
    // layer of another kind after it.
    let dispatch = tracing_subscriber::registry()
        .with(spanstatus_sentry::span_layer().with_filter(LevelFilter::INFO))
        .with(spanstatus_tracing::fmt_layer())
        .with(tracing_subscriber::layer::Identity::new())
        .into();
    assert_filtered(&filtered_case(dispatch));
}

#[test]
fn the_hub_is_restored_after_close() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let before = Hub::current();
            let span = tracing::info_span!("t");
            span.set_status(Code::Cancelled, "");
            drop(span);
            assert!(Arc::ptr_eq(&before, &Hub::current()));
            assert_eq!(
                Hub::current().configure_scope(|scope| scope.get_span()),
                None
            );
        })
    });
    assert_eq!(trace(only(&transactions))["status"], "cancelled");
}

#[test]
fn a_span_entered_many_times_like_a_future() {
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let request = tracing::info_span!("request");
            let _request = request.enter();
            let polled = tracing::info_span!("polled");
            for poll in 0..3 {
                let _entered = polled.enter();
                if poll == 1 {
                    polled.set_status(Code::ResourceExhausted, "quota");
                }
            }
        })
    });
    let polled = child(only(&transactions), "polled");
    assert_eq!(span_status(polled).as_deref(), Some("resource_exhausted"));
}

#[test]
fn an_http_status_from_traffic_keeps_its_number() {
    use spanstatus_tracing::{Exchange, ExchangeExt, Side};
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let span = tracing::info_span!("GET /users/7");
            let _entered = span.enter();
            span.record_exchange(Exchange::http_response(Side::Server, 503));
        })
    });
    let trace = trace(only(&transactions));
    assert_eq!(trace["status"], "unavailable");
    assert_eq!(trace["data"]["sentry.status.code"], "UNAVAILABLE");
    assert_eq!(trace["data"]["http.response.status_code"], 503);
    // No message: the number says it all.
    assert!(
        trace["data"].get("sentry.status.message").is_none(),
        "{trace}"
    );
}

#[test]
fn a_grpc_exchange_writes_no_http_number() {
    use spanstatus_tracing::{Exchange, ExchangeExt, Side};
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let span = tracing::info_span!("/pkg.Svc/Get");
            let _entered = span.enter();
            // A Trailers-Only reply: HTTP 200, the status in its headers.
            span.record_exchange(
                Exchange::grpc_status(Side::Server, Code::NotFound).with_http_status(200),
            );
        })
    });
    let trace = trace(only(&transactions));
    assert_eq!(trace["status"], "not_found");
    // The 200 is the transport's, not the call's outcome.
    assert!(
        trace["data"].get("http.response.status_code").is_none(),
        "{trace}"
    );
}

#[test]
fn a_span_that_declares_sentry_fields_without_values_is_named_by_the_conventions() {
    use tracing::field::Empty;
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let _http = tracing::info_span!(
                "HTTP request",
                otel.kind = "server",
                http.request.method = "GET",
                url.path = "/users/7",
                sentry.name = Empty,
                sentry.op = Empty,
            );
            drop(_http);
            let _grpc = tracing::info_span!(
                "gRPC call",
                otel.kind = "client",
                rpc.system = "grpc",
                url.path = "/cache.Cache/Get",
                sentry.name = Empty,
                sentry.op = Empty,
            );
            drop(_grpc);
            // Values given: kept as they are.
            let _own = tracing::info_span!(
                "mine",
                url.path = "/ignored",
                sentry.name = "my name",
                sentry.op = "my.op",
            );
        });
    });
    let by_name = |name: &str| {
        transactions
            .iter()
            .find(|t| t.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no transaction {name:?} in {transactions:#?}"))
    };
    assert_eq!(trace(by_name("GET /users/7"))["op"], "http.server");
    assert_eq!(trace(by_name("/cache.Cache/Get"))["op"], "grpc.client");
    assert_eq!(trace(by_name("my name"))["op"], "my.op");
    // No `sentry.*` leftovers in the data.
    let data = &trace(by_name("GET /users/7"))["data"];
    assert!(
        data.get("sentry.name").is_none() && data.get("sentry.op").is_none(),
        "{data}"
    );
}

#[test]
fn a_sampler_sees_the_derived_name_and_the_fields_stay_data() {
    use std::sync::Mutex;
    use tracing::field::Empty;
    let sampled = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&sampled);
    let envelopes = sentry::test::with_captured_envelopes_options(
        || {
            tracing::dispatcher::with_default(&wrapped(), || {
                let _span = tracing::info_span!(
                    "HTTP request",
                    otel.kind = "server",
                    http.request.method = "GET",
                    url.path = "/health",
                    sentry.name = Empty,
                    sentry.op = Empty,
                );
            });
        },
        ClientOptions::new().traces_sampler(move |context: &sentry::TransactionContext| {
            seen.lock()
                .unwrap()
                .push((context.name().to_owned(), context.operation().to_owned()));
            // A health check is not worth a transaction.
            if context.name() == "GET /health" {
                0.0
            } else {
                1.0
            }
        }),
    );
    assert_eq!(
        *sampled.lock().unwrap(),
        [("GET /health".to_owned(), "http.server".to_owned())]
    );
    assert!(
        envelopes.is_empty(),
        "the sampler dropped it: {envelopes:?}"
    );
    // Sampled in, the span's own fields are the transaction's data.
    let transactions = capture(|| {
        tracing::dispatcher::with_default(&wrapped(), || {
            let _span = tracing::info_span!(
                "HTTP request",
                otel.kind = "client",
                http.request.method = "POST",
                url.path = "/orders",
                sentry.name = Empty,
                sentry.op = Empty,
            );
        });
    });
    let transaction = only(&transactions);
    assert_eq!(transaction.name.as_deref(), Some("POST /orders"));
    let trace = trace(transaction);
    assert_eq!(trace["op"], "http.client");
    assert_eq!(trace["data"]["http.request.method"], "POST");
    assert_eq!(trace["data"]["url.path"], "/orders");
}
