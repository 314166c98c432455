//! Attributes by span type, the side of an exchange, and what traffic may
//! and may not replace, through tracing-opentelemetry and the SDK.

use opentelemetry::trace::{SpanKind, Status, TracerProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use spanstatus_core::{Code, CodeSet, Status as Canonical};
use spanstatus_opentelemetry::{Policy, StatusLayer, code_from_span_data};
use spanstatus_tracing::{CanonicalStatusExt, Exchange, ExchangeExt, Protocol, Side};
use tracing_subscriber::prelude::*;

type Otel = StatusLayer<
    tracing_opentelemetry::OpenTelemetryLayer<
        tracing_subscriber::Registry,
        opentelemetry_sdk::trace::SdkTracer,
    >,
>;

fn run(configure: impl FnOnce(Otel) -> Otel, f: impl FnOnce()) -> Vec<SpanData> {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("types"));
    let subscriber =
        tracing_subscriber::registry().with(configure(spanstatus_opentelemetry::layer(otel)));
    tracing::subscriber::with_default(subscriber, f);
    provider.force_flush().unwrap();
    exporter.get_finished_spans().unwrap()
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name}"))
}

/// Every attribute our layer may write, with its value rendered.
fn ours(span: &SpanData) -> Vec<(String, opentelemetry::Value)> {
    const KEYS: [&str; 4] = [
        "rpc.response.status_code",
        "error.type",
        "http.response.status_code",
        "rpc.grpc.status_code",
    ];
    span.attributes
        .iter()
        .filter(|kv| KEYS.contains(&kv.key.as_str()))
        .map(|kv| (kv.key.to_string(), kv.value.clone()))
        .collect()
}

fn kv(key: &str, value: impl Into<opentelemetry::Value>) -> (String, opentelemetry::Value) {
    (key.to_owned(), value.into())
}

#[test]
fn a_code_set_by_hand_stays_and_traffic_fills_in_the_rest() {
    let spans = run(
        |l| l,
        || {
            // The handler's DATA_LOSS stays; the layer's 500 adds the number.
            let span = tracing::info_span!("data_loss", otel.kind = "server");
            span.set_canonical_status(Code::DataLoss, "row checksum");
            span.record_exchange(Exchange::http_response(Side::Server, 500));
            drop(span);
            // An expected 404 the handler calls OK.
            let span = tracing::info_span!("expected_404", otel.kind = "server");
            span.set_canonical_code(Code::Ok);
            span.record_exchange(Exchange::http_response(Side::Server, 404));
            drop(span);
            // A 200, then the body fails: the later traffic wins.
            let span = tracing::info_span!("body_error", otel.kind = "client");
            span.record_exchange(Exchange::http_response(Side::Client, 200));
            span.record_exchange(
                Exchange::failure(
                    Side::Client,
                    Protocol::Http,
                    Canonical::new(Code::DataLoss, "body cut"),
                )
                .with_error_type("body"),
            );
        },
    );
    let data_loss = named(&spans, "data_loss");
    assert_eq!(data_loss.status, Status::error("row checksum"));
    assert_eq!(
        ours(data_loss),
        [
            kv("error.type", "500"),
            kv("http.response.status_code", 500)
        ]
    );
    let expected = named(&spans, "expected_404");
    assert_eq!(expected.status, Status::Ok);
    assert_eq!(ours(expected), [kv("http.response.status_code", 404)]);
    // The code the 404 maps to, not the handler's OK: documented.
    assert_eq!(code_from_span_data(expected), Ok(Code::NotFound));
    let body = named(&spans, "body_error");
    assert_eq!(body.status, Status::error("body cut"));
    // The 200 stays recorded: the response had it, its body then failed.
    assert_eq!(
        ours(body),
        [
            kv("error.type", "body"),
            kv("http.response.status_code", 200)
        ]
    );
}

