//! Error types known by their type, not by a trait bound: what lets
//! [`Status::from_any_error`] read any error value (a tower service's
//! `S::Error`, which may be a `BoxError`, `hyper_util`'s or tonic's
//! transport error, or your own) and lets [`Code::from_error_chain`] find
//! your own `HasCode` types inside a chain.
//!
//! Rust cannot ask a generic `E` whether it implements `HasCode` or `Error`
//! (that needs specialization), and a `dyn Error` cannot be asked for another
//! trait. So each type says it once, where it is concrete:
//! `#[derive(HasCode)]` does, [`register_error!`](crate::register_error)
//! does it for any other type, and this crate does it for the types it
//! knows. Each registration is two function pointers, collected at link time
//! by `inventory`; a lookup is a walk of that list comparing type ids, on
//! error paths only.

use alloc::borrow::Cow;
use core::any::Any;
use core::error::Error;
use core::fmt;
use core::marker::PhantomData;
use std::string::{String, ToString};

use crate::{Code, HasCode, Status};

/// A code and a status message borrowed from the error.
type Coded<'a> = (Code, Option<Cow<'a, str>>);

/// What a registered type says about a value of it.
#[doc(hidden)]
pub enum Found<'a> {
    /// Its own code (`HasCode`), and status message when it has one.
    Code(Code, Option<Cow<'a, str>>),
    /// An `Error` without a code of its own: the chain walk decides.
    Error(&'a (dyn Error + 'static)),
}

/// One registered error type. Not public API: made by
/// [`register_error!`](crate::register_error) and the derive.
#[doc(hidden)]
pub struct ErrorType {
    /// A value of any type: `Some` when it is this type.
    value: for<'a> fn(&'a dyn Any) -> Option<Found<'a>>,
    /// A link of a `source()` chain: its own code when it is this type and
    /// the type has one. `None` for this crate's types (the walk knows them):
    /// a walk past an unknown link calls only your types' probes.
    link: Option<fn(&(dyn Error + 'static)) -> Option<Code>>,
}

impl ErrorType {
    #[doc(hidden)]
    pub const fn new(
        value: for<'a> fn(&'a dyn Any) -> Option<Found<'a>>,
        link: fn(&(dyn Error + 'static)) -> Option<Code>,
    ) -> ErrorType {
        ErrorType {
            value,
            link: Some(link),
        }
    }

    const fn value_only(value: for<'a> fn(&'a dyn Any) -> Option<Found<'a>>) -> ErrorType {
        ErrorType { value, link: None }
    }
}

inventory::collect!(ErrorType);

/// Makes an error type known to [`Status::from_any_error`] (and so to the
/// tower layers, for a service's or a body's error of that type) and, when
/// it has a [`HasCode`] impl and is an `Error`, to [`Code::from_error_chain`]
/// as a link of a chain.
///
/// `#[derive(HasCode)]` does this for every type it derives (except generic
/// ones); call it for a type with a hand-written `HasCode` impl, or for
/// another crate's error type, so that its `source()` chain is walked:
///
/// ```
/// use spanstatus_core::{Code, HasCode, Status};
///
/// #[derive(Debug)]
/// struct Overdrawn;
///
/// impl std::fmt::Display for Overdrawn {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("the account is overdrawn")
///     }
/// }
///
/// impl std::error::Error for Overdrawn {}
///
/// impl HasCode for Overdrawn {
///     fn code(&self) -> Code {
///         Code::FailedPrecondition
///     }
/// }
///
/// spanstatus_core::register_error!(Overdrawn);
///
/// // Known by its type, with no `HasCode` bound…
/// let status = Status::from_any_error(&Overdrawn);
/// assert_eq!(status.code(), Code::FailedPrecondition);
/// // …and inside a chain.
/// let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(Overdrawn);
/// assert_eq!(Code::from_error_chain(&*boxed), Code::FailedPrecondition);
/// ```
///
/// The type must be `'static` and sized; a generic type is registered once per
/// instance you name (`register_error!(Wrapped<std::io::Error>)`). A
/// `HasCode` impl that walks the value's own chain (`Code::from_error_chain(self)`)
/// is fine: the walk does not ask the registry about a link it is already
/// answering for.
#[macro_export]
macro_rules! register_error {
    ($ty:ty $(,)?) => {
        const _: () = {
            #[allow(unused_imports)]
            use $crate::__private::registry::{
                LinkByCode, LinkByNothing, ValueByCode, ValueByError, ValueByNothing,
            };
            fn value(
                value: &dyn ::core::any::Any,
            ) -> ::core::option::Option<$crate::__private::registry::Found<'_>> {
                (&&&$crate::__private::registry::Probe::<$ty>::NEW).__spanstatus_value(value)
            }
            fn link(
                link: &(dyn ::core::error::Error + 'static),
            ) -> ::core::option::Option<$crate::Code> {
                (&&$crate::__private::registry::Probe::<$ty>::NEW).__spanstatus_link(link)
            }
            $crate::__private::inventory::submit! {
                $crate::__private::registry::ErrorType::new(value, link)
            }
        };
    };
}

/// The type a registration is for. Method resolution on `&&&Probe<T>` picks
/// the most capable impl that `T` satisfies ("autoref specialization"; it
/// works because `T` is concrete where the macro expands): for a value,
/// [`ValueByCode`], else [`ValueByError`], else [`ValueByNothing`]; for a
/// link, [`LinkByCode`], else [`LinkByNothing`].
#[doc(hidden)]
pub struct Probe<T: ?Sized>(PhantomData<fn() -> *const T>);

impl<T: ?Sized> Probe<T> {
    #[doc(hidden)]
    pub const NEW: Probe<T> = Probe(PhantomData);
}

/// `T: HasCode`: its own code.
#[doc(hidden)]
pub trait ValueByCode {
    fn __spanstatus_value<'a>(&self, value: &'a dyn Any) -> Option<Found<'a>>;
}

