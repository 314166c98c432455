//! Where a span's status lives (the registry's span extensions) and the rule
//! that decides which of several statuses is kept.

use spanstatus_core::Status;
use tracing::span::Id;
use tracing::{Dispatch, Span};
use tracing_subscriber::registry::{LookupSpan, Registry, SpanRef};

/// The span extension that holds the status. Our layer inserts an empty one
/// when a span opens so that setting a status later never allocates.
#[derive(Debug, Default)]
pub(crate) struct StatusSlot {
    status: Option<Status>,
}

impl StatusSlot {
    /// OpenTelemetry's rule, on our side of the fence: OK is final; any other
    /// status replaces the one before it (the last one wins).
    fn offer(&mut self, status: Status) -> bool {
        if self.status.as_ref().is_some_and(Status::is_ok) {
            return false;
        }
        self.status = Some(status);
        true
    }
}

/// The status recorded on `span`, for any layer that holds a [`SpanRef`].
///
/// This is the extension point exporter adapters build on: a layer reads the
/// final status here in its `on_close` and puts it on its own span. The status
/// stays in the extensions until every layer's `on_close` has run.
pub fn status_of<'a, R: LookupSpan<'a>>(span: &SpanRef<'a, R>) -> Option<Status> {
    span.extensions()
        .get::<StatusSlot>()
        .and_then(|slot| slot.status.clone())
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

pub(crate) fn offer(span: &Span, status: Status) -> bool {
    span.with_subscriber(|(id, dispatch)| offer_to(dispatch, id, status))
        .unwrap_or(false)
}

pub(crate) fn offer_to(dispatch: &Dispatch, id: &Id, status: Status) -> bool {
    with_registry_span(dispatch, id, |span| {
        let mut extensions = span.extensions_mut();
        match extensions.get_mut::<StatusSlot>() {
            Some(slot) => slot.offer(status),
            None => {
                let mut slot = StatusSlot::default();
                let kept = slot.offer(status);
                extensions.insert(slot);
                kept
            }
        }
    })
    .unwrap_or(false)
}

pub(crate) fn read(span: &Span) -> Option<Status> {
    span.with_subscriber(|(id, dispatch)| with_registry_span(dispatch, id, |span| status_of(&span)))
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
        let mut slot = StatusSlot::default();
        assert!(slot.offer(Status::new(Code::Unavailable, "b")));
        assert!(slot.offer(Status::new(Code::NotFound, "a")));
        assert_eq!(slot.status, Some(Status::new(Code::NotFound, "a")));
        assert!(slot.offer(Status::new(Code::Ok, "done")));
        assert!(!slot.offer(Status::new(Code::Internal, "late")));
        assert!(!slot.offer(Status::new(Code::Ok, "again")));
        assert_eq!(slot.status, Some(Status::new(Code::Ok, "done")));
    }
}
