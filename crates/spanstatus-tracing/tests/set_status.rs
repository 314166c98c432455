//! `set_status` on real tracing spans under real subscribers.

use std::sync::Arc;
use std::thread;

use spanstatus_core::HasCode;
use spanstatus_tracing::{CanonicalStatusExt, Code, SetStatusExt, Status};
use tracing::Span;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

fn with_registry<T>(f: impl FnOnce() -> T) -> T {
    tracing::subscriber::with_default(tracing_subscriber::registry(), f)
}

#[test]
fn works_without_declared_fields_and_reads_back() {
    with_registry(|| {
        let span = tracing::info_span!("cache.get");
        assert_eq!(span.canonical_status(), None);
        span.set_status(Code::NotFound, "Cache miss");
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::NotFound, "Cache miss"))
        );
    });
}

#[test]
fn works_without_our_layer_on_a_plain_registry_and_on_fmt() {
    tracing::subscriber::with_default(tracing_subscriber::registry(), || {
        let span = tracing::info_span!("plain");
        span.set_canonical_code(Code::Aborted);
        assert_eq!(
            span.canonical_status(),
            Some(Status::from_code(Code::Aborted))
        );
    });
    let fmt = tracing_subscriber::fmt()
        .with_writer(std::io::sink)
        .finish();
    tracing::subscriber::with_default(fmt, || {
        let span = tracing::info_span!("fmt");
        span.set_status(Code::Internal, "boom");
        assert_eq!(
            span.canonical_status().map(|s| s.code()),
            Some(Code::Internal)
        );
    });
}

#[test]
fn companions_status_code_and_error() {
    #[derive(Debug)]
    struct Quota;
    impl std::fmt::Display for Quota {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("quota exceeded for tenant 7")
        }
    }
    impl HasCode for Quota {
        fn code(&self) -> Code {
            Code::ResourceExhausted
        }
    }
    with_registry(|| {
        let span = tracing::info_span!("a");
        span.record_canonical_status(Status::new(Code::Unavailable, "down"));
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::Unavailable, "down"))
        );
        span.record_canonical_status(Code::DeadlineExceeded);
        assert_eq!(
            span.canonical_status(),
            Some(Status::from_code(Code::DeadlineExceeded))
        );
        span.record_canonical_error(&Quota);
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(
                Code::ResourceExhausted,
                "quota exceeded for tenant 7"
            ))
        );
    });
}

#[test]
fn precedence_ok_is_final_last_error_wins() {
    with_registry(|| {
        let span = tracing::info_span!("a");
        span.set_status(Code::Internal, "b");
        span.set_status(Code::Internal, "a");
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::Internal, "a"))
        );
        span.set_status(Code::NotFound, "z");
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::NotFound, "z"))
        );
        span.set_status(Code::Ok, "done");
        span.set_status(Code::Unavailable, "after ok");
        span.set_status(Code::Ok, "second ok");
        assert_eq!(span.canonical_status(), Some(Status::new(Code::Ok, "done")));
    });
}

#[test]
fn none_disabled_and_no_subscriber_are_no_ops() {
    let none = Span::none();
    none.set_status(Code::NotFound, "x");
    assert_eq!(none.canonical_status(), None);

    // No subscriber at all.
    let span = tracing::info_span!("orphan");
    span.set_status(Code::NotFound, "x");
    assert_eq!(span.canonical_status(), None);

    let filtered = tracing_subscriber::registry().with(LevelFilter::INFO);
    tracing::subscriber::with_default(filtered, || {
        let disabled = tracing::debug_span!("disabled");
        assert!(disabled.is_disabled());
        disabled.set_status(Code::NotFound, "x");
        assert_eq!(disabled.canonical_status(), None);
        disabled.set_parent_canonical_status(Code::NotFound, "x");
    });
}

#[test]
fn before_first_enter_between_enters_and_from_other_threads() {
    with_registry(|| {
        let span = tracing::info_span!("work");
        span.set_status(Code::Unavailable, "before enter");
        {
            let _e = span.enter();
        }
        assert_eq!(
            span.canonical_status().map(|s| s.code()),
            Some(Code::Unavailable)
        );
        let clone = span.clone();
        thread::spawn(move || {
            // No default subscriber on this thread: the span carries its own.
            clone.set_status(Code::NotFound, "from thread");
        })
        .join()
        .unwrap();
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::NotFound, "from thread"))
        );
        let _e = span.enter();
        span.set_status(Code::Aborted, "entered again");
        assert_eq!(
            span.canonical_status(),
            Some(Status::new(Code::Aborted, "entered again"))
        );
    });
}

#[test]
fn parent_from_inside_a_child() {
    with_registry(|| {
        let parent = tracing::info_span!("parent");
        let _p = parent.enter();
        let child = tracing::info_span!("child");
        let _c = child.enter();
        Span::current().set_parent_canonical_status(Code::PermissionDenied, "no");
        assert_eq!(
            parent.canonical_status(),
            Some(Status::new(Code::PermissionDenied, "no"))
        );
        assert_eq!(child.canonical_status(), None);
        // A root span has no parent.
        let root = tracing::info_span!(parent: None, "root");
        root.set_parent_canonical_status(Code::Internal, "x");
    });
}

#[test]
fn eight_threads_times_ten_thousand_calls_obey_the_rules() {
    const THREADS: usize = 8;
    const CALLS: usize = 10_000;
    with_registry(|| {
        let errors_only = Arc::new(tracing::info_span!("errors"));
        let with_ok = Arc::new(tracing::info_span!("with_ok"));
        let (done, results) = std::sync::mpsc::channel();
        for t in 0..THREADS {
            let errors_only = Arc::clone(&errors_only);
            let with_ok = Arc::clone(&with_ok);
            let done = done.clone();
            thread::spawn(move || {
                for i in 0..CALLS {
                    let code = Code::ALL[1 + (t + i) % 16];
                    errors_only.set_status(code, format!("{t}:{i}"));
                    // One thread sets OK once, halfway through.
                    let ok = t == 3 && i == CALLS / 2;
                    let code = if ok { Code::Ok } else { code };
                    with_ok.set_status(code, format!("{t}:{i}"));
                }
                done.send(()).unwrap();
            });
        }
        // Bounded time: a deadlock fails the test instead of hanging it.
        for _ in 0..THREADS {
            results
                .recv_timeout(std::time::Duration::from_secs(120))
                .expect("a thread hung");
        }

        // Every non-OK call replaced the one before: the final one is the
        // last call of some thread.
        let last = errors_only.canonical_status().unwrap();
        let (t, i) = last.message().split_once(':').unwrap();
        let (t, i): (usize, usize) = (t.parse().unwrap(), i.parse().unwrap());
        assert_eq!(i, CALLS - 1);
        assert_eq!(last.code(), Code::ALL[1 + (t + i) % 16]);

        // OK is final, and nothing after it was kept.
        assert_eq!(
            with_ok.canonical_status(),
            Some(Status::new(Code::Ok, format!("3:{}", CALLS / 2)))
        );
    });
}
