//! `#[spanstatus::instrument]` on sync functions, end to end on real
//! `tracing` spans: a registry with `spanstatus::tracing::fmt_layer()`, the final
//! status read as an exporter reads it when the span closes, and with
//! `canonical_status()`.
#![cfg(feature = "macros")]

mod macros_support;

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::io;

use macros_support::{with_info_subscriber, with_subscriber};
use spanstatus::prelude::*;
use spanstatus::{Code, Status};

/// An error with `Display` and no code.
#[derive(Debug)]
struct Plain;

impl fmt::Display for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("plain failure")
    }
}

impl Error for Plain {}

/// An error with neither `Display` nor a code.
#[derive(Debug)]
struct Opaque;

/// A code and no `Display`.
struct CodeOnly;

impl HasCode for CodeOnly {
    fn code(&self) -> Code {
        Code::PermissionDenied
    }
}

/// Wraps an error as its `source()`, with a `Display` of its own.
#[derive(Debug)]
struct Wrapper(io::Error);

impl fmt::Display for Wrapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fetch failed")
    }
}

impl Error for Wrapper {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}

#[spanstatus::instrument]
fn io_error() -> io::Result<()> {
    Err(io::ErrorKind::TimedOut.into())
}

#[spanstatus::instrument]
fn own_status() -> Result<u8, Status> {
    Err(Status::new(Code::NotFound, "no user 7"))
}

#[spanstatus::instrument]
fn tonic_status() -> Result<u8, tonic::Status> {
    Err(tonic::Status::unavailable("db slow"))
}

#[spanstatus::instrument]
fn plain() -> Result<(), Plain> {
    Err(Plain)
}

#[spanstatus::instrument]
fn opaque() -> Result<(), Opaque> {
    Err(Opaque)
}

#[spanstatus::instrument]
fn code_only() -> Result<(), CodeOnly> {
    Err(CodeOnly)
}

#[test]
fn the_code_of_an_error_with_has_code_and_its_message() {
    let (_, seen) = with_subscriber(|| {
        assert!(io_error().is_err());
        assert!(own_status().is_err());
        assert!(tonic_status().is_err());
        assert!(code_only().is_err());
    });
    assert_eq!(
        seen.status("io_error").as_deref(),
        Some("DEADLINE_EXCEEDED: timed out")
    );
    assert_eq!(
        seen.status("own_status").as_deref(),
        Some("NOT_FOUND: no user 7")
    );
    // tonic's status message, not its `Display` (`code: 'The service...'`).
    assert_eq!(
        seen.status("tonic_status").as_deref(),
        Some("UNAVAILABLE: db slow")
    );
    // A code without `Display`: an empty message.
    assert_eq!(
        seen.status("code_only").as_deref(),
        Some("PERMISSION_DENIED")
    );
}

#[test]
fn unknown_for_an_error_without_has_code_and_no_bound_needed() {
    let (_, seen) = with_subscriber(|| {
        assert!(plain().is_err());
        assert!(opaque().is_err());
    });
    assert_eq!(
        seen.status("plain").as_deref(),
        Some("UNKNOWN: plain failure")
    );
    // Neither a code nor `Display`: UNKNOWN with an empty message.
    assert_eq!(seen.status("opaque").as_deref(), Some("UNKNOWN"));
}

#[spanstatus::instrument]
fn boxed_send_sync() -> Result<(), Box<dyn Error + Send + Sync>> {
    Err(Box::new(Wrapper(io::ErrorKind::TimedOut.into())))
}

#[spanstatus::instrument]
fn boxed() -> Result<(), Box<dyn Error>> {
    let _port: u16 = "http".parse()?;
    Ok(())
}

#[spanstatus::instrument]
fn boxed_wrapping_unknown() -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Err("no idea".into())
}

#[spanstatus::instrument]
fn with_anyhow() -> anyhow::Result<String> {
    use anyhow::Context as _;
    let text = std::fs::read_to_string("/no/such/dir/config.toml").context("loading config")?;
    Ok(text)
}

#[spanstatus::instrument]
fn anyhow_message() -> Result<(), anyhow::Error> {
    anyhow::bail!("nothing known")
}

