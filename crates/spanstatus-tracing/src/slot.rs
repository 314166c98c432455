//! Where a span's status lives (the registry's span extensions), the rule
//! that decides which of several statuses is kept, and what else an exporter
//! needs to know about the exchange the span records.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use spanstatus_core::Status;
use tracing::span::Id;
use tracing::{Dispatch, Span};
use tracing_subscriber::registry::{LookupSpan, Registry, SpanRef};

/// The side of an exchange a span records: what OpenTelemetry calls the span
/// kind, for the kinds whose status rules differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The span sent the request and got (or missed) the response.
    Client,
    /// The span handled a request.
    Server,
}

/// The protocol a status was read from, when it was read from traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// gRPC: `grpc-status` and `grpc-message`, or a `tonic::Status`.
    Grpc,
    /// HTTP: a response's status code, or an exchange that got no response.
    Http,
}

/// Everything recorded on a span about its outcome: the status and, when
/// known, the side, the protocol, the HTTP status code and the `error.type`
/// identifier of an exchange that failed without a response.
///
/// What [`outcome_of`] gives exporter adapters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The canonical status, if one was set.
    pub status: Option<Status>,
    /// `true` when the status was set by code (by hand, from an error), not
    /// read from traffic: such a status is never replaced by traffic.
    pub set_by_code: bool,
    /// The side of the exchange, if recorded.
    pub side: Option<Side>,
    /// The protocol the status was read from, if it was read from traffic.
    pub protocol: Option<Protocol>,
    /// The HTTP response's status code, if there was one.
    pub http_status: Option<u16>,
    /// For an exchange that failed with no response (HTTP) or no status from
    /// its peer (gRPC): a low-cardinality identifier of the failure
    /// (`timeout`, `cancelled`, an error type's name, `_OTHER`).
    pub error_type: Option<Cow<'static, str>>,
}

/// How many [`StatusSlot`]s exist, in every registry. While there are none,
/// closing a span needs no lookup of its extensions: spans that never get a
/// status cost the layers nothing.
static LIVE_SLOTS: AtomicUsize = AtomicUsize::new(0);

/// `false` when no span anywhere holds a status or an outcome, so that a
/// layer's `on_close` can skip looking one up. Doc-hidden: for the exporter
/// bridges.
#[doc(hidden)]
pub fn any_outcome_recorded() -> bool {
    // Relaxed is enough: a status set on a span happens before that span's
    // close, and the count cannot drop to 0 while the span's slot lives.
    LIVE_SLOTS.load(Ordering::Relaxed) != 0
}

/// The span extension that holds the outcome. Inserted when a span first gets
/// a status or a side (one small allocation, only for those spans), dropped
/// with the span's extensions when it closes.
#[derive(Debug)]
pub(crate) struct StatusSlot {
    outcome: Outcome,
}

impl StatusSlot {
    fn new() -> StatusSlot {
        LIVE_SLOTS.fetch_add(1, Ordering::Relaxed);
        StatusSlot {
            outcome: Outcome::default(),
        }
    }

    /// The status, if any.
    #[cfg(feature = "fmt")]
    pub(crate) fn status(&self) -> Option<Status> {
        self.outcome.status.clone()
    }

    /// A status set by code. OpenTelemetry's rule, on our side of the fence:
    /// OK is final; any other status replaces the one before it (the last one
    /// wins); a status read from traffic is always replaced.
    fn offer(&mut self, status: Status) -> bool {
        let outcome = &mut self.outcome;
        if outcome.set_by_code && outcome.status.as_ref().is_some_and(Status::is_ok) {
            return false;
        }
        outcome.status = Some(status);
        outcome.set_by_code = true;
        true
    }

    /// A status read from traffic: replaces an earlier one read from traffic
    /// (a body error after a 200), never one set by code.
    fn offer_traffic(&mut self, status: Status) -> bool {
        if self.outcome.set_by_code {
            return false;
        }
        self.outcome.status = Some(status);
        true
    }
}

