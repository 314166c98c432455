//! Codes from Rust error values: [`Code::from_error_chain`] walks an error and
//! what it wraps, and every error type this crate knows is recognised here
//! (`inspect`), with its [`HasCode`] impl.
//!
//! To teach the walk a new type: add a `downcast!` arm to `inspect` (behind
//! the type's crate feature), say what it carries in the table of
//! [`Code::from_error_chain`] and in `docs/errors.md`, and give it a `HasCode`
//! impl below.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use core::error::Error;
use core::mem::{size_of, size_of_val};
use std::io;

use crate::{Code, HasCode, Status};

/// Stops a walk through a `source()` chain that loops back on itself (a buggy
/// `Error` impl); real chains are a handful of links.
const MAX_LINKS: usize = 128;

impl Code {
    /// The most specific code found in `error` and the errors it wraps, or
    /// UNKNOWN (feature `std`). Never OK: an error is not a success.
    ///
    /// "Most specific" is defined as follows. The walk goes from the outermost
    /// error inwards, one link at a time: each error's `source()`, except that
    /// an `io::Error` made with `io::Error::new` or `io::Error::other` leads
    /// to the error it wraps (`get_ref()`; std's `source()` would skip that
    /// error), and an `h2::Error` leads to its `io::Error` (`get_io()`). The
    /// **first** error that carries a definite code decides: a code is
    /// definite when it is neither UNKNOWN nor OK. An error of a type the walk
    /// does not know, or one that says UNKNOWN (an `io::Error` of kind
    /// `Other`, a `tonic::Status` UNKNOWN, an HTTP/2 reset with an unmapped
    /// reason), passes the decision to the error it wraps. When no error
    /// decides, the result is UNKNOWN.
    ///
    /// Outermost first, because the outer error was written by code that saw
    /// the inner one and classified it (reqwest deciding that a failure was a
    /// timeout, a server's status), as tonic's `find_status_in_source_chain`
    /// does.
    ///
    /// | error | code | feature |
    /// |---|---|---|
    /// | [`Status`] (this crate's) | its code | |
    /// | `io::Error` from the OS (`raw_os_error`), on Unix | [`Code::from_errno`] | `std` |
    /// | any other `io::Error` | [`Code::from_io_error_kind`] (kind `Other`: what it wraps) | `std` |
    /// | `tonic::Status` | its code | `tonic` |
    /// | `tonic::TimeoutExpired` | DEADLINE_EXCEEDED | `tonic` |
    /// | `tonic::ConnectError` | UNAVAILABLE | `tonic` |
    /// | `tokio::time::error::Elapsed` | DEADLINE_EXCEEDED | `tokio` |
    /// | `tower::timeout::error::Elapsed` | DEADLINE_EXCEEDED | `tower` |
    /// | `tower::load_shed::error::Overloaded` | RESOURCE_EXHAUSTED | `tower` |
    /// | `hyper::Error`: `is_timeout()` / `is_canceled()` / `is_incomplete_message()` or a body cut short (`UnexpectedEof`) | DEADLINE_EXCEEDED / CANCELLED / UNAVAILABLE; else what it wraps | `hyper` |
    /// | `h2::Error` with a reason | [`grpc::code_from_h2_reason`](crate::grpc::code_from_h2_reason); a GOAWAY with NO_ERROR: UNAVAILABLE | `h2` |
    /// | `h2::Error` from I/O | its `io::Error` | `h2` |
    /// | `reqwest::Error`: `is_timeout()` / `status()` / `is_connect()` | DEADLINE_EXCEEDED / [`Code::from_http_status`] / UNAVAILABLE; else what it wraps | `reqwest` |
    /// | `axum::Error` (a `HasCode` impl; in a chain, any unknown type) | what it wraps | `axum` |
    ///
    /// An `anyhow::Error` is walked through its `Deref` to `dyn Error`
    /// (`Code::from_error_chain(&*error)`, or its [`HasCode`] impl with the
    /// `anyhow` feature); its context layers are links like any other. A
    /// `Box<dyn Error + Send + Sync>` likewise: `&*boxed`.
    ///
    /// An error type of your own is seen inside a chain when it is
    /// registered: every `#[derive(HasCode)]` type is, a hand-written
    /// `HasCode` impl with [`register_error!`](crate::register_error). Any
    /// other type of yours is not, even with a
    /// [`HasCode`] impl (a `dyn Error` cannot be asked for another trait); one
    /// that may end up wrapped can return a [`Status`] from its `source()`.
    ///
    /// The walk allocates nothing; per link it costs a few type-id
    /// comparisons and one `source()` call (a link of a type it does not
    /// know: a walk of the registered types too). It stops after 128 links, in case
    /// a `source()` chain loops.
    ///
    /// ```
    /// use std::io;
    /// use spanstatus_core::Code;
    ///
    /// #[derive(Debug)]
    /// struct FetchFailed(io::Error);
    ///
    /// impl std::fmt::Display for FetchFailed {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str("fetch failed")
    ///     }
    /// }
    ///
    /// impl std::error::Error for FetchFailed {
    ///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
    ///         Some(&self.0)
    ///     }
    /// }
    ///
    /// let error: Box<dyn std::error::Error + Send + Sync> =
    ///     Box::new(FetchFailed(io::ErrorKind::TimedOut.into()));
    /// assert_eq!(Code::from_error_chain(&*error), Code::DeadlineExceeded);
    ///
    /// let nothing_known = FetchFailed(io::Error::other("no idea"));
    /// assert_eq!(Code::from_error_chain(&nothing_known), Code::Unknown);
    /// ```
    pub fn from_error_chain(error: &(dyn Error + 'static)) -> Code {
        deciding_link(error).map_or(Code::Unknown, |(code, _, _)| code)
    }
}

/// The first link of `error`'s chain that carries a definite code, that code,
/// and how deep the link is (0: `error` itself), by [`Code::from_error_chain`]'s
/// walk. (Depth, not address: a newtype and the error it wraps share one.)
fn deciding_link<'a>(
    error: &'a (dyn Error + 'static),
) -> Option<(Code, &'a (dyn Error + 'static), usize)> {
    let mut link = Some(error);
    let mut links = 0;
    while let Some(error) = link {
        let (code, inner) = inspect(error);
        if let Some(code) = code {
            if !matches!(code, Code::Unknown | Code::Ok) {
                return Some((code, error, links));
            }
        }
        links += 1;
        if links == MAX_LINKS {
            break;
        }
        link = inner;
    }
    None
}

