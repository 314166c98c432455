//! [`TransactionStatusLayer`]: the exchange's canonical status on the
//! request's Sentry transaction (sentry-tower's `SentryHttpLayer`), read from
//! the request's tracing span.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use sentry_core::TransactionOrSpan;
use spanstatus_tracing::CanonicalStatusExt as _;
use tower_layer::Layer;
use tower_service::Service;
use tracing::Span;

use crate::ext::force_status;

/// Gives the request's Sentry transaction (sentry-tower's, with
/// `SentryHttpLayer::new().enable_transaction()`) the canonical status of the
/// request's span: the same code and message, a handler's own status
/// included, where sentry-tower alone would use its own HTTP table.
///
/// It goes inside `SentryHttpLayer` and inside the layer that makes the
/// request's span, outside the status layer:
///
/// ```
/// # #[cfg(feature = "tower")] {
/// use spanstatus_sentry::TransactionStatusLayer;
/// use tower::ServiceBuilder;
///
/// # let handler = tower::service_fn(|_: http::Request<()>| async {
/// #     Ok::<_, std::convert::Infallible>(http::Response::new(()))
/// # });
/// # let make_the_span = tower::layer::util::Identity::new();
/// # let status_layer = tower::layer::util::Identity::new();
/// let service = ServiceBuilder::new()
///     .layer(sentry_tower::NewSentryLayer::<http::Request<()>>::new_from_top())
///     .layer(sentry_tower::SentryHttpLayer::new().enable_transaction())
///     .layer(make_the_span) // tower-http's `TraceLayer`, your own
///     .layer(TransactionStatusLayer::new())
///     .layer(status_layer) // spanstatus' `HttpStatusLayer::server()`
///     .service(handler);
/// # drop(service);
/// # }
/// ```
///
/// How: sentry-tower starts its transaction when its future is first polled
/// and finishes it when the response's headers are ready. This layer takes
/// the Sentry span current at its own first poll (that transaction) and,
/// when the inner service's response (or error) is ready, sets on it the
/// status the request's span holds by then: the status layer inside has
/// recorded the response's headers on that span, and a handler's own status
/// beats them. The span is the one current at `call` (or, if none, at the
/// first poll: tonic's `trace_fn` enters its span only around polls).
///
/// What the transaction cannot get: a status that arrives after the
/// headers, since sentry-tower has finished it by then. For gRPC that is
/// every status in trailers (a streamed or successful call; a Trailers-Only
/// error reply is in time); for HTTP a body that fails after the headers.
/// A request dropped before its response is sentry-tower's `aborted`. The
/// request's tracing span, exported through [`span_layer()`](crate::span_layer),
/// gets every status.
///
/// With sentry-tracing's `SpanLayer` in the subscriber, the span the layer
/// outside makes enters its own Sentry span around each poll; that Sentry
/// span is then the current one, and this layer gives it the status early
/// (the bridge writes the final one when the span closes).
#[derive(Clone, Copy, Debug, Default)]
#[must_use = "a layer does nothing until it wraps a service"]
pub struct TransactionStatusLayer {
    _private: (),
}

impl TransactionStatusLayer {
    /// The layer.
    pub const fn new() -> Self {
        TransactionStatusLayer { _private: () }
    }
}

impl<S> Layer<S> for TransactionStatusLayer {
    type Service = TransactionStatusService<S>;

    fn layer(&self, inner: S) -> TransactionStatusService<S> {
        TransactionStatusService { inner }
    }
}

/// The service of [`TransactionStatusLayer`].
#[derive(Clone, Debug)]
pub struct TransactionStatusService<S> {
    inner: S,
}

impl<S, Request> Service<Request> for TransactionStatusService<S>
where
    S: Service<Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = TransactionStatusFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        TransactionStatusFuture {
            inner: self.inner.call(request),
            span: Span::current(),
            transaction: None,
            first_poll: true,
        }
    }
}

pin_project! {
    /// The response future of [`TransactionStatusService`].
    pub struct TransactionStatusFuture<F> {
        #[pin]
        inner: F,
        span: Span,
        // Boxed: the future moves with every layer around it.
        transaction: Option<Box<TransactionOrSpan>>,
        first_poll: bool,
    }
}

impl<F> std::fmt::Debug for TransactionStatusFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactionStatusFuture")
            .field("span", &self.span)
            .finish_non_exhaustive()
    }
}

impl<F, T, E> Future for TransactionStatusFuture<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if *this.first_poll {
            *this.first_poll = false;
            if this.span.is_none() {
                *this.span = Span::current();
            }
            *this.transaction =
                sentry_core::configure_scope(|scope| scope.get_span()).map(Box::new);
        }
        let output = ready!(this.inner.poll(cx));
        if let Some(transaction) = this.transaction.take()
            && let Some(status) = this.span.canonical_status()
        {
            force_status(&transaction, status);
        }
        Poll::Ready(output)
    }
}
