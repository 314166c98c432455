//! The instrumented calls of `examples/errors`. Each one fails with a real
//! error whose code reaches its span through `#[spanstatus::instrument]`, with
//! no mapping written here. `tests/errors_end_to_end.rs` runs the same calls
//! and checks what arrives at a real OTLP collector and through Relay.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// Connects to `addr`. A closed port is refused (ECONNREFUSED): UNAVAILABLE.
#[spanstatus::instrument]
pub async fn connect(addr: SocketAddr) -> io::Result<tokio::net::TcpStream> {
    tokio::net::TcpStream::connect(addr).await
}

/// Calls a backend that takes `work`, waiting at most `deadline`. When the
/// deadline passes, `tokio::time::error::Elapsed`: DEADLINE_EXCEEDED.
#[spanstatus::instrument(fields(work_ms = work.as_millis() as u64))]
pub async fn call_with_deadline(
    work: Duration,
    deadline: Duration,
) -> Result<(), tokio::time::error::Elapsed> {
    tokio::time::timeout(deadline, backend(work)).await
}

/// The backend call itself. The deadline drops its future: CANCELLED.
#[spanstatus::instrument(cancel)]
async fn backend(work: Duration) {
    tokio::time::sleep(work).await;
}

/// A user lookup, as a gRPC handler returns it: the `tonic::Status` code and
/// message, here NOT_FOUND.
#[spanstatus::instrument]
pub async fn fetch_user(id: u64) -> Result<String, tonic::Status> {
    tokio::task::yield_now().await;
    match id {
        1 => Ok("ada".to_owned()),
        _ => Err(tonic::Status::not_found(format!("no user {id}"))),
    }
}

/// The application's own error: each variant names its code next to its
/// message, and an io error keeps the io error's code.
#[derive(Debug, thiserror::Error, spanstatus::HasCode)]
pub enum CheckoutError {
    #[error("cart {0} is empty")]
    #[code(FailedPrecondition)]
    EmptyCart(u64),
    #[error("{items} items exceed the limit of {limit}")]
    #[code(ResourceExhausted)]
    TooMany { items: u32, limit: u32 },
    #[error(transparent)]
    #[code(transparent)]
    Io(#[from] io::Error),
}

/// The most items one checkout takes.
pub const ITEM_LIMIT: u32 = 10;

/// Checks out `items` items of cart `cart`: an empty cart is
/// FAILED_PRECONDITION, too many items RESOURCE_EXHAUSTED.
#[spanstatus::instrument]
pub async fn checkout(cart: u64, items: u32) -> Result<u64, CheckoutError> {
    tokio::task::yield_now().await;
    if items == 0 {
        return Err(CheckoutError::EmptyCart(cart));
    }
    if items > ITEM_LIMIT {
        return Err(CheckoutError::TooMany {
            items,
            limit: ITEM_LIMIT,
        });
    }
    Ok(u64::from(items) * 250)
}

/// Where [`round`] connects: a listening port and a closed one.
#[derive(Clone, Copy, Debug)]
pub struct Ports {
    pub open: SocketAddr,
    pub closed: SocketAddr,
}

/// A listener on 127.0.0.1 (keep it while the calls run) and a port on
/// 127.0.0.1 that nothing listens on: bound, then closed again.
pub fn loopback_ports() -> io::Result<(std::net::TcpListener, Ports)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let open = listener.local_addr()?;
    Ok((listener, Ports { open, closed }))
}

/// One round of every call; `fail` picks the failing arguments. Each call's
/// outcome is logged; the round's own span is the Sentry transaction.
#[tracing::instrument(name = "round", skip(ports), fields(sentry.name = if fail { "failing" } else { "succeeding" }))]
pub async fn round(ports: Ports, fail: bool) {
    let addr = if fail { ports.closed } else { ports.open };
    match connect(addr).await {
        Ok(_) => tracing::info!(%addr, "connected"),
        Err(error) => tracing::info!(%addr, %error, "connect failed"),
    }

    let (work, deadline) = if fail { (500, 20) } else { (1, 1000) };
    let result =
        call_with_deadline(Duration::from_millis(work), Duration::from_millis(deadline)).await;
    tracing::info!(?result, "backend call");

    let id = if fail { 7 } else { 1 };
    match fetch_user(id).await {
        Ok(name) => tracing::info!(id, name, "user found"),
        Err(status) => {
            tracing::info!(id, code = ?status.code(), message = status.message(), "user lookup failed")
        }
    }

    for (cart, items) in if fail {
        [(3, 0), (4, 12)]
    } else {
        [(1, 2), (2, 10)]
    } {
        match checkout(cart, items).await {
            Ok(cents) => tracing::info!(cart, cents, "checked out"),
            Err(error) => tracing::info!(cart, %error, "checkout failed"),
        }
    }
}