#[test]
fn boxed_and_anyhow_errors_take_the_code_of_their_source_chain() {
    let (_, seen) = with_subscriber(|| {
        assert!(boxed_send_sync().is_err());
        assert!(boxed().is_err());
        assert!(boxed_wrapping_unknown().is_err());
        assert!(with_anyhow().is_err());
        assert!(anyhow_message().is_err());
    });
    // The code of the io::Error it wraps; the wrapper's message, then the
    // text of the error that decided the code.
    assert_eq!(
        seen.status("boxed_send_sync").as_deref(),
        Some("DEADLINE_EXCEEDED: fetch failed: timed out")
    );
    assert_eq!(
        seen.status("boxed").as_deref(),
        Some("UNKNOWN: invalid digit found in string")
    );
    assert_eq!(
        seen.status("boxed_wrapping_unknown").as_deref(),
        Some("UNKNOWN: no idea")
    );
    // anyhow's `Display` is the outermost context; the code, and the text
    // after it, are the io::Error's.
    let missing = std::fs::read("/no/such/dir/config.toml").unwrap_err();
    assert_eq!(
        seen.status("with_anyhow"),
        Some(format!("NOT_FOUND: loading config: {missing}"))
    );
    assert_eq!(
        seen.status("anyhow_message").as_deref(),
        Some("UNKNOWN: nothing known")
    );
}

#[spanstatus::instrument]
fn question_mark(path: &str) -> io::Result<usize> {
    let bytes = std::fs::read(path)?;
    Ok(bytes.len())
}

#[spanstatus::instrument]
fn early_return(n: u32) -> Result<u32, Status> {
    if n == 0 {
        return Err(Status::new(Code::InvalidArgument, "n is 0"));
    }
    let half = n / 2;
    if half > 100 {
        return Err(Status::new(Code::OutOfRange, "too big"));
    }
    Ok(half)
}

#[test]
fn question_mark_and_early_returns_count_like_a_tail_err() {
    let (_, seen) = with_subscriber(|| {
        assert!(question_mark("/no/such/dir/file").is_err());
        assert_eq!(early_return(0).unwrap_err().code(), Code::InvalidArgument);
        assert_eq!(early_return(1000).unwrap_err().code(), Code::OutOfRange);
        assert_eq!(early_return(10).unwrap(), 5);
    });
    assert_eq!(
        seen.status("question_mark").unwrap().split(':').next(),
        Some("NOT_FOUND")
    );
    let statuses: Vec<_> = seen
        .statuses("early_return")
        .into_iter()
        .map(|status| status.map(|status| status.to_string()))
        .collect();
    assert_eq!(
        statuses,
        [
            Some("INVALID_ARGUMENT: n is 0".to_owned()),
            Some("OUT_OF_RANGE: too big".to_owned()),
            None
        ]
    );
}

#[spanstatus::instrument]
fn succeeds() -> Result<u8, Status> {
    Ok(1)
}

#[spanstatus::instrument(ok)]
fn succeeds_with_ok() -> Result<u8, Status> {
    Ok(1)
}

#[spanstatus::instrument(ok)]
fn fails_with_ok() -> Result<u8, Status> {
    Err(Status::new(Code::Aborted, "conflict"))
}

#[test]
fn ok_sets_nothing_unless_asked() {
    let (_, seen) = with_subscriber(|| {
        succeeds().unwrap();
        succeeds_with_ok().unwrap();
        fails_with_ok().unwrap_err();
    });
    assert_eq!(seen.status("succeeds"), None);
    assert_eq!(seen.status("succeeds_with_ok").as_deref(), Some("OK"));
    assert_eq!(
        seen.status("fails_with_ok").as_deref(),
        Some("ABORTED: conflict")
    );
}

#[spanstatus::instrument(err)]
fn with_err_event() -> Result<(), Status> {
    Err(Status::new(Code::DataLoss, "torn write"))
}

#[spanstatus::instrument(err(Debug), ret)]
fn with_err_debug(fail: bool) -> Result<u8, Plain> {
    if fail { Err(Plain) } else { Ok(3) }
}