/// `T: Error` without a code: the chain walk reads it.
#[doc(hidden)]
pub trait ValueByError {
    fn __spanstatus_value<'a>(&self, value: &'a dyn Any) -> Option<Found<'a>>;
}

/// Neither: nothing to say.
#[doc(hidden)]
pub trait ValueByNothing {
    fn __spanstatus_value<'a>(&self, value: &'a dyn Any) -> Option<Found<'a>>;
}

/// `T: HasCode + Error`: its own code as a link of a chain.
#[doc(hidden)]
pub trait LinkByCode {
    fn __spanstatus_link(&self, link: &(dyn Error + 'static)) -> Option<Code>;
}

/// Not both: the walk goes on past it as before.
#[doc(hidden)]
pub trait LinkByNothing {
    fn __spanstatus_link(&self, link: &(dyn Error + 'static)) -> Option<Code>;
}

fn own_code<T: HasCode + ?Sized>(value: &T) -> Coded<'_> {
    (value.code(), value.status_message())
}

impl<T: HasCode + 'static> ValueByCode for &&Probe<T> {
    fn __spanstatus_value<'a>(&self, value: &'a dyn Any) -> Option<Found<'a>> {
        let (code, message) = own_code(value.downcast_ref::<T>()?);
        Some(Found::Code(code, message))
    }
}

impl<T: Error + 'static> ValueByError for &Probe<T> {
    fn __spanstatus_value<'a>(&self, value: &'a dyn Any) -> Option<Found<'a>> {
        Some(Found::Error(value.downcast_ref::<T>()?))
    }
}

impl<T: ?Sized> ValueByNothing for Probe<T> {
    fn __spanstatus_value<'a>(&self, _: &'a dyn Any) -> Option<Found<'a>> {
        None
    }
}

impl<T: HasCode + Error + 'static> LinkByCode for &Probe<T> {
    // The code alone: a link's message is the walk's to compose (and a
    // `status_message()` may allocate).
    fn __spanstatus_link(&self, link: &(dyn Error + 'static)) -> Option<Code> {
        Some(link.downcast_ref::<T>()?.code())
    }
}

impl<T: ?Sized> LinkByNothing for Probe<T> {
    fn __spanstatus_link(&self, _: &(dyn Error + 'static)) -> Option<Code> {
        None
    }
}

/// What the registered types say about `value`.
fn find(value: &dyn Any) -> Option<Found<'_>> {
    inventory::iter::<ErrorType>
        .into_iter()
        .find_map(|registered| (registered.value)(value))
}

