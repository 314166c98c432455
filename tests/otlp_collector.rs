//! End to end through a real OTLP collector: `tracing` spans with a canonical
//! status → `spanstatus::opentelemetry` → tracing-opentelemetry → the SDK's
//! batch processor → opentelemetry-otlp (gRPC or HTTP) → `rotel` on loopback
//! → an OTLP gRPC receiver inside this test, which checks what arrived.
//!
//! `rotel-agent` is found through the environment variable
//! `SPANSTATUS_ROTEL` (`eval "$(scripts/python-deps.sh)"` installs it and
//! prints the export). Without it the tests fail when `CI` is set and are
//! skipped with a warning otherwise.
#![cfg(feature = "opentelemetry")]

use std::collections::{BTreeMap, HashSet};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::common::v1::any_value;
use opentelemetry_proto::tonic::trace::v1 as proto;
use opentelemetry_sdk::trace::BatchConfigBuilder;
use spanstatus::SetStatusExt;
use spanstatus::Status;
use spanstatus::opentelemetry::{OkMapping, Policy, ReadCodeError, code_from_proto_span};
use spanstatus::prelude::*;
use spanstatus::tracing::{Exchange, ExchangeExt, Protocol, Side};

#[path = "support/otlp.rs"]
mod otlp;
use otlp::{App, Receiver, Rotel, Transport, rotel_binary, serial};

fn small_batches() -> BatchConfigBuilder {
    BatchConfigBuilder::default()
        .with_scheduled_delay(Duration::from_millis(50))
        .with_max_export_batch_size(512)
        .with_max_queue_size(4096)
}

// ---------------------------------------------------------------------------
// What a span should look like at the receiver, written out independently.
// ---------------------------------------------------------------------------

/// Semantic conventions for gRPC 1.42: the codes that make a SERVER span an error.
const SERVER_ERRORS: [&str; 6] = [
    "UNKNOWN",
    "DEADLINE_EXCEEDED",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Client,
    Internal,
    Server,
}

fn attribute<'a>(span: &'a proto::Span, key: &str) -> Vec<&'a any_value::Value> {
    span.attributes
        .iter()
        .filter(|kv| kv.key == key)
        .filter_map(|kv| kv.value.as_ref().and_then(|v| v.value.as_ref()))
        .collect()
}

fn string(value: &str) -> any_value::Value {
    any_value::Value::StringValue(value.to_owned())
}

/// The type of span an expectation is for.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Type {
    /// Declares `rpc.system`.
    Rpc,
    /// Declares nothing.
    Other,
}

