//! The macros of [`spanstatus`](https://docs.rs/spanstatus): use them through
//! the facade's `macros` feature, as `#[spanstatus::instrument]` and
//! `#[derive(spanstatus::HasCode)]`. Their expansions name only
//! `::spanstatus::..` paths, so a crate that uses them depends on
//! `spanstatus` (and, for `instrument`, on `tracing`, whose own attribute
//! expands to `::tracing::..` paths), not on this crate.
//!
//! # `#[instrument]`
//!
//! [`macro@instrument`] is `#[tracing::instrument]` (every argument of it is
//! forwarded, and it creates the span) that also sets the span's canonical
//! status when the function returns `Err(e)`:
//!
//! ```ignore
//! use spanstatus::Code;
//!
//! #[spanstatus::instrument(skip(db), fields(user.id = id))]
//! async fn load_user(db: &Db, id: u64) -> Result<User, tonic::Status> {
//!     let row = db.get(id).await?; // an early `Err` counts too
//!     Ok(row.into())
//! }
//! // Err(Status::not_found("no user 7")) → the span's status is NOT_FOUND: no user 7
//! ```
//!
//! - The code is `e`'s [`HasCode::code`](https://docs.rs/spanstatus/latest/spanstatus/trait.HasCode.html)
//!   when its type implements `HasCode` (`tonic::Status`, `io::Error`,
//!   `Box<dyn Error + ..>` and `anyhow::Error` through the core's `source()`
//!   walk, a `#[derive(HasCode)]` type), and UNKNOWN otherwise: the error type
//!   needs no trait bound.
//! - The message is `e.status_message()` when it has one, else `e`'s
//!   `Display` text, else (no `Display`) empty: `Status::from_error`'s rules.
//! - `Ok` sets nothing (instrumentation should not set OK); with the argument
//!   `ok` it sets OK.
//! - `cancel` (on an `async fn` only) sets CANCELLED when the future is
//!   dropped before it completes: a timeout, a `select!`, a client that went
//!   away.
//! - `?` and `return Err(..)` count like a tail `Err`; a panic ends the span
//!   UNKNOWN (`panicked: <payload>`) and unwinds on.
//! - `err`, `ret`, `level`, `skip`, `fields`, ... keep tracing's meaning.
//!
//! # `#[derive(HasCode)]`
//!
//! [`macro@HasCode`] implements `spanstatus::HasCode` for an enum or a
//! struct, next to `thiserror::Error`:
//!
//! ```ignore
//! #[derive(Debug, thiserror::Error, spanstatus::HasCode)]
//! #[code(Internal)] // the default for variants without a code
//! enum FetchError {
//!     #[error("no user {0}")]
//!     #[code(NotFound)]
//!     NoUser(u64),
//!     #[error("quota exceeded")]
//!     #[code("resource exhausted")] // any spelling the core parses
//!     Quota,
//!     #[error(transparent)]
//!     #[code(transparent)] // the io::Error's own code
//!     Io(#[from] std::io::Error),
//!     #[error("bug: {0}")]
//!     Bug(String), // INTERNAL, the enum's default
//! }
//! ```
//!
//! Runnable examples are in the facade's documentation (`spanstatus`, feature
//! `macros`).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod code;
mod derive;
mod instrument;

/// `#[tracing::instrument]` that sets the span's canonical status from the
/// function's `Err`.
///
/// Takes every argument `#[tracing::instrument]` takes (`name`, `target`,
/// `parent`, `follows_from`, `level`, `skip`, `skip_all`, `fields`, `err`,
/// `ret`), forwarded to it unchanged, and two of its own:
///
/// - `ok`: an `Ok` sets OK (by default it sets nothing);
/// - `cancel` (an `async fn` only): dropping the future before it completes
///   sets CANCELLED.
///
/// A function "returns a `Result`" when the last path segment of its return
/// type is `Result` (`Result<T, E>`, `io::Result<T>`, `anyhow::Result<T>`,
/// `Result<T, Box<dyn Error>>`); it must be `std`'s `Result` under that name.
/// Other functions get tracing's span, and a status only when they panic.
///
/// The status goes on the span tracing's attribute created; when a filter
/// disabled that span, nothing is set (the caller's span is left alone).
///
/// ```ignore
/// #[spanstatus::instrument(level = "debug", err, ok)]
/// fn parse_port(s: &str) -> Result<u16, spanstatus::Status> {
///     s.parse().map_err(|_| spanstatus::Status::new(spanstatus::Code::InvalidArgument, "bad port"))
/// }
///
/// #[spanstatus::instrument(cancel)]
/// async fn fetch(url: &str) -> anyhow::Result<String> {
///     // dropped by a `tokio::time::timeout`: CANCELLED
/// #   todo!()
/// }
/// ```
#[proc_macro_attribute]
pub fn instrument(args: TokenStream, item: TokenStream) -> TokenStream {
    instrument::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `spanstatus::HasCode` for an enum or a struct.
///
/// - `#[code(NotFound)]` on a variant, or on a struct: its code, in any
///   spelling `Code::parse` accepts, as an identifier or a literal
///   (`NotFound`, `NOT_FOUND`, `not_found`, `"not found"`, `5`), checked when
///   the crate compiles.
/// - `#[code(Internal)]` on the enum: the code of every variant without one.
///   A variant with neither is a compile error.
/// - `#[code(transparent)]` on a single-field variant (or a newtype struct):
///   the field's code and status message (for `#[from] io::Error` variants,
///   a wrapped `tonic::Status`, ...); the field's type implements `HasCode`.
///
/// `status_message()` is `None` except for `transparent` (the field's), so
/// the status message is the error's `Display` text.
///
/// A type that is not generic is also registered by its type
/// (`spanstatus::register_error!`): a tower layer's service error of that
/// type needs no `HasCode` bound, and `Code::from_error_chain` finds it
/// inside a chain (a `BoxError`, `io::Error::other(..)`).
///
/// ```ignore
/// #[derive(Debug, thiserror::Error, spanstatus::HasCode)]
/// #[error("user {0} not found")]
/// #[code(NotFound)]
/// struct NoSuchUser(u64);
/// ```
#[proc_macro_derive(HasCode, attributes(code))]
pub fn derive_has_code(input: TokenStream) -> TokenStream {
    derive::expand(syn::parse_macro_input!(input as syn::DeriveInput))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
