//! Where a span's status lives (the registry's span extensions) and the one
//! rule that decides which of several statuses is kept.

use std::sync::atomic::{AtomicUsize, Ordering};

use spanstatus_core::Status;
use tracing::span::Id;
use tracing::{Dispatch, Span};
use tracing_subscriber::registry::{LookupSpan, Registry, SpanRef};

use crate::exchange::{Exchange, StatusSource};

/// How many [`StatusSlot`]s exist, in every registry. While there are none,
/// closing a span needs no lookup of its extensions: spans that never get a
/// status cost the layers nothing.
static LIVE_SLOTS: AtomicUsize = AtomicUsize::new(0);

/// `false` when no span anywhere holds a status, so that a layer's
/// `on_close` can skip looking one up. Doc-hidden: for the exporter bridges.
#[doc(hidden)]
pub fn any_status_recorded() -> bool {
    // Relaxed is enough: a status set on a span happens before that span's
    // close, and the count cannot drop to 0 while the span's slot lives.
    LIVE_SLOTS.load(Ordering::Relaxed) != 0
}

/// The span extension that holds the status. Inserted when a span first gets
/// a status or an exchange (one small allocation, only for those spans),
/// dropped with the span's extensions when it closes.
#[derive(Debug)]
pub(crate) struct StatusSlot {
    /// Set by the application, by code.
    application: Option<Status>,
    /// Recorded from traffic.
    exchange: Option<Exchange>,
    /// The span's work panicked: that status is final.
    panicked: bool,
}

/// What the bridges read of a span in one lookup. Doc-hidden: for the
/// exporter bridges.
#[doc(hidden)]
#[derive(Debug)]
pub struct Recorded {
    /// The final status.
    pub status: Status,
    /// The exchange, with its code but without its message (moved into
    /// `status`).
    pub exchange: Option<Exchange>,
    /// The span's work panicked (`error.type = "panic"`).
    pub panicked: bool,
}

impl StatusSlot {
    fn new() -> StatusSlot {
        LIVE_SLOTS.fetch_add(1, Ordering::Relaxed);
        StatusSlot {
            application: None,
            exchange: None,
            panicked: false,
        }
    }

    /// The rule, the same for every backend that can keep it: a status set
    /// by code beats one read from traffic; among those set by code, OK is
    /// final and otherwise the last one wins. A panic beats them all.
    fn offer(&mut self, status: Status) -> bool {
        if self.panicked || self.application.as_ref().is_some_and(Status::is_ok) {
            return false;
        }
        self.application = Some(status);
        true
    }

    /// The span's work panicked: `status` is final, whatever came before.
    fn panic(&mut self, status: Status) {
        self.application = Some(status);
        self.panicked = true;
    }

    /// Traffic: a later record replaces an earlier one, and never a status
    /// set by code (which stays in front of it), except a panic's.
    fn record(&mut self, exchange: Exchange) {
        if self.panicked {
            return;
        }
        if exchange.source() == StatusSource::Panic {
            self.application = None;
            self.panicked = true;
        }
        self.exchange = Some(match self.exchange.take() {
            Some(earlier) => earlier.then(exchange),
            None => exchange,
        });
    }

    /// The final status.
    pub(crate) fn status(&self) -> Option<&Status> {
        self.application
            .as_ref()
            .or(self.exchange.as_ref().map(Exchange::status))
    }

    /// The exchange, with the final status.
    fn exchange(&self) -> Option<Exchange> {
        let exchange = self.exchange.clone()?;
        Some(exchange.overridden_by(self.application.as_ref()))
    }

    /// The final status, and the exchange if there is one, in one lookup and
    /// one copy of the message (the exchange keeps the code, not the text).
    fn read(&self) -> Option<Recorded> {
        let (status, exchange) = match self.exchange() {
            Some(mut exchange) => (exchange.take_status(), Some(exchange)),
            None => (self.application.clone()?, None),
        };
        Some(Recorded {
            status,
            exchange,
            panicked: self.panicked,
        })
    }
}

