//! [`StatusBody`]: the response body, watched to its end.

use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::ServiceError;
use http::Response;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use crate::record::Recorder;

pin_project! {
    /// A response body that records the end of its exchange: gRPC trailers,
    /// an error after the headers, or CANCELLED when dropped before its end.
    pub struct StatusBody<B> {
        #[pin]
        inner: B,
        // `None` once the outcome is final.
        pending: Option<Pending>,
    }

    impl<B> PinnedDrop for StatusBody<B> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(pending) = this.project().pending.take() {
                if !std::thread::panicking() {
                    pending.dropped();
                }
            }
        }
    }
}

impl<B: std::fmt::Debug> std::fmt::Debug for StatusBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusBody")
            .field("inner", &self.inner)
            .field("pending", &self.pending)
            .finish()
    }
}

/// What is still open about an exchange while its body streams.
#[derive(Debug)]
struct Pending {
    recorder: Recorder,
    /// The response's status code, recorded with the trailers' status.
    http_status: http::StatusCode,
    /// gRPC: no `grpc-status` seen yet.
    awaiting_status: bool,
    /// HTTP: the headers' status made the exchange a success so far.
    succeeded: bool,
}

impl Pending {
    /// The body ended (or failed): anything still missing is decided now.
    fn ended(self) {
        if self.awaiting_status {
            self.recorder.missing_status(self.http_status);
        }
    }

    fn dropped(self) {
        // An HTTP error status stays; a success, or a gRPC call still waiting
        // for its status, was cut short.
        if self.awaiting_status || self.succeeded {
            self.recorder
                .dropped("the response body was dropped before its end");
        }
    }
}

impl<B: Body> StatusBody<B> {
    /// Records what the headers of `response` say, and wraps its body to
    /// watch the rest.
    pub(crate) fn wrap(response: Response<B>, recorder: Recorder) -> Response<StatusBody<B>> {
        let http_status = response.status();
        let awaiting_status = recorder.headers(http_status, response.headers());
        let succeeded = http_status.as_u16() < 400;
        // No body is sent for these (RFC 9110): the server drops it unread.
        let end = response.body().is_end_stream()
            || recorder.head
            || matches!(http_status.as_u16(), 100..=199 | 204 | 304);
        let mut pending = Some(Pending {
            recorder,
            http_status,
            awaiting_status,
            succeeded,
        });
        if end {
            if let Some(pending) = pending.take() {
                pending.ended();
            }
        }
        response.map(|inner| StatusBody { inner, pending })
    }
}

impl<B> Body for StatusBody<B>
where
    B: Body,
    B::Error: ServiceError,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut this = self.project();
        let polled = match this.pending.as_ref() {
            // The body's own panic ends the exchange with it.
            Some(pending) => pending
                .recorder
                .catch_panic(|| this.inner.as_mut().poll_frame(cx)),
            None => this.inner.as_mut().poll_frame(cx),
        };
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    // Trailers are the last frame: the exchange is complete.
                    if let Some(pending) = this.pending.take() {
                        if pending.awaiting_status {
                            pending.recorder.trailers(pending.http_status, trailers);
                        }
                    }
                }
                // hyper stops polling, and drops the body, once it says it
                // has ended: that is its end too.
                if this.inner.is_end_stream() {
                    if let Some(pending) = this.pending.take() {
                        pending.ended();
                    }
                }
            }
            Poll::Ready(Some(Err(error))) => {
                if let Some(pending) = this.pending.take() {
                    pending.recorder.fail(error);
                }
            }
            Poll::Ready(None) => {
                if let Some(pending) = this.pending.take() {
                    pending.ended();
                }
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