#[test]
fn err_and_ret_keep_their_meaning() {
    let (_, seen) = with_subscriber(|| {
        with_err_event().unwrap_err();
        with_err_debug(true).unwrap_err();
        with_err_debug(false).unwrap();
    });
    assert_eq!(
        seen.status("with_err_event").as_deref(),
        Some("DATA_LOSS: torn write")
    );
    assert_eq!(
        seen.statuses("with_err_debug"),
        [Some(Status::new(Code::Unknown, "plain failure")), None]
    );
    assert_eq!(
        seen.events(),
        [
            "with_err_event: error=DATA_LOSS: torn write",
            "with_err_debug: error=Plain",
            "with_err_debug: return=3",
        ]
    );
}

struct Store {
    name: String,
    items: Vec<u32>,
    misses: u32,
}

impl Store {
    #[spanstatus::instrument(skip(self))]
    fn name(&self, fail: bool) -> Result<&str, Status> {
        if fail {
            return Err(Status::new(Code::NotFound, "no name"));
        }
        Ok(&self.name)
    }

    #[spanstatus::instrument(skip(self))]
    fn items(&self) -> Result<&[u32], Status> {
        // A coercion in the tail (`&Vec<u32>` to `&[u32]`), as without the macro.
        Ok(&self.items)
    }

    #[spanstatus::instrument(skip(self))]
    fn miss(&mut self) -> Result<(), Status> {
        self.misses += 1;
        Err(Status::new(Code::NotFound, format!("miss {}", self.misses)))
    }

    #[spanstatus::instrument(skip(self))]
    fn evens(&self) -> Result<impl Iterator<Item = &u32> + '_, io::Error> {
        if self.items.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(self.items.iter().filter(|n| *n % 2 == 0))
    }

    #[spanstatus::instrument(skip_all)]
    fn into_name(self) -> Result<String, Status> {
        if self.name.is_empty() {
            Err(Status::new(Code::FailedPrecondition, "unnamed"))
        } else {
            Ok(self.name)
        }
    }
}

#[test]
fn methods_references_and_impl_trait() {
    let (_, seen) = with_subscriber(|| {
        let mut store = Store {
            name: "main".to_owned(),
            items: vec![1, 2, 3, 4],
            misses: 0,
        };
        assert_eq!(store.name(false).unwrap(), "main");
        store.name(true).unwrap_err();
        assert_eq!(store.items().unwrap(), [1, 2, 3, 4]);
        store.miss().unwrap_err();
        assert_eq!(store.evens().unwrap().copied().collect::<Vec<_>>(), [2, 4]);
        let empty = Store {
            name: String::new(),
            items: Vec::new(),
            misses: 0,
        };
        assert!(empty.evens().is_err());
        empty.into_name().unwrap_err();
    });
    assert_eq!(
        seen.statuses("name"),
        [None, Some(Status::new(Code::NotFound, "no name"))]
    );
    assert_eq!(seen.status("items"), None);
    assert_eq!(seen.status("miss").as_deref(), Some("NOT_FOUND: miss 1"));
    assert_eq!(
        seen.statuses("evens")[1].as_ref().map(|s| s.code()),
        Some(Code::OutOfRange)
    );
    assert_eq!(
        seen.status("into_name").as_deref(),
        Some("FAILED_PRECONDITION: unnamed")
    );
}

/// A generic error: the code when the bound says `HasCode`...
#[spanstatus::instrument(skip(error))]
fn generic_with_bound<E: HasCode + fmt::Display>(error: E) -> Result<(), E> {
    Err(error)
}

/// ...and UNKNOWN without a bound (a type parameter has only its bounds).
#[spanstatus::instrument(skip(error))]
fn generic_without_bound<E>(error: E) -> Result<(), E> {
    Err(error)
}

#[test]
fn generic_error_types() {
    let (_, seen) = with_subscriber(|| {
        generic_with_bound(Status::new(Code::Aborted, "retry")).unwrap_err();
        generic_without_bound(Status::new(Code::Aborted, "retry")).unwrap_err();
    });
    assert_eq!(
        seen.status("generic_with_bound").as_deref(),
        Some("ABORTED: retry")
    );
    assert_eq!(
        seen.status("generic_without_bound").as_deref(),
        Some("UNKNOWN")
    );
}

