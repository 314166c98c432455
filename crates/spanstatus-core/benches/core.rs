//! Side-by-side timings against what users would otherwise call:
//!
//! - `parse/sentry_names`: `Code::from_str` vs `sentry_types`' `SpanStatus::from_str`
//!   on Sentry's 17 names, plus `Code::from_str` on other spellings;
//! - `from_http_status`: ours vs a hand-written `match` over 100..=599;
//! - `from_i32`: ours vs `tonic::Code::from_i32` over -4..=20.
//!
//! `cargo bench -p spanstatus-core --bench core -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::str::FromStr;

use criterion::{Criterion, criterion_group, criterion_main};
use sentry_types::protocol::v7::SpanStatus;
use spanstatus_core::Code;

const SENTRY_NAMES: [&str; 17] = [
    "ok",
    "cancelled",
    "unknown_error",
    "invalid_argument",
    "deadline_exceeded",
    "not_found",
    "already_exists",
    "permission_denied",
    "resource_exhausted",
    "failed_precondition",
    "aborted",
    "out_of_range",
    "unimplemented",
    "internal_error",
    "unavailable",
    "data_loss",
    "unauthenticated",
];

fn parse(c: &mut Criterion) {
    let canonical: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    let camel = [
        "Ok",
        "Cancelled",
        "Unknown",
        "InvalidArgument",
        "DeadlineExceeded",
        "NotFound",
        "AlreadyExists",
        "PermissionDenied",
        "ResourceExhausted",
        "FailedPrecondition",
        "Aborted",
        "OutOfRange",
        "Unimplemented",
        "Internal",
        "Unavailable",
        "DataLoss",
        "Unauthenticated",
    ];
    let spaced: Vec<String> = SENTRY_NAMES
        .iter()
        .map(|name| name.replace('_', " "))
        .collect();
    for name in SENTRY_NAMES {
        assert!(Code::from_str(name).is_ok() && SpanStatus::from_str(name).is_ok());
    }

    let mut group = c.benchmark_group("parse/sentry_names");
    group.bench_function("spanstatus_core::Code", |b| {
        b.iter(|| {
            for name in SENTRY_NAMES {
                let _ = black_box(Code::from_str(black_box(name)));
            }
        })
    });
    group.bench_function("sentry_types::SpanStatus", |b| {
        b.iter(|| {
            for name in SENTRY_NAMES {
                let _ = black_box(SpanStatus::from_str(black_box(name)));
            }
        })
    });
    // The same, keeping only the code: `Code`'s error carries up to 40 bytes of
    // the input, so materializing the whole `Result` costs more than a 1-byte one.
    group.bench_function("spanstatus_core::Code (.ok())", |b| {
        b.iter(|| {
            for name in SENTRY_NAMES {
                black_box(Code::from_str(black_box(name)).ok());
            }
        })
    });
    group.bench_function("sentry_types::SpanStatus (.ok())", |b| {
        b.iter(|| {
            for name in SENTRY_NAMES {
                black_box(SpanStatus::from_str(black_box(name)).ok());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("parse/other_spellings");
    group.bench_function("Code/SCREAMING_SNAKE", |b| {
        b.iter(|| {
            for name in &canonical {
                let _ = black_box(Code::from_str(black_box(name)));
            }
        })
    });
    group.bench_function("Code/CamelCase", |b| {
        b.iter(|| {
            for name in camel {
                let _ = black_box(Code::from_str(black_box(name)));
            }
        })
    });
    group.bench_function("Code/lower spaced", |b| {
        b.iter(|| {
            for name in &spaced {
                let _ = black_box(Code::from_str(black_box(name)));
            }
        })
    });
    group.finish();
}

/// What one would write by hand (conventions.md section 2, semantic table).
fn hand_written(status: u16) -> Code {
    match status {
        100..=399 => Code::Ok,
        401 => Code::Unauthenticated,
        403 => Code::PermissionDenied,
        404 => Code::NotFound,
        409 => Code::AlreadyExists,
        413 => Code::FailedPrecondition,
        429 => Code::ResourceExhausted,
        499 => Code::Cancelled,
        400..=499 => Code::InvalidArgument,
        501 => Code::Unimplemented,
        503 => Code::Unavailable,
        504 => Code::DeadlineExceeded,
        500..=599 => Code::Internal,
        _ => Code::Unknown,
    }
}

fn http(c: &mut Criterion) {
    let mut group = c.benchmark_group("from_http_status");
    group.bench_function("Code::from_http_status", |b| {
        b.iter(|| {
            for status in 100..=599u16 {
                black_box(Code::from_http_status(black_box(status)));
            }
        })
    });
    group.bench_function("hand-written match", |b| {
        b.iter(|| {
            for status in 100..=599u16 {
                black_box(hand_written(black_box(status)));
            }
        })
    });
    group.finish();
}

fn from_i32(c: &mut Criterion) {
    let mut group = c.benchmark_group("from_i32");
    group.bench_function("Code::from_i32", |b| {
        b.iter(|| {
            for n in -4..=20 {
                black_box(Code::from_i32(black_box(n)));
            }
        })
    });
    group.bench_function("tonic::Code::from_i32", |b| {
        b.iter(|| {
            for n in -4..=20 {
                black_box(tonic::Code::from_i32(black_box(n)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse, http, from_i32);
criterion_main!(benches);