/// Checks one received span against the expectations for `code` on a span
/// of `span_type` and `kind` with `message`, OK mapped as `ok`, legacy
/// attribute or not: the status, and every attribute we may write, present
/// or absent, with its type.
fn check_span(
    span: &proto::Span,
    span_type: Type,
    code: Code,
    kind: Kind,
    message: &str,
    ok: OkMapping,
    legacy: bool,
) {
    use proto::status::StatusCode;
    let what = format!("{} ({code} on {span_type:?} {kind:?})", span.name);
    let is_error =
        code != Code::Ok && (kind != Kind::Server || SERVER_ERRORS.contains(&code.as_str()));
    let status = span
        .status
        .as_ref()
        .unwrap_or_else(|| panic!("{what}: no status"));
    let (expected_code, expected_message) = if is_error {
        (StatusCode::Error, message)
    } else if code == Code::Ok && ok == OkMapping::Ok {
        (StatusCode::Ok, "")
    } else {
        (StatusCode::Unset, "")
    };
    assert_eq!(status.code, expected_code as i32, "{what}: status code");
    assert_eq!(status.message, expected_message, "{what}: status message");
    let expected_kind = match kind {
        Kind::Client => proto::span::SpanKind::Client,
        Kind::Internal => proto::span::SpanKind::Internal,
        Kind::Server => proto::span::SpanKind::Server,
    };
    assert_eq!(span.kind, expected_kind as i32, "{what}: kind");
    let rpc_code = attribute(span, "rpc.response.status_code");
    match span_type {
        Type::Rpc => assert_eq!(
            rpc_code,
            [&string(code.as_str())],
            "{what}: rpc.response.status_code"
        ),
        Type::Other => assert!(rpc_code.is_empty(), "{what}: {rpc_code:?}"),
    }
    let error_type = attribute(span, "error.type");
    if is_error {
        assert_eq!(error_type, [&string(code.as_str())], "{what}: error.type");
    } else {
        assert!(error_type.is_empty(), "{what}: error.type = {error_type:?}");
    }
    let http = attribute(span, "http.response.status_code");
    assert!(http.is_empty(), "{what}: {http:?}");
    let legacy_values = attribute(span, "rpc.grpc.status_code");
    if legacy && span_type == Type::Rpc {
        assert_eq!(
            legacy_values,
            [&any_value::Value::IntValue(code as i64)],
            "{what}: rpc.grpc.status_code"
        );
    } else {
        assert!(legacy_values.is_empty(), "{what}: {legacy_values:?}");
    }
    let read = code_from_proto_span(span);
    if span_type == Type::Rpc || expected_code != StatusCode::Unset {
        assert_eq!(read, Ok(code), "{what}: code read back");
    } else {
        // An Unset span of type Other keeps no code: too little to tell.
        assert_eq!(
            read,
            Err(ReadCodeError::TooLittle { status: "Unset" }),
            "{what}: code read back"
        );
    }
}

/// The HTTP status codes every run sends, on both sides.
const HTTP_STATUSES: [u16; 13] = [
    100, 200, 204, 304, 400, 401, 404, 429, 499, 500, 503, 504, 599,
];

/// Emits, for every code, an RPC and an Other span of each kind (client,
/// internal, server; the server's status set from a child, as a handler
/// would), named `"<type>/<kind>/<CODE>"`; and for every HTTP status an
/// HTTP span of each side, `"http/<side>/<status>"`; and two HTTP client
/// failures, `"http/client/timeout"` and `"http/client/cancelled"`.
fn emit_all_codes() -> usize {
    let mut n = 0;
    for code in Code::ALL {
        let message = format!("{} happened", code.as_str().to_lowercase());
        for rpc in [true, false] {
            let prefix = if rpc { "rpc" } else { "other" };
            let system = if rpc { "grpc" } else { "" };
            // `rpc.system` declared only on RPC spans: two callsites.
            let (client, internal, server) = if rpc {
                (
                    tracing::info_span!(
                        "c",
                        otel.name = format!("{prefix}/client/{code}"),
                        otel.kind = "client",
                        rpc.system = system
                    ),
                    tracing::info_span!(
                        "i",
                        otel.name = format!("{prefix}/internal/{code}"),
                        rpc.system = system
                    ),
                    tracing::info_span!(
                        "s",
                        otel.name = format!("{prefix}/server/{code}"),
                        otel.kind = "server",
                        rpc.system = system
                    ),
                )
            } else {
                (
                    tracing::info_span!(
                        "c",
                        otel.name = format!("{prefix}/client/{code}"),
                        otel.kind = "client"
                    ),
                    tracing::info_span!("i", otel.name = format!("{prefix}/internal/{code}")),
                    tracing::info_span!(
                        "s",
                        otel.name = format!("{prefix}/server/{code}"),
                        otel.kind = "server"
                    ),
                )
            };
            client.set_status(code, message.clone());
            drop(client);
            let entered = internal.enter();
            internal.set_status(code, message.clone());
            drop(entered);
            drop(internal);
            server.in_scope(|| {
                let child =
                    tracing::info_span!("handler", otel.name = format!("{prefix}/handler/{code}"));
                child.set_parent_canonical_status(code, message.clone());
            });
            drop(server);
            n += 4;
        }
    }
    for status in HTTP_STATUSES {
        for (side, kind) in [(Side::Client, "client"), (Side::Server, "server")] {
            let span = tracing::info_span!(
                "http",
                otel.name = format!("http/{kind}/{status}"),
                otel.kind = kind,
                http.request.method = "GET"
            );
            let _entered = span.enter();
            span.record_exchange(Exchange::http_response(side, status));
            n += 1;
        }
    }
    let failures = [
        (
            "timeout",
            Status::new(Code::DeadlineExceeded, "took too long"),
        ),
        (
            "cancelled",
            Status::new(Code::Cancelled, "the caller gave up"),
        ),
    ];
    for (error_type, status) in failures {
        let span = tracing::info_span!(
            "http",
            otel.name = format!("http/client/{error_type}"),
            otel.kind = "client",
            http.request.method = "GET"
        );
        span.record_exchange(Exchange::failure(Side::Client, Protocol::Http, status));
        n += 1;
    }
    n
}

