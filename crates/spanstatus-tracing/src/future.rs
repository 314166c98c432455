//! [`InstrumentStatusExt`]: a future in a span, like tracing's `.instrument(span)`,
//! whose `Result` output sets the span's status.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use spanstatus_core::{Code, HasCode};
use tracing::Span;

use crate::CanonicalStatusExt;

/// `.instrument_with_status(span)` on every future that returns a `Result`.
///
/// ```
/// use spanstatus_core::Code;
/// use spanstatus_tracing::{CanonicalStatusExt, InstrumentStatusExt};
/// # tracing::subscriber::with_default(tracing_subscriber::registry(), || {
///
/// async fn fetch() -> Result<String, spanstatus_core::Status> {
///     Err(spanstatus_core::Status::new(Code::Unavailable, "backend down"))
/// }
///
/// let span = tracing::info_span!("fetch");
/// let future = fetch().instrument_with_status(span.clone()).cancelled_on_drop();
/// # let _ = block_on(future);
/// assert_eq!(span.canonical_status().unwrap().to_string(), "UNAVAILABLE: backend down");
/// # });
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// ```
pub trait InstrumentStatusExt: Future + Sized {
    /// Polls the future inside `span` (as `tracing::Instrument` does) and,
    /// when it returns `Err(e)`, sets the span's status from `e` with
    /// [`CanonicalStatusExt::record_result`]. An `Ok` sets nothing. A panic
    /// while polling ends the span UNKNOWN with the panic's message
    /// ([`CanonicalStatusExt::record_panic`]) and goes on unwinding.
    fn instrument_with_status(self, span: Span) -> StatusInstrumented<Self> {
        StatusInstrumented {
            inner: Some(self),
            span,
            cancelled_on_drop: false,
        }
    }
}

impl<F: Future> InstrumentStatusExt for F {}

pin_project! {
    /// The future of [`InstrumentStatusExt::instrument_with_status`].
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct StatusInstrumented<F> {
        // `None` once the future has completed: a drop after that is no cancellation.
        #[pin]
        inner: Option<F>,
        span: Span,
        cancelled_on_drop: bool,
    }

    impl<F> PinnedDrop for StatusInstrumented<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if this.inner.is_some() && *this.cancelled_on_drop {
                // Inside the span, so that the inner future's own drop is in it too.
                let _entered = this.span.enter();
                this.inner.set(None);
                this.span.set_canonical_code(Code::Cancelled);
            }
        }
    }
}

impl<F> StatusInstrumented<F> {
    /// Also sets CANCELLED when the future is dropped before it completes (a
    /// timeout elapsed, a client went away, a `select!` took another branch).
    pub fn cancelled_on_drop(mut self) -> Self {
        self.cancelled_on_drop = true;
        self
    }

    /// The span.
    pub fn span(&self) -> &Span {
        &self.span
    }
}

impl<F, T, E> Future for StatusInstrumented<F>
where
    F: Future<Output = Result<T, E>>,
    E: HasCode + Display,
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let _entered = this.span.enter();
        let Some(inner) = this.inner.as_mut().as_pin_mut() else {
            panic!("`StatusInstrumented` polled after completion");
        };
        // A panic ends the span UNKNOWN and goes on unwinding: the status
        // is recorded here, where the payload is, before anything is dropped
        // (a CANCELLED from the drop is refused then: a panic is final).
        let span = &*this.span;
        let output = std::task::ready!(crate::wrap::catch_panic(
            || inner.poll(cx),
            |payload| span.record_panic(payload)
        ));
        this.inner.set(None);
        this.span.record_result(&output);
        Poll::Ready(output)
    }
}