#[test]
fn the_side_picks_the_policy_and_the_kind_of_a_span_not_yet_started() {
    let not_found =
        || Exchange::grpc_status(Side::Server, Canonical::new(Code::NotFound, "no user"));
    let spans = run(
        |l| l,
        || {
            // Never entered: the OTel span is still a builder at close.
            let span = tracing::info_span!("not_started");
            span.record_exchange(not_found());
            drop(span);
            // Entered: tracing-opentelemetry started the span on enter, and
            // the SDK cannot change a started span's kind.
            let span = tracing::info_span!("started");
            span.in_scope(|| span.record_exchange(not_found()));
            drop(span);
            // A declared kind wins over the exchange's side.
            let span = tracing::info_span!("declared", otel.kind = "client");
            span.record_exchange(not_found());
        },
    );
    let not_started = named(&spans, "not_started");
    assert_eq!(not_started.span_kind, SpanKind::Server);
    assert_eq!(not_started.status, Status::Unset);
    assert_eq!(
        ours(not_started),
        [kv("rpc.response.status_code", "NOT_FOUND")]
    );
    let started = named(&spans, "started");
    assert_eq!(started.span_kind, SpanKind::Internal);
    assert_eq!(
        started.status,
        Status::Unset,
        "the server policy still applies"
    );
    let declared = named(&spans, "declared");
    assert_eq!(declared.span_kind, SpanKind::Client);
    assert_eq!(declared.status, Status::error("no user"));
}

#[test]
fn a_policy_per_side_reaches_spans_that_declare_a_kind() {
    let strict = Policy::custom(CodeSet::SERVER_ERRORS.with(Code::NotFound)).unwrap();
    let lenient = Policy::custom(CodeSet::SERVER_ERRORS).unwrap();
    let spans = run(
        |l| l.with_server_policy(strict).with_client_policy(lenient),
        || {
            let span = tracing::info_span!("server", otel.kind = "server");
            span.set_canonical_status(Code::NotFound, "no user");
            drop(span);
            let span = tracing::info_span!("client", otel.kind = "client");
            span.set_canonical_status(Code::NotFound, "no user");
            drop(span);
            // No declared kind: the exchange's side picks the policy.
            let span = tracing::info_span!("side");
            span.record_exchange(Exchange::grpc_status(Side::Server, Code::NotFound));
            drop(span);
            // Neither server nor client: the layer's default policy.
            let span = tracing::info_span!("internal", otel.kind = "internal");
            span.set_canonical_status(Code::NotFound, "no user");
        },
    );
    assert_eq!(named(&spans, "server").status, Status::error("no user"));
    assert_eq!(named(&spans, "client").status, Status::Unset);
    assert_eq!(named(&spans, "side").status, Status::error(""));
    assert_eq!(named(&spans, "internal").status, Status::error("no user"));
}

#[test]
fn declared_http_spans_without_a_response_use_the_code() {
    let spans = run(
        |l| l,
        || {
            let span =
                tracing::info_span!("server", http.request.method = "GET", otel.kind = "server");
            span.set_canonical_status(Code::NotFound, "no user");
            drop(span);
            let span =
                tracing::info_span!("client", http.request.method = "GET", otel.kind = "client");
            span.set_canonical_status(Code::Unavailable, "refused");
        },
    );
    let server = named(&spans, "server");
    assert_eq!(server.status, Status::Unset);
    assert!(ours(server).is_empty());
    let client = named(&spans, "client");
    assert_eq!(client.status, Status::error("refused"));
    assert_eq!(ours(client), [kv("error.type", "UNAVAILABLE")]);
    assert_eq!(code_from_span_data(client), Ok(Code::Unavailable));
}

