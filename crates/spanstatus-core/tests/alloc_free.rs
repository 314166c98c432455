//! Proves the hot paths never touch the heap, with a counting global allocator.
//!
//! The counter is per thread, so the test harness's other threads don't
//! disturb a measurement; inputs are built before measuring.

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::cell::Cell;
use std::hint::black_box;

use spanstatus_core::ParseCodeError;
use spanstatus_core::{Code, grpc};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the thread-local may already be gone while a thread exits.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.with(Cell::get);
    let result = f();
    let after = ALLOCATIONS.with(Cell::get);
    (after - before, result)
}

fn title(word: &str) -> String {
    word[..1].to_ascii_uppercase() + &word[1..].to_ascii_lowercase()
}

/// Valid spellings of every code, built before measuring.
fn valid_spellings() -> Vec<(String, Code)> {
    let mut out = Vec::new();
    for code in Code::ALL {
        let upper = code.as_str();
        let lower = upper.to_ascii_lowercase();
        let words: Vec<&str> = lower.split('_').collect();
        let camel: String = words.iter().map(|w| title(w)).collect();
        let lower_camel = words[0].to_string() + &camel[words[0].len()..];
        for spelling in [
            upper.to_string(),
            lower.clone(),
            lower.replace('_', " "),
            lower.replace('_', "-"),
            upper.replace('_', " "),
            camel,
            lower_camel,
            words.iter().map(|w| title(w)).collect::<Vec<_>>().join(" "),
            code.sentry_str().to_string(),
            code.as_i32().to_string(),
        ] {
            out.push((spelling, code));
        }
    }
    for (spelling, code) in [
        ("unknown_error", Code::Unknown),
        ("UnknownError", Code::Unknown),
        ("unknown error", Code::Unknown),
        ("internal_error", Code::Internal),
        ("InternalError", Code::Internal),
        ("canceled", Code::Cancelled),
        ("Canceled", Code::Cancelled),
        ("nOt FoUnD", Code::NotFound),
    ] {
        out.push((spelling.to_string(), code));
    }
    out
}

#[test]
fn the_counter_counts() {
    // If the allocator were not counting, every other test here would pass vacuously.
    let (n, s) = allocations(|| black_box(String::from("x")));
    assert!(n >= 1, "{n}");
    drop(s);
    let (n, encoded) = allocations(|| grpc::encode_message(black_box("100%")));
    assert!(n >= 1, "encode_message(\"100%\") made {n} allocations");
    assert!(matches!(encoded, Cow::Owned(_)));
    let (n, decoded) = allocations(|| grpc::decode_message(black_box(b"100%25")));
    assert!(n >= 1, "{n}");
    assert_eq!(decoded, "100%");
    // A rejected grpc-status keeps the raw bytes: that one does allocate.
    let (n, err) = allocations(|| grpc::parse_status_header(black_box(b"17")));
    assert!(n >= 1 && err.is_err(), "{n}");
}

#[test]
fn parsing_valid_spellings_does_not_allocate() {
    let inputs = valid_spellings();
    assert!(inputs.len() > 17 * 10);
    for (input, code) in &inputs {
        let (n, parsed) = allocations(|| black_box(input.as_str()).parse::<Code>());
        assert_eq!(parsed, Ok(*code), "{input:?}");
        assert_eq!(n, 0, "parsing {input:?} allocated");
    }
}

#[test]
fn sentry_statuses_do_not_allocate() {
    let mut inputs = valid_spellings();
    for (legacy, code) in [
        ("success", Code::Ok),
        ("FAILURE", Code::Internal),
        ("unknown", Code::Unknown),
    ] {
        inputs.push((legacy.to_string(), code));
    }
    for (input, code) in &inputs {
        let (n, parsed) = allocations(|| Code::from_sentry_status(black_box(input.as_str())));
        assert_eq!(parsed, Ok(*code), "{input:?}");
        assert_eq!(n, 0, "reading {input:?} allocated");
    }
    let long = "success".repeat(1000);
    for input in ["successful", "teapot", "", long.as_str()] {
        let (n, parsed) = allocations(|| Code::from_sentry_status(black_box(input)));
        assert!(parsed.is_err(), "{input:?}");
        assert_eq!(n, 0, "rejecting {input:?} allocated");
    }
}

#[test]
fn rejecting_input_does_not_allocate() {
    let inputs: Vec<String> = [
        "",
        "05",
        "17",
        "-1",
        " not_found",
        "not__found",
        "notfound",
        "NOT_FOUNDx",
        "nöt_found",
        "ok\n",
        "\0",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(["a".repeat(10_000), "NotFound".repeat(10), "€".repeat(100)])
    .collect();
    for input in &inputs {
        let (n, parsed) = allocations(|| black_box(input.as_str()).parse::<Code>());
        let err = parsed.expect_err(input);
        // The error keeps the start of the input inline: no allocation, the
        // same small value for a 10 KB input as for an empty one.
        assert_eq!(n, 0, "rejecting {input:?} made {n} allocations");
        assert!(std::mem::size_of::<ParseCodeError>() <= 64);
        // Inspecting the error is free too (Display writes into the caller's buffer).
        let (n, len) = allocations(|| (err.input().len(), err.input_len(), err.is_truncated()));
        assert_eq!(n, 0);
        assert_eq!(len.1, input.len());
    }
}

#[test]
fn http_mappings_do_not_allocate() {
    let (n, sum) = allocations(|| {
        let mut sum = 0i64;
        for status in 0..=999u16 {
            sum += i64::from(Code::from_http_status(black_box(status)).as_i32());
            sum += i64::from(grpc::code_from_http_response(black_box(status)).as_i32());
        }
        for code in Code::ALL {
            sum += i64::from(black_box(code).http_status());
        }
        sum
    });
    assert_eq!(n, 0);
    assert!(sum > 0);
}

#[test]
fn grpc_wire_does_not_allocate_when_nothing_needs_escaping() {
    let headers: Vec<String> = (0..=16).map(|n: i32| n.to_string()).collect();
    for (i, header) in headers.iter().enumerate() {
        let (n, parsed) = allocations(|| grpc::parse_status_header(black_box(header.as_bytes())));
        assert_eq!(n, 0);
        assert_eq!(parsed.map(Code::as_i32), Ok(i as i32));
    }

    let printable: String = (0x20u8..=0x7E)
        .filter(|&b| b != b'%')
        .map(char::from)
        .collect();
    for message in [
        "",
        "Cache miss",
        "deadline exceeded after 5s",
        printable.as_str(),
    ] {
        let (n, encoded) = allocations(|| grpc::encode_message(black_box(message)));
        assert_eq!(n, 0, "{message:?}");
        assert!(matches!(encoded, Cow::Borrowed(s) if s == message));
        let (n, decoded) = allocations(|| grpc::decode_message(black_box(message.as_bytes())));
        assert_eq!(n, 0, "{message:?}");
        assert!(matches!(decoded, Cow::Borrowed(s) if s == message));
    }
    // Valid UTF-8 without '%' is taken as it is when decoding.
    let (n, decoded) = allocations(|| grpc::decode_message(black_box("héllo ✓".as_bytes())));
    assert_eq!(n, 0);
    assert!(matches!(decoded, Cow::Borrowed("héllo ✓")));
}
