//! Codes from errors: every `io::ErrorKind`, `io::Error`, HTTP/2 resets, the
//! `source()` walk through wrappers, boxes, `anyhow` and the timeouts of
//! tokio and tower, with real errors where they can be had (a refused
//! connection, an expired `tokio::time::timeout`, reqwest against a local
//! socket). Expectations are written from Abseil's errno lists, PROTOCOL-HTTP2
//! and the documented choices, not read back from the implementation.
#![cfg(feature = "std")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::error::Error;
use std::fmt;
use std::io::{self, ErrorKind};
use std::net::{TcpListener, TcpStream};

use spanstatus_core::{Code, HasCode, Status, grpc};

// ---------------------------------------------------------------------------
// Helpers

/// A wrapper of a type the walk does not know, like most application errors
/// (and like reqwest's own error, seen from outside).
#[derive(Debug)]
struct Wrapper {
    what: &'static str,
    source: Option<Box<dyn Error + Send + Sync>>,
}

impl Wrapper {
    fn new(what: &'static str, source: impl Error + Send + Sync + 'static) -> Wrapper {
        Wrapper {
            what,
            source: Some(Box::new(source)),
        }
    }

    fn leaf(what: &'static str) -> Wrapper {
        Wrapper { what, source: None }
    }
}

impl fmt::Display for Wrapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }
}

