//! The classifier hook: your rules for a response's status, where they
//! differ from the layers' (a client that expects 404s, a gateway that
//! reports its upstream's code).

use std::fmt;
use std::sync::Arc;

use http::HeaderMap;
use spanstatus_core::Status;
use spanstatus_tracing::Exchange;

/// Decides the canonical status of a response where your rules differ from
/// the layer's: given the [`Exchange`] the layer's rules made of it (side,
/// protocol, HTTP status, status) and the headers the status was read from
/// (a gRPC response's trailers, at the end of its body), return the status
/// to record instead, or `None` to keep the layer's. Any
/// `Fn(&Exchange, &HeaderMap) -> Option<Status> + Send + Sync + 'static` is
/// one.
///
/// The hook sees every status read from a response's headers or trailers,
/// not failures (a timeout, a reset stream, a dropped exchange), whose codes
/// are facts. A handler's own status still wins over the hook's. A status
/// the hook chose is exported by the rules of the span's kind, not the HTTP
/// table: a client's 404 made OK stays `Unset` in OpenTelemetry, with
/// `http.response.status_code = 404`.
///
/// ```
/// use spanstatus_core::{Code, Status};
/// use spanstatus_tower::HttpStatusLayer;
/// use spanstatus_tracing::Exchange;
///
/// // A client for which a missing key is an answer, not a failure.
/// let layer = HttpStatusLayer::client().classify_with(|exchange: &Exchange, _: &http::HeaderMap| {
///     (exchange.http_status() == Some(404)).then(|| Status::from_code(Code::Ok))
/// });
/// # drop(layer);
/// ```
pub trait Classify: Send + Sync + 'static {
    /// The status to record for `exchange` instead of its own, if any.
    fn classify(&self, exchange: &Exchange, headers: &HeaderMap) -> Option<Status>;
}

impl<F> Classify for F
where
    F: Fn(&Exchange, &HeaderMap) -> Option<Status> + Send + Sync + 'static,
{
    fn classify(&self, exchange: &Exchange, headers: &HeaderMap) -> Option<Status> {
        self(exchange, headers)
    }
}

/// A layer's hook, shared by its services and their calls.
#[derive(Clone)]
pub(crate) struct Hook(Arc<dyn Classify>);

impl Hook {
    pub(crate) fn new(classifier: impl Classify) -> Hook {
        Hook(Arc::new(classifier))
    }

    /// `exchange`, or the same exchange with the status the hook chose.
    pub(crate) fn apply(&self, exchange: Exchange, headers: &HeaderMap) -> Exchange {
        match self.0.classify(&exchange, headers) {
            Some(status) => exchange.classified(status),
            None => exchange,
        }
    }
}

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Classify")
    }
}