impl Drop for StatusSlot {
    fn drop(&mut self) {
        LIVE_SLOTS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The status recorded on `span`, for any layer that holds a [`SpanRef`].
///
/// This is the extension point exporter adapters build on: a layer reads the
/// final status here in its `on_close` and puts it on its own span. The status
/// stays in the extensions until every layer's `on_close` has run.
pub fn status_of<'a, R: LookupSpan<'a>>(span: &SpanRef<'a, R>) -> Option<Status> {
    if !any_outcome_recorded() {
        return None;
    }
    span.extensions()
        .get::<StatusSlot>()
        .and_then(|slot| slot.outcome.status.clone())
}

/// Everything recorded on `span` about its outcome ([`Outcome`]), or `None`
/// when nothing was: [`status_of`] with the side, protocol and HTTP status.
pub fn outcome_of<'a, R: LookupSpan<'a>>(span: &SpanRef<'a, R>) -> Option<Outcome> {
    if !any_outcome_recorded() {
        return None;
    }
    span.extensions()
        .get::<StatusSlot>()
        .map(|slot| slot.outcome.clone())
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
pub(crate) fn update<T>(
    dispatch: &Dispatch,
    id: &Id,
    f: impl FnOnce(&mut StatusSlot) -> T,
) -> Option<T> {
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

pub(crate) fn update_span<T>(span: &Span, f: impl FnOnce(&mut StatusSlot) -> T) -> Option<T> {
    span.with_subscriber(|(id, dispatch)| update(dispatch, id, f))
        .flatten()
}

pub(crate) fn offer(span: &Span, status: Status) -> bool {
    update_span(span, |slot| slot.offer(status)).unwrap_or(false)
}

pub(crate) fn offer_to(dispatch: &Dispatch, id: &Id, status: Status) -> bool {
    update(dispatch, id, |slot| slot.offer(status)).unwrap_or(false)
}

/// What traffic tells about an exchange, recorded in one step.
pub(crate) struct Traffic {
    pub(crate) side: Side,
    pub(crate) protocol: Protocol,
    pub(crate) status: Status,
    pub(crate) http_status: Option<u16>,
    pub(crate) error_type: Option<Cow<'static, str>>,
}

impl Traffic {
    pub(crate) fn new(side: Side, protocol: Protocol, status: Status) -> Traffic {
        Traffic {
            side,
            protocol,
            status,
            http_status: None,
            error_type: None,
        }
    }

    /// A response with this HTTP status code.
    pub(crate) fn with_http_status(self, http_status: u16) -> Traffic {
        Traffic {
            http_status: Some(http_status),
            ..self
        }
    }

    /// An exchange that failed with no (whole) response, or no status.
    pub(crate) fn with_error_type(self, error_type: Cow<'static, str>) -> Traffic {
        Traffic {
            error_type: Some(error_type),
            ..self
        }
    }
}

pub(crate) fn record_traffic(span: &Span, traffic: Traffic) -> bool {
    update_span(span, |slot| {
        let outcome = &mut slot.outcome;
        outcome.side = Some(traffic.side);
        outcome.protocol = Some(traffic.protocol);
        // A failure after the headers keeps the response's status code.
        outcome.http_status = traffic.http_status.or(outcome.http_status);
        outcome.error_type = traffic.error_type;
        slot.offer_traffic(traffic.status)
    })
    .unwrap_or(false)
}

pub(crate) fn set_side(span: &Span, side: Side) {
    update_span(span, |slot| slot.outcome.side = Some(side));
}

pub(crate) fn read(span: &Span) -> Option<Status> {
    span.with_subscriber(|(id, dispatch)| with_registry_span(dispatch, id, |span| status_of(&span)))
        .flatten()
        .flatten()
}

pub(crate) fn read_outcome(span: &Span) -> Option<Outcome> {
    span.with_subscriber(|(id, dispatch)| {
        with_registry_span(dispatch, id, |span| outcome_of(&span))
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
    use spanstatus_core::Code;

    #[test]
    fn ok_is_final_and_the_last_error_wins() {
        let mut slot = StatusSlot::new();
        assert!(slot.offer(Status::new(Code::Unavailable, "b")));
        assert!(slot.offer(Status::new(Code::NotFound, "a")));
        assert_eq!(slot.outcome.status, Some(Status::new(Code::NotFound, "a")));
        assert!(slot.offer(Status::new(Code::Ok, "done")));
        assert!(!slot.offer(Status::new(Code::Internal, "late")));
        assert!(!slot.offer(Status::new(Code::Ok, "again")));
        assert_eq!(slot.outcome.status, Some(Status::new(Code::Ok, "done")));
    }

    #[test]
    fn traffic_never_replaces_code_and_code_replaces_traffic() {
        let mut slot = StatusSlot::new();
        // A 200, then a body error: the later traffic wins.
        assert!(slot.offer_traffic(Status::new(Code::Ok, "")));
        assert!(slot.offer_traffic(Status::new(Code::DataLoss, "body cut")));
        assert_eq!(slot.outcome.status.as_ref().unwrap().code(), Code::DataLoss);
        assert!(!slot.outcome.set_by_code);
        // A handler's own status replaces traffic, and traffic cannot undo it.
        assert!(slot.offer(Status::new(Code::Ok, "expected 404")));
        assert!(!slot.offer_traffic(Status::new(Code::NotFound, "")));
        assert_eq!(
            slot.outcome.status,
            Some(Status::new(Code::Ok, "expected 404"))
        );
    }

    #[test]
    fn slots_are_counted_while_they_live() {
        // Other tests may hold slots concurrently: only check our own.
        let slot = StatusSlot::new();
        assert!(any_outcome_recorded());
        drop(slot);
    }
}
