//! The three ends of an end-to-end test: tracing (the README's stack), the
//! OTLP spans at a real collector (rotel, forwarding to an in-test
//! receiver), and the Sentry transactions through Relay's normalizer.

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::trace::v1 as proto;
use opentelemetry_sdk::trace::BatchConfigBuilder;
use serde_json::Value;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

use crate::{otlp, relay};

/// The values of attribute `key` on `span`.
pub fn attribute<'a>(span: &'a proto::Span, key: &str) -> Vec<&'a Any> {
    span.attributes
        .iter()
        .filter(|kv| kv.key == key)
        .filter_map(|kv| kv.value.as_ref()?.value.as_ref())
        .collect()
}

/// The three ends: rotel forwarding to an in-test receiver, a provider
/// exporting to rotel, and Relay's Python.
pub struct Ends {
    receiver: otlp::Receiver,
    _rotel: otlp::Rotel,
    provider: opentelemetry_sdk::trace::SdkTracerProvider,
    python: String,
    _serial: std::sync::MutexGuard<'static, ()>,
}

impl Ends {
    /// `None` (after a warning; a failure in CI) when rotel or Relay is missing.
    pub fn start() -> Option<Ends> {
        let (Some(rotel), Some(python)) = (otlp::rotel_binary(), relay::relay_python()) else {
            return None;
        };
        let serial = otlp::serial();
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
        Some(Ends {
            receiver,
            _rotel: rotel,
            provider,
            python,
            _serial: serial,
        })
    }

    /// Runs `f` on one thread (the Sentry hub the capture binds is this
    /// thread's, and the server's tasks run on it too) under the README's
    /// stack; the captured transactions, normalized by Relay, and the spans
    /// that reached the receiver once `n` have.
    pub fn run<F: std::future::Future<Output = ()>>(
        &self,
        n: usize,
        f: impl FnOnce() -> F,
    ) -> (Vec<Value>, Vec<proto::Span>) {
        let dispatch = tracing::Dispatch::new(
            tracing_subscriber::registry()
                .with(spanstatus::tracing::fmt_layer())
                // hyper's and h2's own (debug and trace) spans stay out.
                .with(
                    spanstatus::opentelemetry::layer(
                        tracing_opentelemetry::layer().with_tracer(self.provider.tracer("tower")),
                    )
                    .with_filter(LevelFilter::INFO),
                )
                .with(spanstatus::sentry::span_layer().with_filter(LevelFilter::INFO)),
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let events = relay::capture(|| {
            tracing::dispatcher::with_default(&dispatch, || {
                runtime.block_on(async {
                    f().await;
                    // Let the server's spans close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                })
            })
        });
        self.provider.force_flush().unwrap();
        let spans = self.receiver.sink.take_at_least(n, Duration::from_secs(10));
        (relay::normalize(&self.python, &events), spans)
    }
}