/// An HTTP span with a response `status` on `side`: the HTTP rules, the
/// number as an int, `error.type` the number as a string when an error.
fn check_http_span(span: &proto::Span, status: u16, server: bool) {
    use proto::status::StatusCode;
    let what = span.name.as_str();
    let is_error = !(100..500).contains(&status) || (!server && status >= 400);
    let got = span.status.as_ref().expect("a status");
    let expected = if is_error {
        StatusCode::Error
    } else {
        StatusCode::Unset
    };
    assert_eq!(got.code, expected as i32, "{what}: status");
    assert_eq!(got.message, "", "{what}: the number says it all");
    assert_eq!(
        attribute(span, "http.response.status_code"),
        [&any_value::Value::IntValue(i64::from(status))],
        "{what}: http.response.status_code is an int"
    );
    let error_type = attribute(span, "error.type");
    if is_error {
        assert_eq!(error_type, [&string(&status.to_string())], "{what}");
    } else {
        assert!(error_type.is_empty(), "{what}: {error_type:?}");
    }
    for key in ["rpc.response.status_code", "rpc.grpc.status_code"] {
        assert!(attribute(span, key).is_empty(), "{what}: {key}");
    }
    assert_eq!(
        code_from_proto_span(span),
        Ok(Code::from_http_status(status)),
        "{what}"
    );
}

fn check_all_codes(spans: &[proto::Span], ok: OkMapping, legacy: bool) {
    let by_name: BTreeMap<&str, &proto::Span> =
        spans.iter().map(|s| (s.name.as_str(), s)).collect();
    assert_eq!(by_name.len(), spans.len(), "duplicate span names arrived");
    let named = |name: &str| {
        *by_name
            .get(name)
            .unwrap_or_else(|| panic!("{name} did not arrive"))
    };
    for code in Code::ALL {
        let message = format!("{} happened", code.as_str().to_lowercase());
        for (prefix, span_type) in [("rpc", Type::Rpc), ("other", Type::Other)] {
            for (side, kind) in [
                ("client", Kind::Client),
                ("internal", Kind::Internal),
                ("server", Kind::Server),
            ] {
                let span = named(&format!("{prefix}/{side}/{code}"));
                check_span(span, span_type, code, kind, &message, ok, legacy);
            }
            let handler = named(&format!("{prefix}/handler/{code}"));
            assert!(
                handler
                    .attributes
                    .iter()
                    .all(|kv| !kv.key.starts_with("rpc.response"))
            );
            assert_eq!(
                handler.parent_span_id,
                named(&format!("{prefix}/server/{code}")).span_id
            );
        }
    }
    for status in HTTP_STATUSES {
        check_http_span(named(&format!("http/client/{status}")), status, false);
        check_http_span(named(&format!("http/server/{status}")), status, true);
    }
    use proto::status::StatusCode;
    let timeout = named("http/client/timeout");
    let got = timeout.status.as_ref().unwrap();
    assert_eq!(
        (got.code, got.message.as_str()),
        (StatusCode::Error as i32, "took too long")
    );
    assert_eq!(attribute(timeout, "error.type"), [&string("timeout")]);
    assert!(attribute(timeout, "http.response.status_code").is_empty());
    assert_eq!(code_from_proto_span(timeout), Ok(Code::DeadlineExceeded));
    // semconv 1.41: a client whose caller cancelled stays Unset, no error.type.
    let cancelled = named("http/client/cancelled");
    assert_eq!(
        cancelled.status.as_ref().map_or(0, |s| s.code),
        StatusCode::Unset as i32
    );
    assert!(attribute(cancelled, "error.type").is_empty());
}

