//! The classifier hook: your rules for a response's status, where they
//! differ from the layers' (a client that expects 404s, a gateway that
//! reports its upstream's code).

use std::fmt;

use http::{HeaderMap, StatusCode};
use spanstatus_core::Status;
use spanstatus_tracing::{Protocol, Side};

/// What a layer read from a response, handed to a [`Classify`] hook.
#[derive(Debug)]
#[non_exhaustive]
pub struct Traffic<'a> {
    /// The layer's side.
    pub side: Side,
    /// The layer's protocol.
    pub protocol: Protocol,
    /// The response's status code.
    pub http_status: StatusCode,
    /// Where the status was read: the response's headers, or a gRPC
    /// response's trailers.
    pub headers: &'a HeaderMap,
}

/// Decides the canonical status of a response, given what the layer read
/// and the status its own rules give (`status`): return `status` to keep
/// them. Any `Fn(&Traffic<'_>, Status) -> Status + Send + Sync + 'static` is
/// one.
///
/// The hook sees every status read from a response's headers or trailers,
/// not errors (a timeout, a reset stream, a dropped exchange), whose codes
/// are facts. A handler's own status still wins over the hook's. An HTTP
/// status with another code than the number's exports by the rules of the
/// span's kind: a client's 404 made OK stays `Unset` in OpenTelemetry, with
/// `http.response.status_code = 404`.
///
/// ```
/// use spanstatus_core::{Code, Status};
/// use spanstatus_tower::{HttpStatusLayer, Traffic};
///
/// // A client for which a missing key is an answer, not a failure.
/// let layer = HttpStatusLayer::client().classify_with(|traffic: &Traffic<'_>, status: Status| {
///     if traffic.http_status == http::StatusCode::NOT_FOUND {
///         Status::new(Code::Ok, "")
///     } else {
///         status
///     }
/// });
/// # drop(layer);
/// ```
pub trait Classify: Send + Sync + 'static {
    /// The status of the exchange, from `traffic` and the layer's `status`.
    fn classify(&self, traffic: &Traffic<'_>, status: Status) -> Status;
}

impl<F> Classify for F
where
    F: Fn(&Traffic<'_>, Status) -> Status + Send + Sync + 'static,
{
    fn classify(&self, traffic: &Traffic<'_>, status: Status) -> Status {
        self(traffic, status)
    }
}

/// A layer's hook, shared by its services and their calls.
#[derive(Clone)]
pub(crate) struct Hook(pub(crate) std::sync::Arc<dyn Classify>);

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Classify")
    }
}
