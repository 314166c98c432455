//! The errors example's calls end to end through the facade, with all three
//! backends in one subscriber: `#[spanstatus::instrument]`ed functions fail
//! with a real refused connect on 127.0.0.1, a real tokio timeout, a
//! `tonic::Status` and a derived application error. What arrives at a real
//! OTLP collector (rotel) and what Sentry's normalizer (Relay) keeps must carry
//! each error's code and message; the same calls that succeed carry nothing.
//!
//! ```sh
//! eval "$(scripts/python-deps.sh)"
//! cargo test --features full --test errors_end_to_end
//! ```
#![cfg(all(
    feature = "opentelemetry",
    feature = "sentry",
    feature = "macros",
    feature = "tonic",
    feature = "tokio"
))]

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_proto::tonic::common::v1::any_value;
use opentelemetry_proto::tonic::trace::v1 as proto;
use opentelemetry_sdk::trace::BatchConfigBuilder;
use serde_json::Value;
use spanstatus::Code;
use spanstatus::opentelemetry::code_from_proto_span;
use spanstatus::sentry::event::span_code;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

#[path = "../examples/errors/calls.rs"]
mod calls;
#[path = "support/otlp.rs"]
mod otlp;
#[path = "support/relay.rs"]
mod relay;

/// The spans of one round, in the order `calls::round` starts them, with the
/// status each failing call must have: (name, code, message). The refused
/// connect's message is the io error's own text, found by refusing a connect.
fn expected_failures(refused: &str) -> [(&'static str, Code, String); 6] {
    [
        ("connect", Code::Unavailable, refused.to_owned()),
        (
            "call_with_deadline",
            Code::DeadlineExceeded,
            "deadline has elapsed".to_owned(),
        ),
        // Its child, dropped by the deadline: CANCELLED, no message.
        ("backend", Code::Cancelled, String::new()),
        ("fetch_user", Code::NotFound, "no user 7".to_owned()),
        (
            "checkout",
            Code::FailedPrecondition,
            "cart 3 is empty".to_owned(),
        ),
        (
            "checkout",
            Code::ResourceExhausted,
            "12 items exceed the limit of 10".to_owned(),
        ),
    ]
}

/// The attribute keys our layer may write.
const STATUS_KEYS: [&str; 4] = [
    "error.type",
    "rpc.response.status_code",
    "rpc.grpc.status_code",
    "sentry.status.code",
];

fn string_attribute<'a>(span: &'a proto::Span, key: &str) -> Option<&'a str> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref()?.value.as_ref())
        .map(|value| match value {
            any_value::Value::StringValue(s) => s.as_str(),
            other => panic!("{key} is not a string: {other:?}"),
        })
}

fn has_attribute(span: &proto::Span, key: &str) -> bool {
    span.attributes.iter().any(|kv| kv.key == key)
}

/// The children of the round whose `fail` attribute is `fail`, in start order.
fn round_children(spans: &[proto::Span], fail: bool) -> Vec<&proto::Span> {
    let round = spans
        .iter()
        .find(|span| {
            span.name == "round"
                && span.attributes.iter().any(|kv| {
                    kv.key == "fail"
                        && kv.value.as_ref().and_then(|v| v.value.as_ref())
                            == Some(&any_value::Value::BoolValue(fail))
                })
        })
        .unwrap_or_else(|| panic!("no round with fail={fail}"));
    // `round` itself sets no status: it logs the outcomes.
    assert_eq!(round.status.as_ref().map_or(0, |s| s.code), 0);
    let mut children: Vec<_> = spans
        .iter()
        .filter(|span| span.parent_span_id == round.span_id)
        .collect();
    // `backend` is `call_with_deadline`'s child: one level further down.
    let deadline = children
        .iter()
        .find(|span| span.name == "call_with_deadline")
        .expect("call_with_deadline span")
        .span_id
        .clone();
    children.extend(spans.iter().filter(|span| span.parent_span_id == deadline));
    children.sort_by_key(|span| span.start_time_unix_nano);
    children
}

