//! Both bridges (`spanstatus::opentelemetry::StatusLayer` and
//! `spanstatus::sentry::StatusLayer`) forward every `Layer` callback to the
//! layer they wrap: the same run logs the same calls, bare or wrapped.
#![cfg(all(feature = "opentelemetry", feature = "sentry"))]

use std::any::TypeId;
use std::sync::{Arc, Mutex};

use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::{LookupSpan, Registry};

/// Every `Layer` method, as the recorder logs it.
const EVERY_CALLBACK: [&str; 15] = [
    "on_register_dispatch",
    "on_layer",
    "register_callsite",
    "enabled",
    "on_new_span",
    "max_level_hint",
    "on_record",
    "on_follows_from",
    "event_enabled",
    "on_event",
    "on_enter",
    "on_exit",
    "on_close",
    "on_id_change",
    "downcast_raw",
];

#[derive(Clone, Default)]
struct Recorder {
    log: Arc<Mutex<Vec<&'static str>>>,
}

impl Recorder {
    fn push(&self, name: &'static str) {
        self.log.lock().unwrap().push(name);
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn on_register_dispatch(&self, _: &Dispatch) {
        self.push("on_register_dispatch");
    }
    fn on_layer(&mut self, _: &mut S) {
        self.push("on_layer");
    }
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        self.push("register_callsite");
        Interest::sometimes() // so that `enabled` is asked too
    }
    fn enabled(&self, _: &Metadata<'_>, _: Context<'_, S>) -> bool {
        self.push("enabled");
        true
    }
    fn on_new_span(&self, _: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        self.push("on_new_span");
    }
    fn max_level_hint(&self) -> Option<LevelFilter> {
        self.push("max_level_hint");
        None
    }
    fn on_record(&self, _: &Id, _: &Record<'_>, _: Context<'_, S>) {
        self.push("on_record");
    }
    fn on_follows_from(&self, _: &Id, _: &Id, _: Context<'_, S>) {
        self.push("on_follows_from");
    }
    fn event_enabled(&self, _: &Event<'_>, _: Context<'_, S>) -> bool {
        self.push("event_enabled");
        true
    }
    fn on_event(&self, _: &Event<'_>, _: Context<'_, S>) {
        self.push("on_event");
    }
    fn on_enter(&self, _: &Id, _: Context<'_, S>) {
        self.push("on_enter");
    }
    fn on_exit(&self, _: &Id, _: Context<'_, S>) {
        self.push("on_exit");
    }
    fn on_close(&self, _: Id, _: Context<'_, S>) {
        self.push("on_close");
    }
    fn on_id_change(&self, _: &Id, _: &Id, _: Context<'_, S>) {
        self.push("on_id_change");
    }
    unsafe fn downcast_raw(&self, id: TypeId) -> Option<*const ()> {
        self.push("downcast_raw");
        (id == TypeId::of::<Self>()).then_some(self as *const Self as *const ())
    }
}

/// A registry whose `clone_span` hands out a new id, the only way a layer
/// gets `on_id_change`.
struct IdChanging(Registry);

impl Subscriber for IdChanging {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        self.0.register_callsite(metadata)
    }
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.0.enabled(metadata)
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        self.0.new_span(attrs)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        self.0.record(span, values)
    }
    fn record_follows_from(&self, span: &Id, follows: &Id) {
        self.0.record_follows_from(span, follows)
    }
    fn event(&self, event: &Event<'_>) {
        self.0.event(event)
    }
    fn enter(&self, span: &Id) {
        self.0.enter(span)
    }
    fn exit(&self, span: &Id) {
        self.0.exit(span)
    }
    fn clone_span(&self, id: &Id) -> Id {
        let same = self.0.clone_span(id);
        self.0.try_close(same);
        Id::from_u64(id.into_u64() + (1 << 40))
    }
    fn try_close(&self, id: Id) -> bool {
        self.0.try_close(id)
    }
    fn current_span(&self) -> tracing_core::span::Current {
        self.0.current_span()
    }
}

impl<'a> LookupSpan<'a> for IdChanging {
    type Data = <Registry as LookupSpan<'a>>::Data;
    fn span_data(&'a self, id: &Id) -> Option<Self::Data> {
        self.0.span_data(id)
    }
}

/// One run touching every callback; returns the log.
fn run<L>(wrap: impl FnOnce(Recorder) -> L) -> Vec<&'static str>
where
    L: Layer<IdChanging> + Send + Sync + 'static,
{
    let recorder = Recorder::default();
    let log = Arc::clone(&recorder.log);
    let subscriber = IdChanging(Registry::default()).with(wrap(recorder));
    let dispatch = Dispatch::new(subscriber);
    tracing::dispatcher::with_default(&dispatch, || {
        let cause = tracing::info_span!("cause");
        let span = tracing::info_span!("work", answer = tracing::field::Empty);
        span.record("answer", 42);
        span.follows_from(&cause);
        span.in_scope(|| tracing::info!("inside"));
        let id = span.id().unwrap();
        // `IdChanging` already released the clone: the new id is only reported.
        let _new_id = dispatch.clone_span(&id);
        assert!(dispatch.downcast_ref::<Recorder>().is_some());
    });
    drop(dispatch);
    // Callsites register lazily in the first run and all at once with each
    // later dispatcher: compare how often each callback came, not the order.
    let mut log = log.lock().unwrap().clone();
    log.sort_unstable();
    log
}

#[test]
fn both_bridges_forward_every_callback() {
    let bare = run(|recorder| recorder);
    for name in EVERY_CALLBACK {
        assert!(bare.contains(&name), "the bare recorder never got {name}");
    }
    let otel = run(spanstatus::opentelemetry::layer);
    let sentry = run(spanstatus::sentry::layer);
    // No span has a status, so neither bridge adds a call of its own.
    assert_eq!(otel, bare, "OpenTelemetry bridge");
    assert_eq!(sentry, bare, "Sentry bridge");
}