#[test]
fn a_response_your_rules_classify_follows_the_kind_and_keeps_the_number() {
    let spans = run(
        |l| l,
        || {
            // A client that expects 404s: OK, instrumentation's, so Unset.
            let span = tracing::info_span!("expected", otel.kind = "client");
            span.record_exchange(Exchange::http_response(Side::Client, 404).classified(Code::Ok));
            drop(span);
            // A client 404 made INTERNAL: an error, the number as error.type.
            let span = tracing::info_span!("client_internal", otel.kind = "client");
            span.record_exchange(
                Exchange::http_response(Side::Client, 404)
                    .classified(Canonical::new(Code::Internal, "bad")),
            );
            drop(span);
            // A server 404 made INTERNAL: an error by the server's policy;
            // the number is no error on a server, so the code names it.
            let span = tracing::info_span!("server_internal", otel.kind = "server");
            span.record_exchange(
                Exchange::http_response(Side::Server, 404)
                    .classified(Canonical::new(Code::Internal, "bad")),
            );
            drop(span);
            // The code the number maps to, chosen by a classifier: the server's
            // policy, which leaves NOT_FOUND Unset as the HTTP rules would.
            let span = tracing::info_span!("same_code", otel.kind = "server");
            span.record_exchange(
                Exchange::http_response(Side::Server, 404)
                    .classified(Canonical::new(Code::NotFound, "gone")),
            );
            drop(span);
            // A 200 read from traffic is OK, and stays Unset.
            let span = tracing::info_span!("traffic_ok", otel.kind = "server");
            span.record_exchange(Exchange::http_response(Side::Server, 200));
        },
    );
    let expected = named(&spans, "expected");
    assert_eq!(expected.status, Status::Unset);
    assert_eq!(ours(expected), [kv("http.response.status_code", 404)]);
    let client = named(&spans, "client_internal");
    assert_eq!(client.status, Status::error("bad"));
    assert_eq!(
        ours(client),
        [
            kv("error.type", "404"),
            kv("http.response.status_code", 404)
        ]
    );
    let server = named(&spans, "server_internal");
    assert_eq!(server.status, Status::error("bad"));
    assert_eq!(
        ours(server),
        [
            kv("error.type", "INTERNAL"),
            kv("http.response.status_code", 404)
        ]
    );
    let same = named(&spans, "same_code");
    assert_eq!(same.status, Status::Unset);
    assert_eq!(ours(same), [kv("http.response.status_code", 404)]);
    let ok = named(&spans, "traffic_ok");
    assert_eq!(ok.status, Status::Unset);
}

#[test]
fn a_grpc_call_its_caller_dropped_is_a_client_error_as_a_cancelled_status_is() {
    let spans = run(
        |l| l,
        || {
            // The caller dropped the call (the tower layer's cancel).
            let span = tracing::info_span!("dropped");
            span.record_exchange(Exchange::dropped(
                Side::Client,
                Protocol::Grpc,
                Canonical::new(Code::Cancelled, "dropped"),
            ));
            drop(span);
            // A server whose client went away: the client's choice, no error.
            let span = tracing::info_span!("server_dropped", otel.kind = "server");
            span.record_exchange(Exchange::dropped(
                Side::Server,
                Protocol::Grpc,
                Canonical::new(Code::Cancelled, "went away"),
            ));
            drop(span);
            // The server answered `grpc-status: 1`.
            let span = tracing::info_span!("answered");
            span.record_exchange(Exchange::grpc_status(
                Side::Client,
                Canonical::new(Code::Cancelled, "stop"),
            ));
            drop(span);
            // Another failure recorded the same way stays a client error.
            let span = tracing::info_span!("timed_out");
            span.record_exchange(Exchange::failure(
                Side::Client,
                Protocol::Grpc,
                Canonical::new(Code::DeadlineExceeded, "late"),
            ));
        },
    );
    let dropped = named(&spans, "dropped");
    assert_eq!(dropped.span_kind, SpanKind::Client);
    assert_eq!(dropped.status, Status::error("dropped"));
    assert_eq!(
        ours(dropped),
        [
            kv("rpc.response.status_code", "CANCELLED"),
            kv("error.type", "CANCELLED")
        ]
    );
    assert_eq!(code_from_span_data(dropped), Ok(Code::Cancelled));
    let server_dropped = named(&spans, "server_dropped");
    assert_eq!(server_dropped.span_kind, SpanKind::Server);
    assert_eq!(server_dropped.status, Status::Unset);
    assert_eq!(
        ours(server_dropped),
        [kv("rpc.response.status_code", "CANCELLED")]
    );
    let answered = named(&spans, "answered");
    assert_eq!(answered.status, Status::error("stop"));
    assert_eq!(
        ours(answered),
        [
            kv("rpc.response.status_code", "CANCELLED"),
            kv("error.type", "CANCELLED")
        ]
    );
    let timed_out = named(&spans, "timed_out");
    assert_eq!(timed_out.status, Status::error("late"));
    assert_eq!(
        ours(timed_out),
        [
            kv("rpc.response.status_code", "DEADLINE_EXCEEDED"),
            kv("error.type", "DEADLINE_EXCEEDED")
        ]
    );
}