// ---------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------

/// Every code on every span kind, through rotel over `transport`: what
/// arrives has the status and attributes `ok` and `legacy` call for.
fn all_codes_through(
    transport: Transport,
    configure: impl FnOnce(otlp::OtelLayer) -> otlp::OtelLayer,
    ok: OkMapping,
    legacy: bool,
) {
    let Some(binary) = rotel_binary() else { return };
    let _serial = serial();
    let receiver = Receiver::start();
    let rotel = Rotel::start(&binary, receiver.addr);
    let port = match transport {
        Transport::Grpc => rotel.grpc_port,
        Transport::Http => rotel.http_port,
    };
    let app = App::new(
        &receiver,
        transport,
        port,
        small_batches(),
        Duration::from_secs(5),
        configure,
    );

    let n = app.run(emit_all_codes);
    let spans = app.deliver(&receiver, n, Duration::from_secs(20));
    assert_eq!(spans.len(), n, "spans delivered by the collector");
    check_all_codes(&spans, ok, legacy);
    app.provider.shutdown().unwrap();
}

#[test]
fn grpc_all_codes_client_internal_and_server() {
    all_codes_through(Transport::Grpc, |l| l, OkMapping::Ok, false);
}

#[test]
fn http_all_codes_instrumentation_policy_with_legacy_attribute() {
    // Spans are exported from the batch processor's own thread, never from a
    // tokio worker, as reqwest's blocking client requires.
    all_codes_through(
        Transport::Http,
        |l| {
            l.with_ok(OkMapping::Unset)
                .with_legacy_grpc_status_code(true)
        },
        OkMapping::Unset,
        true,
    );
}

#[test]
fn explicit_server_policy_on_spans_without_kind() {
    let Some(binary) = rotel_binary() else { return };
    let _serial = serial();
    let receiver = Receiver::start();
    let rotel = Rotel::start(&binary, receiver.addr);
    let app = App::new(
        &receiver,
        Transport::Grpc,
        rotel.grpc_port,
        small_batches(),
        Duration::from_secs(5),
        |l| l.with_policy(Policy::SERVER),
    );
    app.run(|| {
        for code in Code::ALL {
            let span = tracing::info_span!("work", otel.name = code.as_str(), rpc.system = "grpc");
            span.set_status(code, "m");
        }
    });
    let spans = app.deliver(&receiver, 17, Duration::from_secs(20));
    assert_eq!(spans.len(), 17);
    for span in &spans {
        let code: Code = span.name.parse().unwrap();
        // Exported as INTERNAL, mapped with the server table.
        let is_error = SERVER_ERRORS.contains(&code.as_str());
        let status = span.status.as_ref().unwrap();
        let expected = if is_error {
            proto::status::StatusCode::Error
        } else if code == Code::Ok {
            proto::status::StatusCode::Ok
        } else {
            proto::status::StatusCode::Unset
        };
        assert_eq!(status.code, expected as i32, "{}", span.name);
        assert_eq!(span.kind, proto::span::SpanKind::Internal as i32);
        assert_eq!(code_from_proto_span(span), Ok(code));
    }
    app.provider.shutdown().unwrap();
}