impl Drop for StatusSlot {
    fn drop(&mut self) {
        LIVE_SLOTS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The final status of `span`, for any layer that holds a [`SpanRef`]: a
/// status set by code, else the one its [`Exchange`] recorded.
///
/// This is the extension point exporter adapters build on: a layer reads the
/// final status here in its `on_close` and puts it on its own span. The status
/// stays in the extensions until every layer's `on_close` has run.
pub fn status_of<'a, R: LookupSpan<'a>>(span: &SpanRef<'a, R>) -> Option<Status> {
    if !any_status_recorded() {
        return None;
    }
    span.extensions()
        .get::<StatusSlot>()
        .and_then(|slot| slot.status().cloned())
}

/// The [`Exchange`] recorded on `span`, with its final status (a status set
/// by code replaces traffic's), or `None` when no exchange was recorded.
pub fn exchange_of<'a, R: LookupSpan<'a>>(span: &SpanRef<'a, R>) -> Option<Exchange> {
    if !any_status_recorded() {
        return None;
    }
    span.extensions()
        .get::<StatusSlot>()
        .and_then(StatusSlot::exchange)
}

/// [`status_of`] and [`exchange_of`] in one lookup: the final status, and
/// the exchange with its code but without its message (moved into the
/// status). Doc-hidden: for the exporter bridges.
#[doc(hidden)]
pub fn recorded_on<'a, R: LookupSpan<'a>>(span: &SpanRef<'a, R>) -> Option<Recorded> {
    if !any_status_recorded() {
        return None;
    }
    span.extensions()
        .get::<StatusSlot>()
        .and_then(StatusSlot::read)
}

/// Runs `f` on the extensions of the span `id` if the dispatcher is built on
/// `tracing_subscriber`'s [`Registry`] (every `registry()`/`fmt()` stack is).
fn with_registry_span<T>(
    dispatch: &Dispatch,
    id: &Id,
    f: impl FnOnce(SpanRef<'_, Registry>) -> T,
) -> Option<T> {
    let registry = dispatch.downcast_ref::<Registry>()?;
    registry.span(id).map(f)
}

/// Runs `f` on the slot of span `id`, inserting an empty one first if needed.
fn update<T>(dispatch: &Dispatch, id: &Id, f: impl FnOnce(&mut StatusSlot) -> T) -> Option<T> {
    with_registry_span(dispatch, id, |span| {
        let mut extensions = span.extensions_mut();
        match extensions.get_mut::<StatusSlot>() {
            Some(slot) => f(slot),
            None => {
                let mut slot = StatusSlot::new();
                let result = f(&mut slot);
                extensions.insert(slot);
                result
            }
        }
    })
}

fn update_span<T>(span: &Span, f: impl FnOnce(&mut StatusSlot) -> T) -> Option<T> {
    span.with_subscriber(|(id, dispatch)| update(dispatch, id, f))
        .flatten()
}

pub(crate) fn offer(span: &Span, status: Status) -> bool {
    update_span(span, |slot| slot.offer(status)).unwrap_or(false)
}

pub(crate) fn offer_to(dispatch: &Dispatch, id: &Id, status: Status) -> bool {
    update(dispatch, id, |slot| slot.offer(status)).unwrap_or(false)
}

pub(crate) fn panic_to(dispatch: &Dispatch, id: &Id, status: Status) {
    update(dispatch, id, |slot| slot.panic(status));
}

pub(crate) fn record_panic(span: &Span, status: Status) {
    update_span(span, |slot| slot.panic(status));
}

pub(crate) fn record_exchange(span: &Span, exchange: Exchange) {
    update_span(span, |slot| slot.record(exchange));
}

pub(crate) fn read_status(span: &Span) -> Option<Status> {
    span.with_subscriber(|(id, dispatch)| with_registry_span(dispatch, id, |span| status_of(&span)))
        .flatten()
        .flatten()
}

pub(crate) fn read_exchange(span: &Span) -> Option<Exchange> {
    span.with_subscriber(|(id, dispatch)| {
        with_registry_span(dispatch, id, |span| exchange_of(&span))
    })
    .flatten()
    .flatten()
}

pub(crate) fn parent_id(span: &Span) -> Option<(Id, Dispatch)> {
    span.with_subscriber(|(id, dispatch)| {
        with_registry_span(dispatch, id, |span| span.parent().map(|p| p.id()))
            .flatten()
            .map(|parent| (parent, dispatch.clone()))
    })
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::{Protocol, Side, StatusSource};
    use spanstatus_core::Code;

    #[test]
    fn ok_is_final_and_the_last_error_wins() {
        let mut slot = StatusSlot::new();
        assert!(slot.offer(Status::new(Code::Unavailable, "b")));
        assert!(slot.offer(Status::new(Code::NotFound, "a")));
        assert_eq!(slot.status(), Some(&Status::new(Code::NotFound, "a")));
        assert!(slot.offer(Status::new(Code::Ok, "done")));
        assert!(!slot.offer(Status::new(Code::Internal, "late")));
        assert!(!slot.offer(Status::new(Code::Ok, "again")));
        assert_eq!(slot.status(), Some(&Status::new(Code::Ok, "done")));
    }

    #[test]
    fn traffic_never_replaces_code_and_code_replaces_traffic() {
        let mut slot = StatusSlot::new();
        // A 200, then a body error: the later traffic wins.
        slot.record(Exchange::http_response(Side::Server, 200));
        slot.record(Exchange::failure(
            Side::Server,
            Protocol::Http,
            Status::new(Code::DataLoss, "body cut"),
        ));
        assert_eq!(slot.status().unwrap().code(), Code::DataLoss);
        assert_eq!(slot.exchange().unwrap().http_status(), Some(200));
        // A handler's own status replaces traffic, and traffic cannot undo it.
        assert!(slot.offer(Status::new(Code::Ok, "expected 404")));
        slot.record(Exchange::http_response(Side::Server, 404));
        assert_eq!(slot.status(), Some(&Status::new(Code::Ok, "expected 404")));
        let exchange = slot.exchange().unwrap();
        assert_eq!(exchange.source(), StatusSource::Application);
        assert_eq!(exchange.http_status(), Some(404));
    }

    #[test]
    fn slots_are_counted_while_they_live() {
        // Other tests may hold slots concurrently: only check our own.
        let slot = StatusSlot::new();
        assert!(any_status_recorded());
        drop(slot);
    }
}