#[spanstatus::instrument]
fn not_a_result() -> u32 {
    7
}

#[spanstatus::instrument]
fn an_option() -> Option<u32> {
    None
}

#[spanstatus::instrument]
fn unit() {}

#[test]
fn functions_that_return_no_result_get_a_span_and_no_status() {
    let (_, seen) = with_subscriber(|| {
        assert_eq!(not_a_result(), 7);
        assert_eq!(an_option(), None);
        unit();
    });
    assert_eq!(seen.status("not_a_result"), None);
    assert_eq!(seen.status("an_option"), None);
    assert_eq!(seen.status("unit"), None);
}

/// Not `Debug`: it must be skipped for `#[instrument]` to compile.
struct Connection;

#[spanstatus::instrument(
    name = "db.query",
    target = "spanstatus::db",
    level = "warn",
    skip(conn),
    fields(db.system = "sqlite", rows = tracing::field::Empty)
)]
fn query(conn: &Connection, sql: &str) -> Result<u64, Status> {
    let _ = conn;
    tracing::Span::current().record("rows", 0);
    Err(Status::new(
        Code::ResourceExhausted,
        format!("too many rows for {sql}"),
    ))
}

const SPAN_NAME: &str = "named.by.const";

#[spanstatus::instrument(name = SPAN_NAME)]
fn named_by_const() -> Result<(), Status> {
    Err(Status::new(Code::Unimplemented, "later"))
}

#[test]
fn tracing_arguments_are_forwarded() {
    let (_, seen) = with_subscriber(|| {
        query(&Connection, "SELECT 1").unwrap_err();
        named_by_const().unwrap_err();
    });
    assert_eq!(seen.closed(), ["db.query", "named.by.const"]);
    assert_eq!(
        seen.status("db.query").as_deref(),
        Some("RESOURCE_EXHAUSTED: too many rows for SELECT 1")
    );
    assert_eq!(
        seen.status("named.by.const").as_deref(),
        Some("UNIMPLEMENTED: later")
    );
}

#[spanstatus::instrument(level = "debug")]
fn debug_level() -> Result<(), Status> {
    Err(Status::new(Code::Internal, "not mine to set on the caller"))
}

#[test]
fn a_disabled_span_leaves_the_callers_span_alone() {
    let (_, seen) = with_info_subscriber(|| {
        let request = tracing::info_span!("request");
        let _entered = request.enter();
        debug_level().unwrap_err();
        assert_eq!(request.canonical_status(), None);
    });
    assert_eq!(seen.closed(), ["request"]);
    assert_eq!(seen.status("request"), None);
}

thread_local!(static SPAN: RefCell<Option<tracing::Span>> = const { RefCell::new(None) });

#[spanstatus::instrument]
fn keeps_its_span(fail: bool) -> Result<(), Status> {
    SPAN.set(Some(tracing::Span::current()));
    if fail {
        Err(Status::new(Code::Unauthenticated, "no token"))
    } else {
        Ok(())
    }
}

#[test]
fn canonical_status_reads_it_back() {
    with_subscriber(|| {
        keeps_its_span(true).unwrap_err();
        let span = SPAN.take().unwrap();
        assert_eq!(span.metadata().unwrap().name(), "keeps_its_span");
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::Unauthenticated, "no token"))
        );

        keeps_its_span(false).unwrap();
        assert_eq!(SPAN.take().unwrap().canonical_status(), None);
    });
}

#[spanstatus::instrument]
fn inner(fail: bool) -> Result<(), Status> {
    if fail {
        Err(Status::new(Code::Unavailable, "backend down"))
    } else {
        Ok(())
    }
}

#[spanstatus::instrument]
fn outer_propagates() -> Result<(), Status> {
    inner(true)?;
    Ok(())
}

#[spanstatus::instrument]
fn outer_recovers() -> Result<(), Status> {
    if inner(true).is_err() {
        inner(false)?;
    }
    Ok(())
}