impl Error for Wrapper {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

/// A real ECONNREFUSED: bind a port on 127.0.0.1, note it, close it, connect.
fn refused() -> io::Error {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let error = TcpStream::connect(("127.0.0.1", port)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused, "{error}");
    error
}

fn chain(error: &(dyn Error + 'static)) -> Code {
    Code::from_error_chain(error)
}

// ---------------------------------------------------------------------------
// io::ErrorKind

/// Every stable kind of Rust 1.85, with the code expected for it: for kinds
/// std decodes from errnos, Abseil's code for those errnos (named alongside);
/// for the others, the documented choice.
fn kinds() -> Vec<(ErrorKind, Code, &'static str)> {
    use Code::*;
    use ErrorKind as K;
    vec![
        (K::NotFound, NotFound, "ENOENT"),
        (K::PermissionDenied, PermissionDenied, "EACCES, EPERM"),
        (K::ConnectionRefused, Unavailable, "ECONNREFUSED"),
        (K::ConnectionReset, Unavailable, "ECONNRESET"),
        (K::HostUnreachable, Unavailable, "EHOSTUNREACH"),
        (K::NetworkUnreachable, Unavailable, "ENETUNREACH"),
        (K::ConnectionAborted, Unavailable, "ECONNABORTED"),
        (K::NotConnected, FailedPrecondition, "ENOTCONN"),
        (K::AddrInUse, FailedPrecondition, "EADDRINUSE"),
        (K::AddrNotAvailable, AlreadyExists, "EADDRNOTAVAIL"),
        (K::NetworkDown, Unavailable, "ENETDOWN"),
        (K::BrokenPipe, FailedPrecondition, "EPIPE"),
        (K::AlreadyExists, AlreadyExists, "EEXIST"),
        (K::WouldBlock, Unavailable, "EAGAIN"),
        (K::NotADirectory, FailedPrecondition, "ENOTDIR"),
        (K::IsADirectory, FailedPrecondition, "EISDIR"),
        (K::DirectoryNotEmpty, FailedPrecondition, "ENOTEMPTY"),
        (K::ReadOnlyFilesystem, PermissionDenied, "EROFS"),
        (K::StaleNetworkFileHandle, Aborted, "ESTALE"),
        (K::InvalidInput, InvalidArgument, "EINVAL"),
        (K::InvalidData, DataLoss, "no errno: corrupt data"),
        (K::TimedOut, DeadlineExceeded, "ETIMEDOUT"),
        (K::WriteZero, FailedPrecondition, "no errno: like EPIPE"),
        (K::StorageFull, ResourceExhausted, "ENOSPC"),
        (K::NotSeekable, InvalidArgument, "ESPIPE"),
        (K::QuotaExceeded, ResourceExhausted, "EDQUOT"),
        (K::FileTooLarge, OutOfRange, "EFBIG"),
        (K::ResourceBusy, FailedPrecondition, "EBUSY"),
        (K::ExecutableFileBusy, FailedPrecondition, "ETXTBSY"),
        (K::Deadlock, Aborted, "EDEADLK"),
        (K::CrossesDevices, Unimplemented, "EXDEV"),
        (K::TooManyLinks, ResourceExhausted, "EMLINK"),
        (K::ArgumentListTooLong, InvalidArgument, "E2BIG"),
        (K::Interrupted, Unavailable, "EINTR"),
        (K::Unsupported, Unimplemented, "ENOSYS"),
        (
            K::UnexpectedEof,
            OutOfRange,
            "no errno: reading past end-of-file",
        ),
        (K::OutOfMemory, ResourceExhausted, "ENOMEM"),
        (K::Other, Unknown, "no errno: says nothing"),
    ]
}

#[test]
fn every_kind_has_its_code() {
    for (kind, code, why) in kinds() {
        assert_eq!(Code::from_io_error_kind(kind), code, "{kind:?} ({why})");
        // An io::Error made from the kind alone gets the same code.
        assert_eq!(io::Error::from(kind).code(), code, "{kind:?}");
    }
}

/// Kinds newer than the crate's minimum Rust, reached without naming them.
#[cfg(unix)]
#[test]
fn kinds_newer_than_the_msrv() {
    let invalid_filename = io::Error::from_raw_os_error(libc::ENAMETOOLONG).kind();
    assert_eq!(format!("{invalid_filename:?}"), "InvalidFilename");
    assert_eq!(
        Code::from_io_error_kind(invalid_filename),
        Code::InvalidArgument
    );
    // Not (yet) stable kinds, and errnos std does not decode, are UNKNOWN.
    for errno in [libc::ELOOP, libc::EINPROGRESS, libc::EIO, libc::ENOEXEC] {
        let kind = io::Error::from_raw_os_error(errno).kind();
        assert_eq!(Code::from_io_error_kind(kind), Code::Unknown, "{kind:?}");
    }
}

/// For every errno std decodes into a kind, the kind's code is Abseil's code
/// for that errno: the kind table and the errno table agree through std's own
/// decoder. (`Uncategorized` collects errnos of many codes and is skipped.)
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[test]
fn kinds_agree_with_the_errnos_std_decodes() {
    let mut checked = 0;
    for errno in 1..=4095 {
        let kind = io::Error::from_raw_os_error(errno).kind();
        if format!("{kind:?}") == "Uncategorized" {
            continue;
        }
        assert_eq!(
            Code::from_io_error_kind(kind),
            Code::from_errno(errno),
            "errno {errno} decodes to {kind:?}"
        );
        checked += 1;
    }
    assert!(checked >= 38, "{checked}");
}

// ---------------------------------------------------------------------------
// io::Error

#[test]
fn a_real_refused_connection_is_unavailable() {
    let error = refused();
    #[cfg(unix)]
    assert_eq!(error.raw_os_error(), Some(libc::ECONNREFUSED));
    assert_eq!(error.code(), Code::Unavailable);
    assert_eq!(chain(&error), Code::Unavailable);
}

#[cfg(unix)]
#[test]
fn an_os_error_uses_its_errno_before_its_kind() {
    // ENOBUFS decodes to no stable kind; Abseil says RESOURCE_EXHAUSTED.
    let error = io::Error::from_raw_os_error(libc::ENOBUFS);
    assert_eq!(Code::from_io_error_kind(error.kind()), Code::Unknown);
    assert_eq!(error.code(), Code::ResourceExhausted);
    // EIO is in no list: UNKNOWN either way.
    assert_eq!(
        io::Error::from_raw_os_error(libc::EIO).code(),
        Code::Unknown
    );
    // errno 0 is no error at all: an io::Error is never OK.
    assert_eq!(io::Error::from_raw_os_error(0).code(), Code::Unknown);
}

#[test]
fn an_other_io_error_takes_the_code_of_what_it_wraps() {
    let wrapped = io::Error::other(refused());
    assert_eq!(wrapped.kind(), ErrorKind::Other);
    assert_eq!(wrapped.code(), Code::Unavailable);
    // Two levels: std's source() would skip the inner io::Error.
    let twice = io::Error::other(Wrapper::new("dial", refused()));
    assert_eq!(twice.code(), Code::Unavailable);
    // Nothing inside: UNKNOWN.
    assert_eq!(io::Error::other("no idea").code(), Code::Unknown);
    assert_eq!(io::Error::from(ErrorKind::Other).code(), Code::Unknown);
}

#[test]
fn the_message_names_the_inner_error_that_decided_the_code() {
    // The outer text says nothing of what happened: the deciding error's
    // text follows it.
    let error: Box<dyn Error + Send + Sync> = Box::new(Wrapper::new(
        "transport error",
        io::Error::from(ErrorKind::TimedOut),
    ));
    let status = Status::from_error(&error);
    assert_eq!(status.code(), Code::DeadlineExceeded);
    assert_eq!(status.message(), "transport error: timed out");
    // The same through `dyn Error` and two unknown links.
    let nested = Wrapper::new(
        "request failed",
        Wrapper::new(
            "client error",
            io::Error::from(ErrorKind::ConnectionRefused),
        ),
    );
    let status = Status::from_error(&nested as &(dyn Error + 'static));
    assert_eq!(status.message(), "request failed: connection refused");
    // An outer text that already says it is not repeated.
    let error: Box<dyn Error + Send + Sync> = Box::new(Wrapper::new(
        "read: timed out",
        io::Error::from(ErrorKind::TimedOut),
    ));
    let status = Status::from_error(&error);
    assert_eq!(status.code(), Code::DeadlineExceeded);
    assert_eq!(status.message(), "read: timed out");
    // The outermost error decides: its own text alone.
    let error: Box<dyn Error + Send + Sync> = Box::new(io::Error::from(ErrorKind::NotFound));
    assert_eq!(Status::from_error(&error).message(), "entity not found");
    // A status inside: its message, not its `Display` (which repeats the code).
    let error: Box<dyn Error + Send + Sync> = Box::new(Wrapper::new(
        "handler",
        Status::new(Code::NotFound, "no user 7"),
    ));
    let status = Status::from_error(&error);
    assert_eq!(status.to_string(), "NOT_FOUND: handler: no user 7");
    #[cfg(feature = "tonic")]
    {
        let error: Box<dyn Error + Send + Sync> = Box::new(Wrapper::new(
            "handler",
            tonic::Status::unavailable("db slow"),
        ));
        assert_eq!(
            Status::from_error(&error).to_string(),
            "UNAVAILABLE: handler: db slow"
        );
    }
    // Nothing decides (UNKNOWN): the outer text alone.
    let error: Box<dyn Error + Send + Sync> =
        Box::new(Wrapper::new("opaque", Wrapper::leaf("inner")));
    let status = Status::from_error(&error);
    assert_eq!((status.code(), status.message()), (Code::Unknown, "opaque"));
}

#[test]
fn a_kind_chosen_by_the_wrapper_wins_over_what_it_wraps() {
    // Outermost definite code first.
    let error = io::Error::new(ErrorKind::TimedOut, refused());
    assert_eq!(error.code(), Code::DeadlineExceeded);
}

// ---------------------------------------------------------------------------
// HTTP/2 resets

#[test]
fn h2_reasons_follow_protocol_http2() {
    // PROTOCOL-HTTP2, "Errors": RST_STREAM error code -> code.
    let table = [
        (0x0, Code::Internal),          // NO_ERROR
        (0x1, Code::Internal),          // PROTOCOL_ERROR
        (0x2, Code::Internal),          // INTERNAL_ERROR
        (0x3, Code::Internal),          // FLOW_CONTROL_ERROR
        (0x4, Code::Internal),          // SETTINGS_TIMEOUT
        (0x5, Code::Unknown),           // STREAM_CLOSED: "no mapping"
        (0x6, Code::Internal),          // FRAME_SIZE_ERROR
        (0x7, Code::Unavailable),       // REFUSED_STREAM
        (0x8, Code::Cancelled),         // CANCEL
        (0x9, Code::Internal),          // COMPRESSION_ERROR
        (0xa, Code::Internal),          // CONNECT_ERROR
        (0xb, Code::ResourceExhausted), // ENHANCE_YOUR_CALM
        (0xc, Code::PermissionDenied),  // INADEQUATE_SECURITY
        (0xd, Code::Unknown),           // HTTP_1_1_REQUIRED: not in the table
    ];
    for (reason, code) in table {
        assert_eq!(grpc::code_from_h2_reason(reason), code, "{reason:#x}");
    }
    for reason in [0xe, 0xff, 0x1_0000, u32::MAX] {
        assert_eq!(
            grpc::code_from_h2_reason(reason),
            Code::Unknown,
            "{reason:#x}"
        );
    }
}

/// An I/O object whose every read and write fails with the given error (a
/// real one the first time), to get h2 and hyper to wrap it.
#[derive(Debug)]
struct Failing(Option<io::Error>);

impl Failing {
    fn take(&mut self) -> io::Error {
        self.0
            .take()
            .unwrap_or_else(|| ErrorKind::ConnectionRefused.into())
    }
}

impl tokio::io::AsyncRead for Failing {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::task::Poll::Ready(Err(self.take()))
    }
}

impl tokio::io::AsyncWrite for Failing {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: &[u8],
    ) -> std::task::Poll<io::Result<usize>> {
        std::task::Poll::Ready(Err(self.take()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

impl hyper::rt::Read for Failing {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: hyper::rt::ReadBufCursor<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::task::Poll::Ready(Err(self.take()))
    }
}

impl hyper::rt::Write for Failing {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: &[u8],
    ) -> std::task::Poll<io::Result<usize>> {
        std::task::Poll::Ready(Err(self.take()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

/// The io::Error found inside `error`, by walking `source()`.
fn inner_io<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a io::Error> {
    let mut link = Some(error);
    while let Some(error) = link {
        if let Some(io) = error.downcast_ref::<io::Error>() {
            return Some(io);
        }
        link = error.source();
    }
    None
}

#[test]
fn a_real_refused_connection_inside_hyper_is_unavailable() {
    let error = block_on(async {
        let (_sender, connection) =
            hyper::client::conn::http1::handshake::<_, String>(Failing(Some(refused())))
                .await
                .unwrap();
        connection.await.unwrap_err()
    });
    assert!(!error.is_timeout() && !error.is_canceled(), "{error:?}");
    let io = inner_io(&error).expect("hyper keeps the io::Error as its source");
    assert_eq!(io.kind(), ErrorKind::ConnectionRefused);
    #[cfg(unix)]
    assert_eq!(io.raw_os_error(), Some(libc::ECONNREFUSED));
    #[cfg(feature = "hyper")]
    assert_eq!(error.code(), Code::Unavailable);
    assert_eq!(chain(&error), Code::Unavailable);
    assert_eq!(chain(&Wrapper::new("request", error)), Code::Unavailable);
}

#[cfg(feature = "h2")]
#[test]
fn h2_errors() {
    use h2::Reason;

    for reason in 0..=0x20u32 {
        let error = h2::Error::from(Reason::from(reason));
        // Nothing else is known here, so an unmapped reason ends UNKNOWN.
        assert_eq!(
            error.code(),
            grpc::code_from_h2_reason(reason),
            "{reason:#x}"
        );
    }

    // A real refused connection under a client handshake: h2 keeps the
    // io::Error (`get_io()`, not `source()`), and the walk finds it.
    let error = block_on(h2::client::handshake(Failing(Some(refused())))).unwrap_err();
    assert!(error.is_io(), "{error:?}");
    assert_eq!(error.get_io().unwrap().kind(), ErrorKind::ConnectionRefused);
    #[cfg(unix)]
    assert_eq!(
        error.get_io().unwrap().raw_os_error(),
        Some(libc::ECONNREFUSED)
    );
    assert!(error.source().is_none());
    assert_eq!(error.code(), Code::Unavailable);
    assert_eq!(chain(&Wrapper::new("request", error)), Code::Unavailable);

    // A reset with an unmapped reason decides nothing; the walk goes on.
    let closed = h2::Error::from(Reason::STREAM_CLOSED);
    assert_eq!(chain(&io::Error::other(closed)), Code::Unknown);
    let cancel = h2::Error::from(Reason::CANCEL);
    assert_eq!(chain(&Wrapper::new("stream", cancel)), Code::Cancelled);
}

// ---------------------------------------------------------------------------
// The walk

#[test]
fn a_refused_connection_in_a_reqwest_like_wrapper_is_unavailable() {
    // reqwest's Error wraps hyper-util's, which wraps the io::Error.
    let error = Wrapper::new(
        "error sending request for url (http://127.0.0.1/)",
        Wrapper::new("client error (Connect)", refused()),
    );
    assert_eq!(chain(&error), Code::Unavailable);
}

#[test]
fn a_boxed_etimedout_is_deadline_exceeded() {
    #[cfg(unix)]
    let timed_out = io::Error::from_raw_os_error(libc::ETIMEDOUT);
    #[cfg(not(unix))]
    let timed_out = io::Error::from(ErrorKind::TimedOut);
    let boxed: Box<dyn Error + Send + Sync> = Box::new(timed_out);
    assert_eq!(chain(&*boxed), Code::DeadlineExceeded);
    assert_eq!(boxed.code(), Code::DeadlineExceeded);
    let status = Status::from_error(&boxed);
    assert_eq!(status.code(), Code::DeadlineExceeded);
    assert_eq!(status.message(), boxed.to_string());

    let boxed: Box<dyn Error> =
        Box::new(Wrapper::new("slow", io::Error::from(ErrorKind::TimedOut)));
    assert_eq!(boxed.code(), Code::DeadlineExceeded);
}

#[test]
fn anyhow_context_layers() {
    let error = anyhow::Error::new(refused())
        .context("connecting to the cache")
        .context("fetching user 7");
    assert_eq!(error.chain().count(), 3);
    assert_eq!(chain(&*error), Code::Unavailable);
    assert_eq!(chain(error.as_ref()), Code::Unavailable);
    #[cfg(feature = "anyhow")]
    {
        assert_eq!(error.code(), Code::Unavailable);
        let status = Status::from_error(&error);
        // The outer context, then the error that decided the code.
        assert_eq!(
            status.to_string(),
            format!("UNAVAILABLE: fetching user 7: {}", error.root_cause())
        );
    }

    let nothing = anyhow::anyhow!("bad luck").context("fetching user 7");
    assert_eq!(chain(&*nothing), Code::Unknown);

    // A status returned early and given context keeps its code.
    let not_found = anyhow::Error::new(Status::new(Code::NotFound, "no user 7")).context("handler");
    assert_eq!(chain(&*not_found), Code::NotFound);
}

#[test]
fn nothing_known_is_unknown() {
    let error = Wrapper::new(
        "a",
        Wrapper::new("b", Wrapper::new("c", Wrapper::leaf("d"))),
    );
    assert_eq!(chain(&error), Code::Unknown);
    assert_eq!(chain(&Wrapper::leaf("alone")), Code::Unknown);
    let boxed: Box<dyn Error + Send + Sync> = "a string error".into();
    assert_eq!(chain(&*boxed), Code::Unknown);
}

#[test]
fn outermost_definite_code_wins_and_unknown_or_ok_pass_inward() {
    let inner = Status::new(Code::NotFound, "inner");
    // An unknown wrapper passes the decision inward.
    assert_eq!(chain(&Wrapper::new("outer", inner.clone())), Code::NotFound);
    // A definite io kind outside decides before the status inside.
    let outer = io::Error::new(ErrorKind::PermissionDenied, inner.clone());
    assert_eq!(chain(&outer), Code::PermissionDenied);
    // A status of UNKNOWN or OK does not end the walk; with nothing else known,
    // the result is UNKNOWN, never OK.
    assert_eq!(chain(&Status::new(Code::Ok, "fine?")), Code::Unknown);
    assert_eq!(chain(&Status::new(Code::Unknown, "?")), Code::Unknown);
}

#[cfg(feature = "tonic")]
#[test]
fn tonic_errors() {
    // A status says its code.
    let status = tonic::Status::not_found("no user");
    assert_eq!(chain(&status), Code::NotFound);
    // tonic's UNKNOWN status from an arbitrary error keeps it as source: the
    // walk goes on into it.
    let status = tonic::Status::from_error(Box::new(refused()));
    assert_eq!(status.code(), tonic::Code::Unknown);
    assert_eq!(chain(&status), Code::Unavailable);
    // tonic's own timeout: DEADLINE_EXCEEDED (tonic itself says CANCELLED).
    let expired = tonic::TimeoutExpired(());
    assert_eq!(expired.code(), Code::DeadlineExceeded);
    assert_eq!(
        chain(&Wrapper::new("call", expired)),
        Code::DeadlineExceeded
    );
    let connect = tonic::ConnectError(Box::new(io::Error::from(ErrorKind::PermissionDenied)));
    assert_eq!(chain(&connect), Code::Unavailable);
}

#[cfg(feature = "tower")]
#[test]
fn tower_errors() {
    let elapsed = tower::timeout::error::Elapsed::new();
    assert_eq!(elapsed.code(), Code::DeadlineExceeded);
    // tower's BoxError, as a Timeout service returns it.
    let boxed: tower::BoxError = Box::new(tower::timeout::error::Elapsed::new());
    assert_eq!(chain(&*boxed), Code::DeadlineExceeded);
    assert_eq!(
        chain(&Wrapper::new("call", tower::timeout::error::Elapsed::new())),
        Code::DeadlineExceeded
    );
    let overloaded = tower::load_shed::error::Overloaded::new();
    assert_eq!(overloaded.code(), Code::ResourceExhausted);
    assert_eq!(
        chain(&Wrapper::new("call", overloaded)),
        Code::ResourceExhausted
    );
}

#[test]
fn a_real_tokio_timeout_is_deadline_exceeded() {
    let elapsed = block_on(async {
        tokio::time::timeout(
            std::time::Duration::from_millis(1),
            std::future::pending::<()>(),
        )
        .await
    })
    .unwrap_err();
    #[cfg(feature = "tokio")]
    assert_eq!(elapsed.code(), Code::DeadlineExceeded);
    let wrapped = Wrapper::new("waiting for the cache", elapsed);
    #[cfg(feature = "tokio")]
    {
        assert_eq!(chain(&wrapped), Code::DeadlineExceeded);
        assert_eq!(io::Error::other(wrapped).code(), Code::DeadlineExceeded);
    }
    #[cfg(not(feature = "tokio"))]
    assert_eq!(chain(&wrapped), Code::Unknown);
}

#[test]
fn a_cyclic_chain_ends() {
    /// An error whose source is itself.
    #[derive(Debug)]
    struct Loop;
    impl fmt::Display for Loop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("loop")
        }
    }
    impl Error for Loop {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&Loop)
        }
    }
    assert_eq!(chain(&Loop), Code::Unknown);
}

// ---------------------------------------------------------------------------
// reqwest (and hyper inside it) against local sockets

#[cfg(feature = "reqwest")]
mod reqwest_real {
    use std::io::{Read, Write};
    use std::thread;
    use std::time::Duration;

    use super::*;

    fn get(url: String, timeout: Option<Duration>) -> reqwest::Error {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let mut client = reqwest::Client::builder();
            if let Some(timeout) = timeout {
                client = client.timeout(timeout);
            }
            let client = client.build().unwrap();
            match client.get(url).send().await {
                Ok(response) => response.error_for_status().unwrap_err(),
                Err(error) => error,
            }
        })
    }

    /// A server on 127.0.0.1 that reads one request and answers with `reply`
    /// (or closes the connection when `reply` is empty); its URL.
    fn serve_once(reply: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(reply);
        });
        url
    }

