//! `std::io`: [`Code::from_io_error_kind`], and the code of an `io::Error`
//! (its errno where the OS gave one, else its kind).

use core::fmt::{self, Write as _};
use std::io;

use crate::{Code, HasCode, errno};

impl Code {
    /// The code for an [`io::ErrorKind`] (feature `std`).
    ///
    /// A kind that std decodes from errnos gets the code Abseil's
    /// `ErrnoToStatusCode` gives those errnos ([`Code::from_errno`]), so that
    /// an `io::Error` gets the same code from its kind as from its errno (but
    /// for EOPNOTSUPP where it is not ENOTSUP, on macOS, NetBSD and OpenBSD:
    /// std calls it `Unsupported`, Abseil does not list it). The
    /// kinds with no errno behind them are chosen, each for a reason given
    /// below. A kind this crate does not know (`ErrorKind` is
    /// `#[non_exhaustive]`) is UNKNOWN.
    ///
    /// | kind | errno (Linux) | code |
    /// |---|---|---|
    /// | `NotFound` | ENOENT | NOT_FOUND |
    /// | `PermissionDenied` | EACCES, EPERM | PERMISSION_DENIED |
    /// | `ConnectionRefused`, `ConnectionReset`, `ConnectionAborted` | ECONNREFUSED, ECONNRESET, ECONNABORTED | UNAVAILABLE |
    /// | `HostUnreachable`, `NetworkUnreachable`, `NetworkDown` | EHOSTUNREACH, ENETUNREACH, ENETDOWN | UNAVAILABLE |
    /// | `WouldBlock`, `Interrupted` | EAGAIN (EWOULDBLOCK), EINTR | UNAVAILABLE |
    /// | `NotConnected`, `AddrInUse`, `BrokenPipe` | ENOTCONN, EADDRINUSE, EPIPE | FAILED_PRECONDITION |
    /// | `NotADirectory`, `IsADirectory`, `DirectoryNotEmpty` | ENOTDIR, EISDIR, ENOTEMPTY | FAILED_PRECONDITION |
    /// | `ResourceBusy`, `ExecutableFileBusy` | EBUSY, ETXTBSY | FAILED_PRECONDITION |
    /// | `AddrNotAvailable` | EADDRNOTAVAIL | ALREADY_EXISTS (Abseil's choice) |
    /// | `AlreadyExists` | EEXIST | ALREADY_EXISTS |
    /// | `ReadOnlyFilesystem` | EROFS | PERMISSION_DENIED |
    /// | `StaleNetworkFileHandle`, `Deadlock` | ESTALE, EDEADLK | ABORTED |
    /// | `InvalidInput`, `NotSeekable`, `ArgumentListTooLong`, `InvalidFilename` | EINVAL, ESPIPE, E2BIG, ENAMETOOLONG | INVALID_ARGUMENT |
    /// | `TimedOut` | ETIMEDOUT | DEADLINE_EXCEEDED |
    /// | `StorageFull`, `QuotaExceeded`, `TooManyLinks`, `OutOfMemory` | ENOSPC, EDQUOT, EMLINK, ENOMEM | RESOURCE_EXHAUSTED |
    /// | `FileTooLarge` | EFBIG | OUT_OF_RANGE |
    /// | `CrossesDevices`, `Unsupported` | EXDEV; ENOSYS, EOPNOTSUPP | UNIMPLEMENTED |
    /// | `TooManyOpenFiles` (not yet stable) | EMFILE, ENFILE | RESOURCE_EXHAUSTED |
    /// | `FilesystemLoop`, `InProgress`, `InputOutputError` (not yet stable) | ELOOP, EINPROGRESS, EIO: not in Abseil's table | UNKNOWN |
    /// | `InvalidData` | none | DATA_LOSS |
    /// | `UnexpectedEof` | none | OUT_OF_RANGE |
    /// | `WriteZero` | none | FAILED_PRECONDITION |
    /// | `Other`, and any kind not listed | none | UNKNOWN |
    ///
    /// The kinds with no errno:
    ///
    /// - `InvalidData` → DATA_LOSS: std defines it as valid parameters but
    ///   malformed or corrupt *data* (unlike `InvalidInput`, a bad argument),
    ///   and DATA_LOSS is the code for corrupt data; tonic agrees. An
    ///   application that knows the data came from its caller should say
    ///   INVALID_ARGUMENT itself.
    /// - `UnexpectedEof` → OUT_OF_RANGE: the canonical description of
    ///   OUT_OF_RANGE names "reading past end-of-file"; tonic agrees.
    /// - `WriteZero` → FAILED_PRECONDITION: a writer that accepts nothing "is
    ///   no longer able to accept bytes" (`Write::write`), the state EPIPE
    ///   reports for pipes and sockets, which Abseil maps to
    ///   FAILED_PRECONDITION; retrying the same write will not help.
    /// - `Other` → UNKNOWN: it says nothing; [`Code::from_error_chain`] looks
    ///   at the error an `Other` io error wraps instead.
    ///
    /// Kinds stabilized after this crate's minimum Rust (1.85), and kinds std
    /// may stabilize later, are recognised by their `Debug` name, so the table
    /// holds on every Rust version.
    ///
    /// ```
    /// use std::io::ErrorKind;
    /// use spanstatus_core::Code;
    ///
    /// assert_eq!(Code::from_io_error_kind(ErrorKind::ConnectionRefused), Code::Unavailable);
    /// assert_eq!(Code::from_io_error_kind(ErrorKind::BrokenPipe), Code::FailedPrecondition);
    /// assert_eq!(Code::from_io_error_kind(ErrorKind::UnexpectedEof), Code::OutOfRange);
    /// assert_eq!(Code::from_io_error_kind(ErrorKind::Other), Code::Unknown);
    /// ```
    pub fn from_io_error_kind(kind: io::ErrorKind) -> Code {
        use io::ErrorKind as K;
        match kind {
            // Decoded from errnos: Abseil's code for them.
            K::NotFound => Code::NotFound,
            K::PermissionDenied => Code::PermissionDenied,
            K::ConnectionRefused => Code::Unavailable,
            K::ConnectionReset => Code::Unavailable,
            K::HostUnreachable => Code::Unavailable,
            K::NetworkUnreachable => Code::Unavailable,
            K::ConnectionAborted => Code::Unavailable,
            K::NotConnected => Code::FailedPrecondition,
            K::AddrInUse => Code::FailedPrecondition,
            K::AddrNotAvailable => Code::AlreadyExists,
            K::NetworkDown => Code::Unavailable,
            K::BrokenPipe => Code::FailedPrecondition,
            K::AlreadyExists => Code::AlreadyExists,
            K::WouldBlock => Code::Unavailable,
            K::NotADirectory => Code::FailedPrecondition,
            K::IsADirectory => Code::FailedPrecondition,
            K::DirectoryNotEmpty => Code::FailedPrecondition,
            K::ReadOnlyFilesystem => Code::PermissionDenied,
            K::StaleNetworkFileHandle => Code::Aborted,
            K::InvalidInput => Code::InvalidArgument,
            K::TimedOut => Code::DeadlineExceeded,
            K::StorageFull => Code::ResourceExhausted,
            K::NotSeekable => Code::InvalidArgument,
            K::QuotaExceeded => Code::ResourceExhausted,
            K::FileTooLarge => Code::OutOfRange,
            K::ResourceBusy => Code::FailedPrecondition,
            K::ExecutableFileBusy => Code::FailedPrecondition,
            K::Deadlock => Code::Aborted,
            K::CrossesDevices => Code::Unimplemented,
            K::TooManyLinks => Code::ResourceExhausted,
            K::ArgumentListTooLong => Code::InvalidArgument,
            K::Interrupted => Code::Unavailable,
            K::Unsupported => Code::Unimplemented,
            K::OutOfMemory => Code::ResourceExhausted,
            // No errno behind them: chosen (see above).
            K::InvalidData => Code::DataLoss,
            K::UnexpectedEof => Code::OutOfRange,
            K::WriteZero => Code::FailedPrecondition,
            K::Other => Code::Unknown,
            _ => from_kind_name(kind),
        }
    }
}