#[test]
fn errors_carry_their_codes_to_rotel_and_through_relay() {
    let (Some(rotel), Some(python)) = (otlp::rotel_binary(), relay::relay_python()) else {
        return;
    };
    let _serial = otlp::serial();
    let receiver = otlp::Receiver::start();
    let rotel = otlp::Rotel::start(&rotel, receiver.addr);
    let batch = BatchConfigBuilder::default().with_scheduled_delay(Duration::from_millis(50));
    let provider = otlp::exporting_provider(
        &receiver,
        otlp::Transport::Grpc,
        rotel.grpc_port,
        batch,
        Duration::from_secs(5),
    );

    let (_listener, ports) = calls::loopback_ports().unwrap();
    let refused = std::net::TcpStream::connect(ports.closed)
        .expect_err("the closed port refuses")
        .to_string();

    // The README's stack: fmt aside, the status layer and both exporters.
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus::tracing::fmt_layer())
        .with(spanstatus::opentelemetry::layer(
            tracing_opentelemetry::layer().with_tracer(provider.tracer("errors")),
        ))
        .with(spanstatus::sentry::span_layer().with_filter(LevelFilter::INFO));
    let dispatch = tracing::Dispatch::new(subscriber);
    // One thread: the Sentry hub the capture binds is this thread's.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let events = relay::capture(|| {
        tracing::dispatcher::with_default(&dispatch, || {
            runtime.block_on(async {
                calls::round(ports, false).await;
                calls::round(ports, true).await;
            })
        })
    });

    // ---- OpenTelemetry, at the receiver behind rotel ----
    provider.force_flush().unwrap();
    // 2 rounds of 1 + 6 spans.
    let spans = receiver.sink.take_at_least(14, Duration::from_secs(10));
    assert_eq!(spans.len(), 14, "{spans:#?}");

    let failing = round_children(&spans, true);
    let expected = expected_failures(&refused);
    assert_eq!(failing.len(), expected.len(), "{failing:#?}");
    for (span, (name, code, message)) in failing.iter().zip(&expected) {
        let what = format!("{name} {message:?}");
        assert_eq!(span.name, *name, "{what}");
        let status = span.status.as_ref().expect("a status");
        assert_eq!(
            status.code,
            proto::status::StatusCode::Error as i32,
            "{what}"
        );
        assert_eq!(status.message, *message, "{what}");
        assert_eq!(
            string_attribute(span, "error.type"),
            Some(code.as_str()),
            "{what}"
        );
        assert_eq!(code_from_proto_span(span), Ok(*code), "{what}");
    }

    let succeeding = round_children(&spans, false);
    let names: Vec<_> = succeeding.iter().map(|span| span.name.as_str()).collect();
    assert_eq!(
        names,
        expected
            .iter()
            .map(|(name, _, _)| *name)
            .collect::<Vec<_>>()
    );
    for span in succeeding {
        let status = span.status.as_ref().map_or(0, |s| s.code);
        assert_eq!(status, proto::status::StatusCode::Unset as i32, "{span:#?}");
        for key in STATUS_KEYS {
            assert!(!has_attribute(span, key), "{key} on {span:#?}");
        }
    }

    // ---- Sentry, through Relay's normalizer ----
    assert_eq!(events.len(), 2, "{events:#?}");
    let normalized = relay::normalize(&python, &events);
    let failing = relay::by_name(&normalized, "failing");
    assert!(failing.get("errors").is_none(), "{:#}", failing["errors"]);
    // The round itself sets no status: the client sends none (Relay then
    // stores `unknown`, its default for a transaction without a status).
    for round in ["failing", "succeeding"] {
        let sent = &relay::by_name(&events, round)["contexts"]["trace"];
        assert!(sent.get("status").is_none(), "{sent:#}");
        let stored = &relay::by_name(&normalized, round)["contexts"]["trace"];
        assert!(
            stored["data"].get("sentry.status.code").is_none(),
            "{stored:#}"
        );
    }
    let spans = failing["spans"].as_array().unwrap();
    assert_eq!(spans.len(), expected.len());
    for (name, code, message) in &expected {
        let span = spans
            .iter()
            .find(|span| {
                span["description"] == *name && span["data"]["sentry.status.code"] == code.as_str()
            })
            .unwrap_or_else(|| panic!("no {name} span with {code:?} in {failing:#}"));
        assert_eq!(span["status"], code.sentry_str(), "{name}");
        assert_eq!(span_code(span), Some(*code), "{name}");
        let stored = span["data"]
            .get("sentry.status.message")
            .and_then(Value::as_str);
        let message = (!message.is_empty()).then_some(message.as_str());
        assert_eq!(stored, message, "{name}");
    }
    let succeeding = relay::by_name(&normalized, "succeeding");
    let spans = succeeding["spans"].as_array().unwrap();
    assert_eq!(spans.len(), expected.len());
    for span in spans {
        assert!(span.get("status").is_none(), "{span:#}");
        assert!(span["data"].get("sentry.status.code").is_none(), "{span:#}");
    }
}
