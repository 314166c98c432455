//! What finding a code in an error chain costs (`Code::from_error_chain`):
//!
//! - `unknown/4_deep`: four wrappers (16 bytes each) of a type the walk does
//!   not know; the result is UNKNOWN;
//! - `unknown_thin/4_deep`: the same with 8-byte wrappers, the size of
//!   `io::Error`, `hyper::Error` and `reqwest::Error`, whose type ids the walk
//!   then compares at every link (the worst case for a chain of that length);
//! - `io_errno/4_deep`: three unknown wrappers around an OS `io::Error`
//!   (ECONNREFUSED), found at the last link;
//! - `io_other/4_deep`: the same io error wrapped in `io::Error::other`, which
//!   the walk opens;
//! - `from_errno` over 0..=133, and `from_io_error_kind` over 40 kinds.
//!
//! Run with every feature, so that every known type is checked per link:
//! `cargo bench -p spanstatus-core --all-features --bench errors -- --warm-up-time 1 --measurement-time 3`

use std::error::Error;
use std::fmt;
use std::hint::black_box;
use std::io;

use criterion::{Criterion, criterion_group, criterion_main};
use spanstatus_core::Code;

/// A wrapper of a type the walk does not know.
#[derive(Debug)]
struct Wrap(Option<Box<dyn Error + Send + Sync>>);

impl fmt::Display for Wrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("wrapped")
    }
}

impl Error for Wrap {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.0.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

/// The same behind one pointer (8 bytes, like most library errors: the size
/// of `io::Error`, `hyper::Error` and `reqwest::Error`, so that the walk has
/// to compare type ids for those three at every link).
#[derive(Debug)]
struct Thin(Box<Wrap>);

impl fmt::Display for Thin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("wrapped")
    }
}

impl Error for Thin {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.0.source()
    }
}

fn thin(levels: usize) -> Box<dyn Error + Send + Sync> {
    let mut error: Box<dyn Error + Send + Sync> = Box::new(Thin(Box::new(Wrap(None))));
    for _ in 1..levels {
        error = Box::new(Thin(Box::new(Wrap(Some(error)))));
    }
    error
}

fn wrap(
    levels: usize,
    inner: Option<Box<dyn Error + Send + Sync>>,
) -> Box<dyn Error + Send + Sync> {
    let mut error: Box<dyn Error + Send + Sync> = Box::new(Wrap(inner));
    for _ in 1..levels {
        error = Box::new(Wrap(Some(error)));
    }
    error
}

fn chain(c: &mut Criterion) {
    let unknown = wrap(4, None);
    assert_eq!(Code::from_error_chain(&*unknown), Code::Unknown);
    let unknown_thin = thin(4);
    assert_eq!(Code::from_error_chain(&*unknown_thin), Code::Unknown);
    assert_eq!(
        std::mem::size_of::<Thin>(),
        std::mem::size_of::<io::Error>()
    );

    // ECONNREFUSED: its number from std, whatever the platform.
    let refused = || io::Error::from_raw_os_error(refused_errno());
    let io_errno = wrap(3, Some(Box::new(refused())));
    let io_other = wrap(2, Some(Box::new(io::Error::other(refused()))));
    if cfg!(any(target_os = "linux", target_os = "macos")) {
        assert_eq!(Code::from_error_chain(&*io_errno), Code::Unavailable);
        assert_eq!(Code::from_error_chain(&*io_other), Code::Unavailable);
    }

    let mut group = c.benchmark_group("from_error_chain");
    group.bench_function("unknown/4_deep", |b| {
        b.iter(|| Code::from_error_chain(black_box(&*unknown)))
    });
    group.bench_function("unknown_thin/4_deep", |b| {
        b.iter(|| Code::from_error_chain(black_box(&*unknown_thin)))
    });
    group.bench_function("io_errno/4_deep", |b| {
        b.iter(|| Code::from_error_chain(black_box(&*io_errno)))
    });
    group.bench_function("io_other/4_deep", |b| {
        b.iter(|| Code::from_error_chain(black_box(&*io_other)))
    });
    group.finish();
}

fn refused_errno() -> i32 {
    if cfg!(target_os = "linux") { 111 } else { 61 }
}

fn tables(c: &mut Criterion) {
    let kinds: Vec<io::ErrorKind> = (0..134)
        .map(|n| io::Error::from_raw_os_error(n).kind())
        .chain([
            io::ErrorKind::InvalidData,
            io::ErrorKind::UnexpectedEof,
            io::ErrorKind::WriteZero,
            io::ErrorKind::Other,
        ])
        .collect();
    let mut group = c.benchmark_group("tables");
    group.bench_function("from_errno/0..=133", |b| {
        b.iter(|| {
            for n in 0..=133 {
                black_box(Code::from_errno(black_box(n)));
            }
        })
    });
    group.bench_function("from_io_error_kind/138_kinds", |b| {
        b.iter(|| {
            for &kind in &kinds {
                black_box(Code::from_io_error_kind(black_box(kind)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, chain, tables);
criterion_main!(benches);