/// The status goes to the OpenTelemetry span of the subscriber the span
/// belongs to, even when it closes where another subscriber is the default
/// (a handle moved into another dispatcher's scope): the layer reaches its
/// span through the dispatcher it was registered in, not the thread's.
#[test]
fn a_span_closed_under_another_default_subscriber_keeps_its_status() {
    fn pipeline() -> (InMemorySpanExporter, SdkTracerProvider, tracing::Dispatch) {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("types"));
        let subscriber = tracing_subscriber::registry().with(spanstatus_opentelemetry::layer(otel));
        (exporter, provider, tracing::Dispatch::new(subscriber))
    }
    let (home_exporter, home_provider, home) = pipeline();
    let (other_exporter, other_provider, other) = pipeline();
    let span = tracing::dispatcher::with_default(&home, || {
        let span = tracing::info_span!("moved", rpc.system.name = "grpc");
        span.in_scope(|| {});
        span.set_canonical_status(Code::NotFound, "no user 7");
        span
    });
    // The other subscriber has a span with the same id: it must stay untouched.
    tracing::dispatcher::with_default(&other, || {
        let bystander = tracing::info_span!("bystander");
        bystander.in_scope(|| drop(span));
    });
    home_provider.force_flush().unwrap();
    other_provider.force_flush().unwrap();
    let home_spans = home_exporter.get_finished_spans().unwrap();
    let moved = named(&home_spans, "moved");
    assert_eq!(moved.status, Status::error("no user 7"));
    assert_eq!(
        ours(moved),
        [
            kv("rpc.response.status_code", "NOT_FOUND"),
            kv("error.type", "NOT_FOUND"),
        ]
    );
    let other_spans = other_exporter.get_finished_spans().unwrap();
    let bystander = named(&other_spans, "bystander");
    assert_eq!(bystander.status, Status::Unset);
    assert!(ours(bystander).is_empty(), "{:?}", bystander.attributes);
}

/// The 408 rule lives in the record: by hand, a server's 408 exports as the
/// tower layers export tower-http's timeout; a client's by the HTTP rules.
#[test]
fn a_408_recorded_by_hand_exports_what_the_layer_exports() {
    let spans = run(
        |l| l,
        || {
            for (name, side) in [("server", Side::Server), ("client", Side::Client)] {
                let span = tracing::info_span!("408", otel.name = name, otel.kind = name);
                span.record_exchange(Exchange::http_response(side, 408));
            }
        },
    );
    let server = named(&spans, "server");
    assert_eq!(server.status, Status::error(""));
    assert_eq!(
        ours(server),
        [
            kv("error.type", "timeout"),
            kv("http.response.status_code", 408)
        ]
    );
    let client = named(&spans, "client");
    assert_eq!(client.status, Status::error(""));
    assert_eq!(
        ours(client),
        [
            kv("error.type", "408"),
            kv("http.response.status_code", 408)
        ]
    );
}

#[test]
fn a_panic_is_an_error_with_error_type_panic_on_every_span_type() {
    let spans = run(
        |l| l,
        || {
            let payload: Box<dyn std::any::Any + Send> = Box::new("no row 7");
            let span = tracing::info_span!("http_server", otel.kind = "server");
            span.record_exchange(Exchange::http_response(Side::Server, 200));
            span.record_exchange(Exchange::panicked(Side::Server, Protocol::Http, &*payload));
            drop(span);
            let span = tracing::info_span!("grpc_client");
            // A status set by code before the panic: the panic beats it.
            span.set_canonical_code(Code::Ok);
            span.record_exchange(Exchange::panicked(Side::Client, Protocol::Grpc, &*payload));
            drop(span);
            let span = tracing::info_span!("plain");
            span.set_canonical_code(Code::Ok);
            span.record_panic(&*payload);
        },
    );
    let http = named(&spans, "http_server");
    assert_eq!(http.status, Status::error("panicked: no row 7"));
    assert_eq!(
        ours(http),
        [
            kv("error.type", "panic"),
            kv("http.response.status_code", 200)
        ]
    );
    let grpc = named(&spans, "grpc_client");
    assert_eq!(grpc.span_kind, SpanKind::Client);
    assert_eq!(grpc.status, Status::error("panicked: no row 7"));
    assert_eq!(
        ours(grpc),
        [
            kv("rpc.response.status_code", "UNKNOWN"),
            kv("error.type", "panic")
        ]
    );
    let plain = named(&spans, "plain");
    assert_eq!(plain.status, Status::error("panicked: no row 7"));
    assert_eq!(ours(plain), [kv("error.type", "panic")]);
}
