//! [`Status`]: a code with a message, and [`HasCode`] for errors that carry one.

use alloc::borrow::Cow;
use alloc::string::ToString;
use core::fmt;

use crate::Code;

/// A canonical [`Code`] with a human-readable message, like OpenCensus' and
/// google.rpc's `Status` (without details).
///
/// ```
/// use spanstatus_core::{Code, Status};
///
/// let status = Status::new(Code::NotFound, "Cache miss");
/// assert_eq!(status.code(), Code::NotFound);
/// assert_eq!(status.message(), "Cache miss");
/// assert_eq!(status.to_string(), "NOT_FOUND: Cache miss");
/// assert!(!status.is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Status {
    code: Code,
    message: Cow<'static, str>,
}

impl Status {
    /// A status with `code` and `message`; a `&'static str` message is not copied.
    pub fn new(code: Code, message: impl Into<Cow<'static, str>>) -> Status {
        Status {
            code,
            message: message.into(),
        }
    }

    /// `OK` with an empty message.
    pub const fn ok() -> Status {
        Status::from_code(Code::Ok)
    }

    /// `code` with an empty message.
    pub const fn from_code(code: Code) -> Status {
        Status {
            code,
            message: Cow::Borrowed(""),
        }
    }

    /// A status for `error`: its [`HasCode::code`], and as the message its
    /// [`HasCode::status_message`] when it has one, else its `Display` text.
    ///
    /// ```
    /// use spanstatus_core::{Code, Status};
    ///
    /// // A status carries its own message: it is not written twice.
    /// let status = Status::new(Code::NotFound, "Cache miss");
    /// assert_eq!(Status::from_error(&status), status);
    /// ```
    pub fn from_error<E: HasCode + fmt::Display + ?Sized>(error: &E) -> Status {
        let message = match error.status_message() {
            Some(message) => message.into_owned(),
            None => error.to_string(),
        };
        Status::new(error.code(), message)
    }

    /// The code.
    pub const fn code(&self) -> Code {
        self.code
    }

    /// The message; empty when none was given.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `true` when the code is [`Code::Ok`].
    pub const fn is_ok(&self) -> bool {
        self.code.is_ok()
    }

    /// The same status with another message.
    pub fn with_message(self, message: impl Into<Cow<'static, str>>) -> Status {
        Status::new(self.code, message)
    }

    /// The code and the message.
    pub fn into_parts(self) -> (Code, Cow<'static, str>) {
        (self.code, self.message)
    }
}

impl Default for Status {
    /// [`Status::ok`].
    fn default() -> Status {
        Status::ok()
    }
}

impl From<Code> for Status {
    fn from(code: Code) -> Status {
        Status::from_code(code)
    }
}

impl fmt::Display for Status {
    /// `NOT_FOUND: Cache miss`, or `NOT_FOUND` alone when the message is empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(self.code.as_str())
        } else {
            write!(f, "{}: {}", self.code, self.message)
        }
    }
}

impl core::error::Error for Status {}

/// Anything that carries a canonical code: [`Code`], [`Status`], and with the
/// `tonic` feature `tonic::Status`. Implement it for your error types so that
/// adapters can record them as a span status; errors that carry their own
/// message apart from `Display` say so with [`HasCode::status_message`].
///
/// ```
/// use spanstatus_core::{Code, HasCode, Status};
///
/// #[derive(Debug)]
/// struct NoSuchUser(u64);
///
/// impl std::fmt::Display for NoSuchUser {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         write!(f, "no user with id {}", self.0)
///     }
/// }
///
/// impl HasCode for NoSuchUser {
///     fn code(&self) -> Code {
///         Code::NotFound
///     }
/// }
///
/// let status = Status::from_error(&NoSuchUser(7));
/// assert_eq!(status.to_string(), "NOT_FOUND: no user with id 7");
/// ```
pub trait HasCode {
    /// The canonical code this value stands for.
    fn code(&self) -> Code;

    /// The status message, for errors that carry their own message apart from
    /// their `Display` text; `None` (the default) makes [`Status::from_error`]
    /// use `Display`.
    ///
    /// [`Status`] and `tonic::Status` say so: tonic's `Display` is
    /// `code: '...', message: "db slow"`, the message is `db slow`.
    fn status_message(&self) -> Option<Cow<'_, str>> {
        None
    }
}

/// An error that cannot happen (`Infallible` services and bodies): a
/// value never exists, so this is never called.
impl HasCode for core::convert::Infallible {
    fn code(&self) -> Code {
        match *self {}
    }
}

impl HasCode for Code {
    fn code(&self) -> Code {
        *self
    }

    /// A bare code has no message (its `Display` is the code's name, which a
    /// status message must not repeat).
    fn status_message(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(""))
    }
}

impl HasCode for Status {
    fn code(&self) -> Code {
        self.code
    }

    fn status_message(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(&self.message))
    }
}

impl<T: HasCode + ?Sized> HasCode for &T {
    fn code(&self) -> Code {
        (**self).code()
    }

    fn status_message(&self) -> Option<Cow<'_, str>> {
        (**self).status_message()
    }
}