/// The status message of an error walked by [`Code::from_error_chain`]: its
/// own text, followed by the text of the inner error that decided the code
/// when that says something the outer text does not (`transport error:
/// Timeout expired` for a tonic channel's timeout, where the outer text alone
/// says nothing of a deadline). `None`: the error's own text is the message.
pub(crate) fn chain_message(error: &(dyn Error + 'static)) -> Option<alloc::string::String> {
    let (_, decided, depth) = deciding_link(error)?;
    if depth == 0 {
        return None;
    }
    let outer = alloc::string::ToString::to_string(error);
    let inner = link_message(decided);
    if inner.is_empty() || outer.contains(&*inner) {
        return Some(outer);
    }
    Some(alloc::format!("{outer}: {inner}"))
}

/// What a link of a chain says: a status's own message (its `Display` would
/// repeat the code, and tonic's adds its details), else its `Display` text.
fn link_message<'a>(link: &'a (dyn Error + 'static)) -> Cow<'a, str> {
    if let Some(status) = link.downcast_ref::<Status>() {
        return Cow::Borrowed(status.message());
    }
    #[cfg(feature = "tonic")]
    if let Some(status) = link.downcast_ref::<tonic::Status>() {
        return Cow::Borrowed(status.message());
    }
    Cow::Owned(alloc::string::ToString::to_string(link))
}

/// What one error says: its own code if it carries one, and the error it wraps.
type Link<'a> = (Option<Code>, Option<&'a (dyn Error + 'static)>);

/// Recognises the error types this crate knows, most frequent first.
///
/// Each `downcast_ref` is a virtual `type_id` call; comparing the error's size
/// (read from its vtable, no call) first skips the calls for every type of
/// another size, which is most of them for an unknown wrapper. A type always
/// has its own size, so the shortcut never misses a match.
fn inspect<'a>(error: &'a (dyn Error + 'static)) -> Link<'a> {
    let size = size_of_val(error);
    /// `error.downcast_ref::<T>()`, when `error` can be a `T` at all.
    macro_rules! downcast {
        ($ty:ty) => {
            if size == size_of::<$ty>() {
                error.downcast_ref::<$ty>()
            } else {
                None
            }
        };
    }

    if let Some(error) = downcast!(io::Error) {
        return (Some(crate::io::own_code(error)), crate::io::inner(error));
    }
    if let Some(status) = downcast!(Status) {
        return (Some(status.code()), None);
    }
    #[cfg(feature = "tonic")]
    {
        if let Some(status) = downcast!(tonic::Status) {
            return (Some(status.code().into()), error.source());
        }
        if downcast!(tonic::TimeoutExpired).is_some() {
            return (Some(Code::DeadlineExceeded), None);
        }
        if downcast!(tonic::ConnectError).is_some() {
            return (Some(Code::Unavailable), error.source());
        }
    }
    #[cfg(feature = "tokio")]
    if downcast!(tokio::time::error::Elapsed).is_some() {
        return (Some(Code::DeadlineExceeded), None);
    }
    #[cfg(feature = "tower")]
    {
        if downcast!(tower::timeout::error::Elapsed).is_some() {
            return (Some(Code::DeadlineExceeded), None);
        }
        if downcast!(tower::load_shed::error::Overloaded).is_some() {
            return (Some(Code::ResourceExhausted), None);
        }
    }
    #[cfg(feature = "hyper")]
    if let Some(error) = downcast!(hyper::Error) {
        return (hyper_code(error), error.source());
    }
    #[cfg(feature = "h2")]
    if let Some(error) = downcast!(h2::Error) {
        let io = error.get_io().map(|io| io as &(dyn Error + 'static));
        return (h2_code(error), io);
    }
    #[cfg(feature = "reqwest")]
    if let Some(error) = downcast!(reqwest::Error) {
        return (reqwest_code(error), error.source());
    }
    // Your own types, registered (`#[derive(HasCode)]`, `register_error!`).
    if let Some(code) = crate::registry::link_code(error) {
        return (Some(code), error.source());
    }
    (None, error.source())
}

/// Walks every error type through [`Code::from_error_chain`].
macro_rules! code_from_chain {
    ($($(#[$attr:meta])* $ty:ty;)+) => {$(
        $(#[$attr])*
        impl HasCode for $ty {
            /// [`Code::from_error_chain`] of this error.
            fn code(&self) -> Code {
                Code::from_error_chain(self)
            }

            /// Its text, and the text of the inner error that decided the
            /// code when the outer one does not say it.
            fn status_message(&self) -> Option<Cow<'_, str>> {
                chain_message(self).map(Cow::Owned)
            }
        }
    )+};
}

code_from_chain! {
    dyn Error + 'static;
    dyn Error + Send + 'static;
    dyn Error + Send + Sync + 'static;
    /// axum's body error: what it wraps decides.
    #[cfg(feature = "axum")]
    axum_core::Error;
}

/// `Box<dyn Error>` is not itself an `Error`; these let it go where a
/// `HasCode` is expected (`Status::from_error(&boxed)`).
macro_rules! boxed_code_from_chain {
    ($($ty:ty;)+) => {$(
        impl HasCode for Box<$ty> {
            /// [`Code::from_error_chain`] of the boxed error.
            fn code(&self) -> Code {
                Code::from_error_chain(&**self)
            }

            /// Its text, and the text of the inner error that decided the
            /// code when the outer one does not say it.
            fn status_message(&self) -> Option<Cow<'_, str>> {
                chain_message(&**self).map(Cow::Owned)
            }
        }
    )+};
}

boxed_code_from_chain! {
    dyn Error + 'static;
    dyn Error + Send + 'static;
    dyn Error + Send + Sync + 'static;
}

#[cfg(feature = "anyhow")]
impl HasCode for anyhow::Error {
    /// [`Code::from_error_chain`] of the error and its context layers.
    fn code(&self) -> Code {
        Code::from_error_chain(&**self)
    }

    /// Its text, and the text of the inner error that decided the code when
    /// the outer one does not say it.
    fn status_message(&self) -> Option<Cow<'_, str>> {
        chain_message(&**self).map(Cow::Owned)
    }
}

#[cfg(feature = "tonic")]
impl HasCode for tonic::TimeoutExpired {
    /// DEADLINE_EXCEEDED: a deadline passed. (tonic turns it into CANCELLED.)
    fn code(&self) -> Code {
        Code::DeadlineExceeded
    }
}

#[cfg(feature = "tonic")]
impl HasCode for tonic::ConnectError {
    /// UNAVAILABLE, as tonic says: the server could not be reached.
    fn code(&self) -> Code {
        Code::Unavailable
    }
}

#[cfg(feature = "tokio")]
impl HasCode for tokio::time::error::Elapsed {
    /// DEADLINE_EXCEEDED.
    fn code(&self) -> Code {
        Code::DeadlineExceeded
    }
}

#[cfg(feature = "tower")]
impl HasCode for tower::timeout::error::Elapsed {
    /// DEADLINE_EXCEEDED.
    fn code(&self) -> Code {
        Code::DeadlineExceeded
    }
}

#[cfg(feature = "tower")]
impl HasCode for tower::load_shed::error::Overloaded {
    /// RESOURCE_EXHAUSTED: the service shed the request, as tonic reports it.
    fn code(&self) -> Code {
        Code::ResourceExhausted
    }
}

#[cfg(feature = "hyper")]
fn hyper_code(error: &hyper::Error) -> Option<Code> {
    if error.is_timeout() {
        Some(Code::DeadlineExceeded)
    } else if error.is_canceled() {
        Some(Code::Cancelled)
    } else if error.is_incomplete_message() || ends_early(error) {
        // The connection closed mid-message: gRPC's statuscodes.md gives
        // UNAVAILABLE when "the connection breaks" after data was sent.
        Some(Code::Unavailable)
    } else {
        None
    }
}

/// A body cut short by its connection: hyper reports it as an `io::Error`
/// of kind `UnexpectedEof` under its own error, which on its own would read
/// as OUT_OF_RANGE (reading past the end of a file).
#[cfg(feature = "hyper")]
fn ends_early(error: &hyper::Error) -> bool {
    error
        .source()
        .and_then(|source| source.downcast_ref::<io::Error>())
        .is_some_and(|io| io.kind() == io::ErrorKind::UnexpectedEof)
}

#[cfg(feature = "hyper")]
code_from_chain! {
    /// `is_timeout()`: DEADLINE_EXCEEDED; `is_canceled()`: CANCELLED;
    /// `is_incomplete_message()`, or a body cut short (`UnexpectedEof`):
    /// UNAVAILABLE; otherwise what it wraps.
    hyper::Error;
}

#[cfg(feature = "h2")]
fn h2_code(error: &h2::Error) -> Option<Code> {
    let reason = error.reason()?;
    if error.is_go_away() && reason == h2::Reason::NO_ERROR {
        // A graceful GOAWAY: the server is shutting down and did not process
        // this stream (PROTOCOL-HTTP2, "GOAWAY Frame"; statuscodes.md).
        return Some(Code::Unavailable);
    }
    Some(crate::grpc::code_from_h2_reason(reason.into()))
}

#[cfg(feature = "h2")]
code_from_chain! {
    /// A reset or GOAWAY: [`grpc::code_from_h2_reason`](crate::grpc::code_from_h2_reason)
    /// (a GOAWAY with NO_ERROR: UNAVAILABLE); an I/O error: its `io::Error`'s code.
    h2::Error;
}

#[cfg(feature = "reqwest")]
fn reqwest_code(error: &reqwest::Error) -> Option<Code> {
    if error.is_timeout() {
        Some(Code::DeadlineExceeded)
    } else if let Some(status) = error.status() {
        Some(Code::from_http_status(status.as_u16()))
    } else if error.is_connect() {
        Some(Code::Unavailable)
    } else {
        None
    }
}

#[cfg(feature = "reqwest")]
code_from_chain! {
    /// `is_timeout()`: DEADLINE_EXCEEDED; `status()`: [`Code::from_http_status`];
    /// `is_connect()`: UNAVAILABLE; otherwise what it wraps.
    reqwest::Error;
}