/// Kinds newer than the crate's minimum Rust (1.85), or not yet stable, by
/// their `Debug` name: naming them in a `match` would not compile there.
fn from_kind_name(kind: io::ErrorKind) -> Code {
    let mut name = Name::default();
    if write!(name, "{kind:?}").is_err() {
        return Code::Unknown;
    }
    match name.as_bytes() {
        // ENAMETOOLONG; stable since Rust 1.87.
        b"InvalidFilename" => Code::InvalidArgument,
        // EMFILE, ENFILE.
        b"TooManyOpenFiles" => Code::ResourceExhausted,
        // ELOOP (`FilesystemLoop`), EINPROGRESS (`InProgress`), EIO
        // (`InputOutputError`), errnos std does not decode (`Uncategorized`):
        // none in Abseil's table.
        _ => Code::Unknown,
    }
}

/// A `Debug` name on the stack: no allocation. Longer names do not fit, and
/// are no kind this crate knows.
#[derive(Default)]
struct Name {
    bytes: [u8; 24],
    len: usize,
}

impl Name {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl fmt::Write for Name {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The code an `io::Error` carries itself: [`Code::from_errno`] for an OS
/// error where errnos are known (Unix with a table; on Windows
/// `raw_os_error` is a Win32 code), else [`Code::from_io_error_kind`].
pub(crate) fn own_code(error: &io::Error) -> Code {
    if cfg!(unix) && errno::HAS_TABLE {
        if let Some(number) = error.raw_os_error() {
            return Code::from_errno(number);
        }
    }
    Code::from_io_error_kind(error.kind())
}

/// The error an `io::Error` wraps: the one given to `io::Error::new` or
/// `io::Error::other` (std's `source()` skips it and returns *its* source).
pub(crate) fn inner(error: &io::Error) -> Option<&(dyn core::error::Error + 'static)> {
    match error.get_ref() {
        Some(inner) => Some(inner),
        None => core::error::Error::source(error),
    }
}

impl HasCode for io::Error {
    /// The errno's code for an OS error (Unix; [`Code::from_errno`]), else the
    /// kind's ([`Code::from_io_error_kind`]); when that is UNKNOWN (kind
    /// `Other`, an errno Abseil does not list), the code of the error it wraps,
    /// as [`Code::from_error_chain`] finds it.
    ///
    /// ```
    /// use std::io;
    /// use spanstatus_core::{Code, HasCode};
    ///
    /// let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
    /// assert_eq!(refused.code(), Code::Unavailable);
    /// // An `Other` error takes the code of what it wraps.
    /// assert_eq!(io::Error::other(refused).code(), Code::Unavailable);
    /// ```
    fn code(&self) -> Code {
        Code::from_error_chain(self)
    }
}
