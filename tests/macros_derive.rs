//! `#[derive(spanstatus::HasCode)]`, next to `thiserror::Error`: codes in
//! every spelling, an enum default, `transparent` variants and newtypes,
//! generics, and the derived codes on real spans through
//! `#[spanstatus::instrument]`.
#![cfg(feature = "macros")]

mod macros_support;

use std::io;

use macros_support::with_subscriber;
// The trait and the derive macro share the name, as serde's do.
use spanstatus::{Code, HasCode, Status};

#[derive(Debug, thiserror::Error, HasCode)]
#[code(Internal)]
enum FetchError {
    #[error("no user {0}")]
    #[code(NotFound)]
    NoUser(u64),
    #[error("quota exceeded for {tenant}")]
    #[code(RESOURCE_EXHAUSTED)]
    Quota { tenant: String },
    #[error("stale read")]
    #[code(failed_precondition)]
    Stale,
    #[error("permission denied")]
    #[code("permission denied")]
    Denied,
    #[error("too slow")]
    #[code(4)]
    TooSlow,
    #[error("gone")]
    #[code(Canceled)]
    Gone,
    #[error(transparent)]
    #[code(transparent)]
    Io(#[from] io::Error),
    #[error("rpc failed: {0}")]
    #[code(transparent)]
    Rpc(tonic::Status),
    #[error("upstream: {source}")]
    #[code(transparent)]
    Upstream { source: Status },
    #[error("bug: {0}")]
    Bug(&'static str),
}

#[test]
fn variant_codes_in_every_spelling() {
    let cases = [
        (FetchError::NoUser(7), Code::NotFound),
        (
            FetchError::Quota {
                tenant: "acme".into(),
            },
            Code::ResourceExhausted,
        ),
        (FetchError::Stale, Code::FailedPrecondition),
        (FetchError::Denied, Code::PermissionDenied),
        (FetchError::TooSlow, Code::DeadlineExceeded),
        (FetchError::Gone, Code::Cancelled),
        (FetchError::Bug("oops"), Code::Internal),
    ];
    for (error, code) in cases {
        assert_eq!(error.code(), code, "{error:?}");
        // No message of its own: `Status::from_error` uses `Display`.
        assert_eq!(error.status_message(), None);
        assert_eq!(
            Status::from_error(&error),
            Status::new(code, error.to_string())
        );
    }
}

#[test]
fn transparent_variants_take_their_fields_code_and_message() {
    let io: FetchError = io::Error::from(io::ErrorKind::TimedOut).into();
    assert_eq!(io.code(), Code::DeadlineExceeded);
    assert_eq!(
        Status::from_error(&io).to_string(),
        "DEADLINE_EXCEEDED: timed out"
    );

    // tonic's own status message, not the variant's `Display`.
    let rpc = FetchError::Rpc(tonic::Status::unavailable("db slow"));
    assert_eq!(rpc.code(), Code::Unavailable);
    assert_eq!(rpc.status_message().as_deref(), Some("db slow"));
    assert_eq!(Status::from_error(&rpc).to_string(), "UNAVAILABLE: db slow");

    let upstream = FetchError::Upstream {
        source: Status::new(Code::Aborted, "conflict"),
    };
    assert_eq!(
        Status::from_error(&upstream).to_string(),
        "ABORTED: conflict"
    );
}

#[derive(Debug, thiserror::Error, HasCode)]
#[error("user {0} not found")]
#[code(NotFound)]
struct NoSuchUser(u64);

#[derive(Debug, thiserror::Error, HasCode)]
#[error("rate limited")]
#[code("resource_exhausted")]
struct RateLimited;

#[derive(Debug, thiserror::Error, HasCode)]
#[error("bad request: {reason}")]
#[code(InvalidArgument)]
struct BadRequest {
    reason: String,
}

#[derive(Debug, thiserror::Error, HasCode)]
#[error(transparent)]
#[code(transparent)]
struct Wrapped(#[from] io::Error);

#[derive(Debug, HasCode)]
#[code(transparent)]
struct Named {
    inner: Status,
}

#[test]
fn structs() {
    assert_eq!(NoSuchUser(7).code(), Code::NotFound);
    assert_eq!(
        Status::from_error(&NoSuchUser(7)).to_string(),
        "NOT_FOUND: user 7 not found"
    );
    assert_eq!(RateLimited.code(), Code::ResourceExhausted);
    assert_eq!(
        BadRequest {
            reason: "no id".into()
        }
        .code(),
        Code::InvalidArgument
    );
    let wrapped = Wrapped(io::ErrorKind::PermissionDenied.into());
    assert_eq!(wrapped.code(), Code::PermissionDenied);
    let named = Named {
        inner: Status::new(Code::DataLoss, "torn"),
    };
    assert_eq!(named.code(), Code::DataLoss);
    assert_eq!(named.status_message().as_deref(), Some("torn"));
}

/// A generic transparent field gets a `HasCode` bound.
#[derive(Debug, HasCode)]
#[code(Aborted)]
enum Retry<E> {
    #[code(transparent)]
    Inner(E),
    GaveUp,
}

#[derive(Debug, HasCode)]
enum Never {}

#[test]
fn generics_and_empty_enums() {
    let inner: Retry<io::Error> = Retry::Inner(io::ErrorKind::AlreadyExists.into());
    assert_eq!(inner.code(), Code::AlreadyExists);
    assert_eq!(Retry::<Status>::GaveUp.code(), Code::Aborted);
    assert_eq!(
        Retry::Inner(Status::new(Code::Unauthenticated, "no token"))
            .status_message()
            .as_deref(),
        Some("no token")
    );
    fn assert_has_code<T: HasCode>() {}
    assert_has_code::<Never>();
}

#[spanstatus::instrument]
fn load(id: u64) -> Result<String, FetchError> {
    match id {
        7 => Err(FetchError::NoUser(id)),
        8 => Ok(std::fs::read_to_string("/no/such/dir/user-8")?),
        9 => Err(FetchError::Rpc(tonic::Status::unavailable("db slow"))),
        _ => Err(FetchError::Bug("unreachable id")),
    }
}

#[spanstatus::instrument(err)]
async fn load_async(id: u64) -> Result<String, NoSuchUser> {
    tokio::task::yield_now().await;
    Err(NoSuchUser(id))
}

#[test]
fn derived_codes_on_instrumented_spans() {
    let (_, seen) = with_subscriber(|| {
        for id in 7..=10 {
            load(id).unwrap_err();
        }
        macros_support::block_on(load_async(3)).unwrap_err();
    });
    let statuses: Vec<String> = seen
        .statuses("load")
        .into_iter()
        .map(|status| status.unwrap().to_string())
        .collect();
    assert_eq!(statuses[0], "NOT_FOUND: no user 7");
    assert!(statuses[1].starts_with("NOT_FOUND: "), "{}", statuses[1]);
    assert_eq!(statuses[2], "UNAVAILABLE: db slow");
    assert_eq!(statuses[3], "INTERNAL: bug: unreachable id");
    assert_eq!(
        seen.status("load_async").as_deref(),
        Some("NOT_FOUND: user 3 not found")
    );
}

/// A derived type that is no `Error`: registered all the same.
#[derive(Debug, HasCode)]
#[code(Aborted)]
struct Conflict;

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("write conflict")
    }
}

#[test]
fn a_derived_type_is_known_by_its_type_alone_and_inside_a_chain() {
    // By value, with no `HasCode` bound (what a tower layer's `S::Error` gets).
    assert_eq!(
        Status::from_any_error(&FetchError::NoUser(7)),
        Status::new(Code::NotFound, "no user 7")
    );
    assert_eq!(
        Status::from_any_error(&Conflict),
        Status::new(Code::Aborted, "write conflict")
    );
    // Inside a chain: boxed, and as the source of an `io::Error`.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(FetchError::Stale);
    assert_eq!(Code::from_error_chain(&*boxed), Code::FailedPrecondition);
    assert_eq!(
        Status::from_any_error(&boxed).code(),
        Code::FailedPrecondition
    );
    let wrapped = io::Error::other(FetchError::TooSlow);
    assert_eq!(Code::from_error_chain(&wrapped), Code::DeadlineExceeded);
    // A transparent variant defers to what it holds, UNKNOWN included: the
    // walk goes on to its source.
    let inner = FetchError::Io(io::Error::other("opaque"));
    assert_eq!(Code::from_error_chain(&inner), Code::Unknown);
}

#[derive(Debug, thiserror::Error, HasCode)]
#[error("no such row")]
#[code(NotFound)]
struct NoRow;

/// Transparent to an `io::Error` whose own code is UNKNOWN: what it wraps decides.
#[derive(Debug, thiserror::Error, HasCode)]
enum AppError {
    #[error(transparent)]
    #[code(transparent)]
    Io(io::Error),
}

#[test]
fn a_registered_type_inside_another_registered_type_is_still_asked() {
    let app = AppError::Io(io::Error::other(NoRow));
    assert_eq!(app.code(), Code::NotFound);
    // Boxed, the walk asks `AppError`, whose `code()` walks to `NoRow`: both
    // are answered (only a link already being answered is skipped).
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(app);
    assert_eq!(Code::from_error_chain(&*boxed), Code::NotFound);
    assert_eq!(Status::from_any_error(&boxed).code(), Code::NotFound);
}
