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
use spanstatus::opentelemetry::{OkMapping, Policy, code_from_proto_span};
use spanstatus::prelude::*;

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

/// Checks one received span against the expectations for `code` on a span
/// of `kind` with `message`, OK mapped as `ok`, legacy attribute or not.
fn check_span(
    span: &proto::Span,
    code: Code,
    kind: Kind,
    message: &str,
    ok: OkMapping,
    legacy: bool,
) {
    use proto::status::StatusCode;
    let what = format!("{} ({code} on {kind:?})", span.name);
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
    assert_eq!(
        attribute(span, "rpc.response.status_code"),
        [&string(code.as_str())],
        "{what}: rpc.response.status_code"
    );
    let error_type = attribute(span, "error.type");
    if is_error {
        assert_eq!(error_type, [&string(code.as_str())], "{what}: error.type");
    } else {
        assert!(error_type.is_empty(), "{what}: error.type = {error_type:?}");
    }
    let legacy_values = attribute(span, "rpc.grpc.status_code");
    if legacy {
        assert_eq!(
            legacy_values,
            [&any_value::Value::IntValue(code as i64)],
            "{what}: rpc.grpc.status_code"
        );
    } else {
        assert!(legacy_values.is_empty(), "{what}: {legacy_values:?}");
    }
    assert_eq!(
        code_from_proto_span(span),
        Ok(code),
        "{what}: code read back"
    );
}

/// Emits one span per code and kind; names are `"<kind>/<CODE>"`.
fn emit_all_codes() -> usize {
    let mut n = 0;
    for code in Code::ALL {
        let message = format!("{} happened", code.as_str().to_lowercase());
        let span = tracing::info_span!(
            "rpc",
            otel.name = format!("client/{code}"),
            otel.kind = "client"
        );
        span.set_status(code, message.clone());
        drop(span);
        let span = tracing::info_span!("work", otel.name = format!("internal/{code}"));
        let _entered = span.enter();
        span.set_status(code, message.clone());
        drop(_entered);
        drop(span);
        let span = tracing::info_span!(
            "rpc",
            otel.name = format!("server/{code}"),
            otel.kind = "server"
        );
        span.in_scope(|| {
            // From a child, as a handler would.
            let child = tracing::info_span!("handler", otel.name = format!("handler/{code}"));
            child.set_parent_canonical_status(code, message.clone());
        });
        n += 4;
    }
    n
}

fn check_all_codes(spans: &[proto::Span], ok: OkMapping, legacy: bool) {
    let by_name: BTreeMap<&str, &proto::Span> =
        spans.iter().map(|s| (s.name.as_str(), s)).collect();
    assert_eq!(by_name.len(), spans.len(), "duplicate span names arrived");
    for code in Code::ALL {
        let message = format!("{} happened", code.as_str().to_lowercase());
        for (prefix, kind) in [
            ("client", Kind::Client),
            ("internal", Kind::Internal),
            ("server", Kind::Server),
        ] {
            let name = format!("{prefix}/{code}");
            let span = by_name
                .get(name.as_str())
                .unwrap_or_else(|| panic!("{name} did not arrive"));
            check_span(span, code, kind, &message, ok, legacy);
        }
        let handler = by_name[format!("handler/{code}").as_str()];
        assert!(attribute(handler, "rpc.response.status_code").is_empty());
        assert_eq!(
            handler.parent_span_id,
            by_name[format!("server/{code}").as_str()].span_id
        );
    }
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
            let span = tracing::info_span!("work", otel.name = code.as_str());
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
                let span = tracing::info_span!("op", otel.name = format!("{prefix}/{code}"));
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