type LinkProbe = fn(&(dyn Error + 'static)) -> Option<Code>;

/// The link probes of every registered type that has one, collected on first
/// use: a walk past an unknown link then costs a length check when none is
/// registered, and one call per registered type otherwise.
fn link_probes() -> &'static [LinkProbe] {
    static PROBES: std::sync::OnceLock<std::vec::Vec<LinkProbe>> = std::sync::OnceLock::new();
    PROBES.get_or_init(|| {
        inventory::iter::<ErrorType>
            .into_iter()
            .filter_map(|registered| registered.link)
            .collect()
    })
}

/// How deep registered `code()` calls may nest on one thread (a transparent
/// variant whose field's chain holds another registered type is 2).
const MAX_ASKING: usize = 8;

std::thread_local! {
    /// The links whose registered `code()` is running on this thread, by
    /// address and probe: a `HasCode` impl that walks its own chain meets
    /// itself again, and is not asked twice. (By address and probe, not
    /// address alone: a newtype and the error it wraps share one.)
    static ASKING: core::cell::RefCell<([(usize, usize); MAX_ASKING], usize)> =
        const { core::cell::RefCell::new(([(0, 0); MAX_ASKING], 0)) };
}

/// The own code of a link of a chain whose type was registered with one;
/// `None` for any other link, and for a link whose code is being answered
/// already on this thread.
pub(crate) fn link_code(link: &(dyn Error + 'static)) -> Option<Code> {
    let probes = link_probes();
    if probes.is_empty() {
        return None;
    }
    let address = core::ptr::from_ref(link).cast::<()>() as usize;
    probes.iter().find_map(|probe| {
        let key = (address, *probe as usize);
        let entered = ASKING.with(|asking| {
            let mut asking = asking.borrow_mut();
            let (keys, depth) = &mut *asking;
            if *depth == MAX_ASKING || keys[..*depth].contains(&key) {
                return false;
            }
            keys[*depth] = key;
            *depth += 1;
            true
        });
        if !entered {
            return None;
        }
        /// Leaves the stack however the probe returns (a `code()` that
        /// panics included).
        struct Leave;
        impl Drop for Leave {
            fn drop(&mut self) {
                ASKING.with(|asking| asking.borrow_mut().1 -= 1);
            }
        }
        let _leave = Leave;
        probe(link)
    })
}

impl Status {
    /// A status for an error value of any type (feature `std`): the code and
    /// message of a type that has a [`HasCode`] impl and is registered (every
    /// `#[derive(HasCode)]` type, [`register_error!`](crate::register_error),
    /// and this crate's: `Box<dyn Error + Send + Sync>`, `io::Error`, and
    /// each error type its features know), or the [`Code::from_error_chain`]
    /// walk of a registered `Error` without one (`hyper_util`'s client error
    /// with the feature `hyper-util`, tonic's transport error with `tonic`
    /// and `hyper-util`).
    /// Any other type: UNKNOWN, with its `Display` text as the message.
    ///
    /// This is what lets a generic caller (a tower layer over any `S::Error`)
    /// take any `Display + 'static` error with no `HasCode` bound.
    ///
    /// ```
    /// use spanstatus_core::{Code, Status};
    ///
    /// let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
    /// assert_eq!(Status::from_any_error(&refused).code(), Code::Unavailable);
    ///
    /// let boxed: Box<dyn std::error::Error + Send + Sync> = "no idea".into();
    /// assert_eq!(Status::from_any_error(&boxed), Status::new(Code::Unknown, "no idea"));
    ///
    /// // A type nothing registered: its text.
    /// assert_eq!(Status::from_any_error(&"plain text"), Status::new(Code::Unknown, "plain text"));
    /// ```
    pub fn from_any_error<E: fmt::Display + 'static>(error: &E) -> Status {
        match find(error) {
            Some(Found::Code(code, message)) => Status::new(
                code,
                message.map_or_else(|| error.to_string(), Cow::into_owned),
            ),
            Some(Found::Error(error)) => Status::from_error(error),
            None => Status::new(Code::Unknown, error.to_string()),
        }
    }

    /// The status of work that panicked (feature `std`): UNKNOWN, as gRPC's
    /// [status codes] give for a server application that "throws an
    /// exception", with the message `panicked: <payload>` when the payload
    /// is a string (`panic!("…")`'s is), else `panicked`.
    ///
    /// ```
    /// use spanstatus_core::{Code, Status};
    ///
    /// let payload = std::panic::catch_unwind(|| panic!("no row {}", 7)).unwrap_err();
    /// assert_eq!(Status::from_panic(&*payload), Status::new(Code::Unknown, "panicked: no row 7"));
    /// ```
    ///
    /// [status codes]: https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
    pub fn from_panic(payload: &(dyn Any + Send)) -> Status {
        let message = match (
            payload.downcast_ref::<&'static str>(),
            payload.downcast_ref::<String>(),
        ) {
            (Some(text), _) => Cow::Owned(std::format!("panicked: {text}")),
            (_, Some(text)) => Cow::Owned(std::format!("panicked: {text}")),
            _ => Cow::Borrowed("panicked"),
        };
        Status::new(Code::Unknown, message)
    }
}

/// This crate's own error types: found by value only. As links, the walk's
/// `inspect` knows them already (and their `HasCode` impls walk the chain,
/// which would only meet themselves again).
macro_rules! known {
    ($($(#[$attr:meta])* $ty:ty;)+) => {$(
        $(#[$attr])*
        const _: () = {
            #[allow(unused_imports)]
            use crate::registry::{ValueByCode, ValueByError, ValueByNothing};
            fn value(value: &dyn Any) -> Option<Found<'_>> {
                (&&&Probe::<$ty>::NEW).__spanstatus_value(value)
            }
            inventory::submit! { ErrorType::value_only(value) }
        };
    )+};
}

known! {
    alloc::boxed::Box<dyn Error + Send + Sync + 'static>;
    alloc::boxed::Box<dyn Error + Send + 'static>;
    alloc::boxed::Box<dyn Error + 'static>;
    std::io::Error;
    Status;
    Code;
    #[cfg(feature = "anyhow")]
    anyhow::Error;
    #[cfg(feature = "tonic")]
    tonic::Status;
    #[cfg(feature = "tonic")]
    tonic::TimeoutExpired;
    #[cfg(feature = "tonic")]
    tonic::ConnectError;
    #[cfg(all(feature = "tonic", feature = "hyper-util"))]
    tonic::transport::Error;
    #[cfg(feature = "tokio")]
    tokio::time::error::Elapsed;
    #[cfg(feature = "tower")]
    tower::timeout::error::Elapsed;
    #[cfg(feature = "tower")]
    tower::load_shed::error::Overloaded;
    #[cfg(feature = "hyper")]
    hyper::Error;
    #[cfg(feature = "hyper-util")]
    hyper_util::client::legacy::Error;
    #[cfg(feature = "h2")]
    h2::Error;
    #[cfg(feature = "reqwest")]
    reqwest::Error;
    #[cfg(feature = "axum")]
    axum_core::Error;
}

#[cfg(test)]
mod tests {
    use std::boxed::Box;
    use std::io;

    use super::*;

    /// A wrapper whose `HasCode` impl walks its own chain: asking the
    /// registry about it from inside that walk must not recurse for ever.
    #[derive(Debug)]
    struct Walks(io::Error);

    impl fmt::Display for Walks {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("walks")
        }
    }

    impl Error for Walks {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    impl HasCode for Walks {
        fn code(&self) -> Code {
            Code::from_error_chain(self)
        }
    }

    crate::register_error!(Walks);

    /// A registered type without `Display` or `Error`: found by value only.
    struct Bare;

    impl HasCode for Bare {
        fn code(&self) -> Code {
            Code::Aborted
        }
    }

    crate::register_error!(Bare);

    #[test]
    fn a_code_that_walks_its_own_chain_does_not_recurse() {
        let walks = Walks(io::ErrorKind::TimedOut.into());
        assert_eq!(walks.code(), Code::DeadlineExceeded);
        let boxed: Box<dyn Error + Send + Sync> = Box::new(Walks(io::ErrorKind::NotFound.into()));
        assert_eq!(Code::from_error_chain(&*boxed), Code::NotFound);
        assert_eq!(Status::from_any_error(&boxed).code(), Code::NotFound);
        // The stack is empty again afterwards.
        assert_eq!(ASKING.with(|asking| asking.borrow().1), 0);
    }

    #[test]
    fn found_by_value_with_no_error_impl() {
        assert!(matches!(
            find(&Bare),
            Some(Found::Code(Code::Aborted, None))
        ));
        assert!(find(&7_u8).is_none());
    }
}