const LOAD: usize = 100_000;

#[test]
fn load_100k_spans_every_status_arrives() {
    let Some(binary) = rotel_binary() else { return };
    let _serial = serial();
    let receiver = Receiver::start();
    let rotel = Rotel::start(&binary, receiver.addr);
    // The queue holds every span: the batch processor drops spans when it is full.
    let batch = BatchConfigBuilder::default()
        .with_scheduled_delay(Duration::from_millis(100))
        .with_max_export_batch_size(4096)
        .with_max_queue_size(LOAD + 1);
    let app = App::new(
        &receiver,
        Transport::Grpc,
        rotel.grpc_port,
        batch,
        Duration::from_secs(20),
        |l| l,
    );

    let started = Instant::now();
    let threads = 2;
    std::thread::scope(|scope| {
        for t in 0..threads {
            let dispatch = app.dispatch.clone();
            scope.spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    for i in (t..LOAD).step_by(threads) {
                        let code = Code::ALL[i % 17];
                        let span = tracing::info_span!("load", otel.name = i, otel.kind = "client");
                        let _entered = span.enter();
                        span.set_status(code, "load");
                    }
                });
            });
        }
    });
    let emitted = started.elapsed();
    let spans = app.deliver(&receiver, LOAD, Duration::from_secs(60));
    let delivered = started.elapsed();

    let mut seen = HashSet::with_capacity(LOAD);
    let mut duplicates = 0;
    let mut per_code = [0usize; 17];
    for span in &spans {
        let i: usize = span.name.parse().unwrap();
        if !seen.insert(i) {
            duplicates += 1;
        }
        let code = Code::ALL[i % 17];
        assert_eq!(code_from_proto_span(span), Ok(code), "span {i}");
        let status = span.status.as_ref().unwrap();
        let expected = if code == Code::Ok {
            proto::status::StatusCode::Ok
        } else {
            proto::status::StatusCode::Error
        };
        assert_eq!(status.code, expected as i32, "span {i}");
        if code != Code::Ok {
            assert_eq!(status.message, "load");
        }
        per_code[code as usize] += 1;
    }
    eprintln!(
        "load: {LOAD} spans emitted in {emitted:?}, {} delivered ({} unique, {duplicates} duplicates) after {delivered:?}; per code {per_code:?}",
        spans.len(),
        seen.len()
    );
    assert_eq!(
        seen.len(),
        LOAD,
        "spans lost on the way: {}",
        LOAD - seen.len()
    );
    assert_eq!(duplicates, 0);
    for (n, count) in per_code.iter().enumerate() {
        let expected = (0..LOAD).filter(|i| i % 17 == n).count();
        assert_eq!(*count, expected, "code {n}");
    }
    app.provider.shutdown().unwrap();
}

