//! A `Result` sets its span's status: `record_result`, and futures through
//! `instrument_with_status` (completed, failed, dropped before the end).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use spanstatus_core::{Code, HasCode, Status};
use spanstatus_tracing::{CanonicalStatusExt, InstrumentStatusExt};

#[derive(Debug)]
struct Quota;

impl std::fmt::Display for Quota {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("quota exceeded")
    }
}

impl HasCode for Quota {
    fn code(&self) -> Code {
        Code::ResourceExhausted
    }
}

fn with_registry(f: impl FnOnce()) {
    tracing::subscriber::with_default(tracing_subscriber::registry(), f);
}

/// Polls `future` once with a no-op waker.
fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn record_result_sets_errors_only() {
    with_registry(|| {
        let span = tracing::info_span!("op");
        span.record_result(&Ok::<_, Quota>(7));
        assert_eq!(span.canonical_status(), None);
        span.record_result(&Err::<(), _>(Quota));
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::ResourceExhausted, "quota exceeded"))
        );
    });
}

#[test]
fn a_completed_future_sets_the_status_of_its_error() {
    with_registry(|| {
        let span = tracing::info_span!("ok");
        let ok = async { Ok::<_, Quota>(1) }.instrument_with_status(span.clone());
        assert!(matches!(poll_once(pin!(ok)), Poll::Ready(Ok(1))));
        assert_eq!(span.canonical_status(), None);

        let span = tracing::info_span!("err");
        let err = async { Err::<(), _>(Quota) }
            .instrument_with_status(span.clone())
            .cancelled_on_drop();
        assert!(matches!(poll_once(pin!(err)), Poll::Ready(Err(Quota))));
        // Completed, then dropped: no cancellation.
        assert_eq!(
            span.canonical_status().map(|s| s.code()),
            Some(Code::ResourceExhausted)
        );
    });
}

#[test]
fn the_future_runs_inside_its_span() {
    with_registry(|| {
        let span = tracing::info_span!("outer");
        let inside = async { Ok::<_, Quota>(tracing::Span::current().id()) }
            .instrument_with_status(span.clone());
        let Poll::Ready(Ok(id)) = poll_once(pin!(inside)) else {
            panic!("not ready");
        };
        assert_eq!(id, span.id());
    });
}

#[test]
fn a_dropped_future_is_cancelled_only_when_asked() {
    with_registry(|| {
        let asked = tracing::info_span!("asked");
        {
            let mut pending = Box::pin(
                std::future::pending::<Result<(), Quota>>()
                    .instrument_with_status(asked.clone())
                    .cancelled_on_drop(),
            );
            assert!(poll_once(pending.as_mut()).is_pending());
        }
        assert_eq!(
            asked.canonical_status(),
            Some(Status::from_code(Code::Cancelled))
        );

        let not_asked = tracing::info_span!("not_asked");
        drop(std::future::pending::<Result<(), Quota>>().instrument_with_status(not_asked.clone()));
        assert_eq!(not_asked.canonical_status(), None);
    });
}

#[test]
fn a_panicking_future_ends_its_span_unknown_and_unwinds_on_even_with_cancel() {
    with_registry(|| {
        let span = tracing::info_span!("panics");
        let future = async {
            if true {
                panic!("no row {}", 7);
            }
            Ok::<(), Quota>(())
        }
        .instrument_with_status(span.clone())
        .cancelled_on_drop();
        let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = poll_once(pin!(future));
        }))
        .unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"no row 7"));
        // The drop that followed the panic is no cancellation.
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::Unknown, "panicked: no row 7"))
        );
        // And the panic's status is final.
        span.set_canonical_status(Code::Ok, "");
        assert_eq!(
            span.canonical_status().map(|s| s.code()),
            Some(Code::Unknown)
        );
    });
}