    #[test]
    fn connection_refused() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let error = get(format!("http://127.0.0.1:{port}/"), None);
        assert!(error.is_connect(), "{error:?}");
        assert_eq!(error.code(), Code::Unavailable);
        assert_eq!(chain(&Wrapper::new("fetch", error)), Code::Unavailable);
    }

    #[test]
    fn timeout() {
        // Accepts, never answers.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let error = get(url, Some(Duration::from_millis(100)));
        drop(listener);
        assert!(error.is_timeout(), "{error:?}");
        assert_eq!(error.code(), Code::DeadlineExceeded);
    }

    #[test]
    fn error_for_status() {
        let url = serve_once(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
        let error = get(url, None);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(error.code(), Code::NotFound);

        let url = serve_once(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n");
        assert_eq!(get(url, None).code(), Code::Unavailable);
    }

    #[test]
    fn connection_closed_mid_message_is_unavailable_through_hyper() {
        // The server reads the request and closes: hyper's IncompleteMessage,
        // inside hyper-util's error, inside reqwest's.
        let url = serve_once(b"");
        let error = get(url, None);
        assert!(!error.is_connect() && !error.is_timeout(), "{error:?}");
        let mut source = error.source();
        let mut hyper_seen = false;
        while let Some(inner) = source {
            if let Some(hyper) = inner.downcast_ref::<hyper::Error>() {
                assert!(hyper.is_incomplete_message(), "{hyper:?}");
                hyper_seen = true;
            }
            source = inner.source();
        }
        assert!(hyper_seen, "{error:?}");
        assert_eq!(error.code(), Code::Unavailable);
    }
}

// ---------------------------------------------------------------------------
// No allocation

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn the_walk_allocates_nothing() {
    let chains: Vec<Box<dyn Error + Send + Sync>> = vec![
        Box::new(Wrapper::new(
            "a",
            Wrapper::new("b", Wrapper::new("c", Wrapper::leaf("d"))),
        )),
        Box::new(Wrapper::new(
            "a",
            Wrapper::new("b", io::Error::other(refused())),
        )),
        Box::new(io::Error::from(ErrorKind::UnexpectedEof)),
        Box::new(Status::new(Code::NotFound, "x")),
    ];
    // A kind recognised by its Debug name formats it on the stack.
    #[cfg(unix)]
    let newer_kind = io::Error::from_raw_os_error(libc::ENAMETOOLONG).kind();
    let before = ALLOCATIONS.with(Cell::get);
    for error in &chains {
        std::hint::black_box(Code::from_error_chain(std::hint::black_box(&**error)));
    }
    #[cfg(unix)]
    std::hint::black_box(Code::from_io_error_kind(std::hint::black_box(newer_kind)));
    assert_eq!(ALLOCATIONS.with(Cell::get), before);
}
