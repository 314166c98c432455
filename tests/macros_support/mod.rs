//! Shared by the `macros_*` tests: a `tracing` subscriber whose spans keep a
//! canonical status (`spanstatus::tracing::fmt_layer()`), and a layer that keeps
//! each closed span's final status, as an exporter would read it.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use spanstatus::Status;
use tracing::span::Id;
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// A closed span's name and final status.
type Closed = (String, Option<Status>);

/// What the subscriber saw: each closed span's name and final status, and
/// each event's span and fields.
#[derive(Clone, Default)]
pub struct Seen {
    closed: Arc<Mutex<Vec<Closed>>>,
    events: Arc<Mutex<Vec<String>>>,
}

impl Seen {
    /// The final status of every closed span named `name`, in closing order.
    pub fn statuses(&self, name: &str) -> Vec<Option<Status>> {
        self.closed
            .lock()
            .unwrap()
            .iter()
            .filter(|(closed, _)| closed == name)
            .map(|(_, status)| status.clone())
            .collect()
    }

    /// The final status of the one closed span named `name`, as
    /// `CODE: message` (`Status`'s `Display`), or `None` for no status.
    pub fn status(&self, name: &str) -> Option<String> {
        let statuses = self.statuses(name);
        assert_eq!(statuses.len(), 1, "spans named {name}: {statuses:?}");
        statuses[0].as_ref().map(Status::to_string)
    }

    /// Every closed span's name.
    pub fn closed(&self) -> Vec<String> {
        self.closed
            .lock()
            .unwrap()
            .iter()
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Every event, as `span: field=value ...`.
    pub fn events(&self) -> Vec<String> {
        self.events.lock().unwrap().clone()
    }
}

impl<S> Layer<S> for Seen
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!(" {}={:?}", field.name(), value));
            }
        }
        let span = ctx.event_span(event).map(|span| span.name()).unwrap_or("-");
        let mut fields = Fields(format!("{span}:"));
        event.record(&mut fields);
        self.events.lock().unwrap().push(fields.0);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let span = ctx.span(&id).expect("a closing span is in the registry");
        let status = spanstatus::tracing::status_of(&span);
        self.closed
            .lock()
            .unwrap()
            .push((span.name().to_owned(), status));
    }
}

/// Runs `f` with a registry, `spanstatus::tracing::fmt_layer()` and a [`Seen`]
/// as the thread's default subscriber.
pub fn with_subscriber<T>(f: impl FnOnce() -> T) -> (T, Seen) {
    let seen = Seen::default();
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus::tracing::fmt_layer())
        .with(seen.clone());
    let value = tracing::subscriber::with_default(subscriber, f);
    (value, seen)
}

/// Runs `f` with a subscriber that keeps only spans at `INFO` and above
/// (a `DEBUG` or `TRACE` span is disabled).
pub fn with_info_subscriber<T>(f: impl FnOnce() -> T) -> (T, Seen) {
    let seen = Seen::default();
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus::tracing::fmt_layer())
        .with(seen.clone())
        .with(tracing_subscriber::filter::LevelFilter::INFO);
    let value = tracing::subscriber::with_default(subscriber, f);
    (value, seen)
}

/// Runs a future to completion on a current-thread tokio runtime (with its
/// timer), on this thread, under the thread's default subscriber.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}