#[test]
fn nested_functions_each_set_their_own_span() {
    let (_, seen) = with_subscriber(|| {
        outer_propagates().unwrap_err();
        outer_recovers().unwrap();
    });
    assert_eq!(
        seen.closed(),
        [
            "inner",
            "outer_propagates",
            "inner",
            "inner",
            "outer_recovers"
        ]
    );
    assert_eq!(
        seen.status("outer_propagates").as_deref(),
        Some("UNAVAILABLE: backend down")
    );
    assert_eq!(seen.status("outer_recovers"), None);
    assert_eq!(
        seen.statuses("inner"),
        [
            Some(Status::new(Code::Unavailable, "backend down")),
            Some(Status::new(Code::Unavailable, "backend down")),
            None
        ]
    );
}

#[spanstatus::instrument(skip(items))]
fn patterns_and_mut((left, right): (u32, u32), mut items: Vec<u32>) -> Result<Vec<u32>, Status> {
    items.push(left + right);
    if items.len() > 2 {
        return Err(Status::new(Code::OutOfRange, "full"));
    }
    Ok(items)
}

#[test]
fn pattern_and_mut_parameters() {
    let (_, seen) = with_subscriber(|| {
        assert_eq!(patterns_and_mut((1, 2), vec![]).unwrap(), [3]);
        patterns_and_mut((1, 2), vec![0, 0]).unwrap_err();
    });
    assert_eq!(
        seen.statuses("patterns_and_mut"),
        [None, Some(Status::new(Code::OutOfRange, "full"))]
    );
}

/// Other attributes, before and after the macro's.
#[allow(clippy::needless_return)]
#[spanstatus::instrument]
#[inline(never)]
fn with_attributes() -> Result<(), Status> {
    return Err(Status::new(Code::Aborted, "attributes"));
}

macro_rules! failing_fns {
    ($($name:ident => $code:ident),*) => {$(
        #[spanstatus::instrument]
        fn $name() -> Result<(), Status> {
            Err(Status::new(Code::$code, stringify!($name)))
        }
    )*};
}

failing_fns!(made_by_macro_a => NotFound, made_by_macro_b => AlreadyExists);

#[test]
fn other_attributes_and_functions_made_by_macro_rules() {
    let (_, seen) = with_subscriber(|| {
        with_attributes().unwrap_err();
        made_by_macro_a().unwrap_err();
        made_by_macro_b().unwrap_err();
    });
    assert_eq!(
        seen.status("with_attributes").as_deref(),
        Some("ABORTED: attributes")
    );
    assert_eq!(
        seen.status("made_by_macro_a").as_deref(),
        Some("NOT_FOUND: made_by_macro_a")
    );
    assert_eq!(
        seen.status("made_by_macro_b").as_deref(),
        Some("ALREADY_EXISTS: made_by_macro_b")
    );
}

#[spanstatus::instrument]
fn panics_sync(ok_first: bool) -> Result<u8, Status> {
    if ok_first {
        // A status set by code before the panic: the panic beats it.
        tracing::Span::current().set_canonical_code(Code::Ok);
    }
    panic!("bad input {}", 7);
}

#[spanstatus::instrument]
fn panics_without_a_result() -> &'static str {
    std::panic::panic_any(42_u8);
}

#[test]
fn a_panic_ends_the_span_unknown_with_its_payload_and_unwinds_on() {
    let (_, seen) = with_subscriber(|| {
        let payload = std::panic::catch_unwind(|| panics_sync(true)).unwrap_err();
        // The payload goes on as it was (a `&str`: the format arguments are
        // constants).
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"bad input 7"));
        let payload = std::panic::catch_unwind(panics_without_a_result).unwrap_err();
        assert_eq!(payload.downcast_ref::<u8>(), Some(&42));
    });
    assert_eq!(
        seen.status("panics_sync").as_deref(),
        Some("UNKNOWN: panicked: bad input 7")
    );
    // Not a string: no message to give.
    assert_eq!(
        seen.status("panics_without_a_result").as_deref(),
        Some("UNKNOWN: panicked")
    );
}