#[test]
fn collector_down_then_back() {
    let Some(binary) = rotel_binary() else { return };
    let _serial = serial();
    let receiver = Receiver::start();
    let rotel = Rotel::start(&binary, receiver.addr);
    let (grpc_port, http_port) = (rotel.grpc_port, rotel.http_port);
    let timeout = Duration::from_secs(1);
    let app = App::new(
        &receiver,
        Transport::Grpc,
        rotel.grpc_port,
        small_batches(),
        timeout,
        |l| l,
    );
    let emit = |prefix: &str| {
        app.run(|| {
            for code in Code::ALL {
                let span = tracing::info_span!(
                    "op",
                    otel.name = format!("{prefix}/{code}"),
                    rpc.system = "grpc"
                );
                span.set_status(code, format!("{prefix} {code}"));
            }
        })
    };

    // Up: spans arrive.
    emit("before");
    app.provider.force_flush().unwrap();
    let before = receiver.sink.take_at_least(17, Duration::from_secs(20));
    assert_eq!(before.len(), 17);

    // Down: emitting never blocks on the exporter, flushing gives up within
    // the exporter's timeout, nothing panics.
    drop(rotel);
    let started = Instant::now();
    emit("down");
    let emit_time = started.elapsed();
    let started = Instant::now();
    let flushed = app.provider.force_flush();
    let flush_time = started.elapsed();
    eprintln!("collector down: emit {emit_time:?}, force_flush {flush_time:?} -> {flushed:?}");
    assert!(
        emit_time < Duration::from_millis(500),
        "emitting blocked for {emit_time:?}"
    );
    assert!(
        flush_time < timeout + Duration::from_millis(500),
        "force_flush blocked for {flush_time:?}, exporter timeout {timeout:?}"
    );

    // Back on the same ports: new spans arrive with their statuses.
    let _rotel = Rotel::restart(&binary, receiver.addr, grpc_port, http_port);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut after = Vec::new();
    let mut round = 0;
    while Instant::now() < deadline {
        round += 1;
        emit(&format!("after{round}"));
        let _ = app.provider.force_flush();
        after.extend(receiver.sink.take_at_least(17, Duration::from_secs(2)));
        if after.iter().any(|s| s.name.starts_with("after")) {
            break;
        }
    }
    let down_delivered = after.iter().filter(|s| s.name.starts_with("down/")).count();
    let after: Vec<_> = after
        .into_iter()
        .filter(|s| s.name.starts_with("after"))
        .collect();
    eprintln!(
        "collector back after {round} round(s); {down_delivered} spans from the outage delivered late"
    );
    assert!(
        !after.is_empty(),
        "no span arrived after the collector came back"
    );
    // Every round that made it arrived whole, with correct statuses.
    let mut rounds: BTreeMap<&str, usize> = BTreeMap::new();
    for span in &after {
        let (round, code) = span.name.split_once('/').unwrap();
        *rounds.entry(round).or_default() += 1;
        let code: Code = code.parse().unwrap();
        check_span(
            span,
            Type::Rpc,
            code,
            Kind::Internal,
            &format!("{round} {code}"),
            OkMapping::Ok,
            false,
        );
    }
    let last = format!("after{round}");
    assert_eq!(rounds.get(last.as_str()), Some(&17), "{rounds:?}");
    app.provider.shutdown().unwrap();
}

/// A collector that accepts connections and never answers: the exporter's
/// timeout bounds how long a flush waits; the application is not blocked.
#[test]
fn hanging_collector_is_bounded_by_the_exporter_timeout() {
    // Needs no rotel: the "collector" is a socket that never answers.
    let _serial = serial();
    let receiver = Receiver::start();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = Arc::new(Mutex::new(Vec::new()));
    {
        let held = held.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                held.lock().unwrap().push(stream);
            }
        });
    }
    let timeout = Duration::from_secs(1);
    for transport in [Transport::Grpc, Transport::Http] {
        let app = App::new(&receiver, transport, port, small_batches(), timeout, |l| l);
        let started = Instant::now();
        app.run(|| {
            for code in Code::ALL {
                tracing::info_span!("op").set_status(code, "m");
            }
        });
        let emit_time = started.elapsed();
        let started = Instant::now();
        let flushed = app.provider.force_flush();
        let flush_time = started.elapsed();
        eprintln!(
            "hanging collector: emit {emit_time:?}, force_flush {flush_time:?} -> {flushed:?}"
        );
        assert!(
            emit_time < Duration::from_millis(500),
            "emitting blocked for {emit_time:?}"
        );
        assert!(
            flushed.is_err(),
            "a flush to a silent collector cannot succeed"
        );
        assert!(
            flush_time < timeout + Duration::from_millis(1500),
            "force_flush blocked for {flush_time:?}, exporter timeout {timeout:?}"
        );
        let started = Instant::now();
        let _ = app.provider.shutdown_with_timeout(Duration::from_secs(3));
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
