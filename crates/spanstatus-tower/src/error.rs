//! [`ServiceError`]: what the layers need of a service's and a body's error.

use std::fmt::Display;

/// What the layers need of a service's or a body's error: `Display +
/// 'static`, nothing more. Every `std::error::Error + 'static` is one
/// (hyper-util's legacy client error, tonic's transport error, `hyper::Error`),
/// so is tower's `BoxError` and `Infallible`: wrap the services as they
/// are, with no `map_err`.
///
/// The error's code is read by its type ([`Status::from_any_error`]): a type
/// with a `HasCode` impl that is registered (every `#[derive(HasCode)]` type;
/// [`register_error!`] for a hand-written impl) keeps its own code; a
/// `BoxError` and the error types spanstatus knows are walked with
/// `Code::from_error_chain` (a refused connection inside hyper-util's error:
/// UNAVAILABLE; tonic's `TimeoutExpired` inside its transport error:
/// DEADLINE_EXCEEDED); any other type is UNKNOWN, with its text as the
/// message.
///
/// [`Status::from_any_error`]: spanstatus_core::Status::from_any_error
/// [`register_error!`]: spanstatus_core::register_error
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a service's or a body's error under the spanstatus layers",
    label = "the error type of this service or body",
    note = "the layers need an error that is `Display + 'static` (`spanstatus_tower::ServiceError`): \
            any `std::error::Error + 'static`, tower's `BoxError`, or `Infallible`"
)]
pub trait ServiceError: Display + 'static {}

impl<E: Display + 'static> ServiceError for E {}
