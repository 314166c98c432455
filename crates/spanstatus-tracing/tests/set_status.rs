//! `set_status` on real tracing spans under real subscribers.

use std::sync::Arc;
use std::thread;

use spanstatus_core::HasCode;
use spanstatus_tracing::{Code, SpanStatusExt, Status};
use tracing::Span;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

fn with_layer<T>(f: impl FnOnce() -> T) -> T {
    let subscriber = tracing_subscriber::registry().with(spanstatus_tracing::layer());
    tracing::subscriber::with_default(subscriber, f)
}

#[test]
fn works_without_declared_fields_and_reads_back() {
    with_layer(|| {
        let span = tracing::info_span!("cache.get");
        assert_eq!(span.status(), None);
        assert!(span.set_status(Code::NotFound, "Cache miss"));
        assert_eq!(
            span.status(),
            Some(Status::new(Code::NotFound, "Cache miss"))
        );
    });
}

#[test]
fn works_without_our_layer_on_a_plain_registry_and_on_fmt() {
    tracing::subscriber::with_default(tracing_subscriber::registry(), || {
        let span = tracing::info_span!("plain");
        assert!(span.set_code(Code::Aborted));
        assert_eq!(span.status(), Some(Status::from_code(Code::Aborted)));
    });
    let fmt = tracing_subscriber::fmt()
        .with_writer(std::io::sink)
        .finish();
    tracing::subscriber::with_default(fmt, || {
        let span = tracing::info_span!("fmt");
        assert!(span.set_status(Code::Internal, "boom"));
        assert_eq!(span.status().map(|s| s.code()), Some(Code::Internal));
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
    with_layer(|| {
        let span = tracing::info_span!("a");
        assert!(span.record_status(Status::new(Code::Unavailable, "down")));
        assert_eq!(span.status(), Some(Status::new(Code::Unavailable, "down")));
        assert!(span.record_status(Code::DeadlineExceeded));
        assert_eq!(
            span.status(),
            Some(Status::from_code(Code::DeadlineExceeded))
        );
        assert!(span.record_error(&Quota));
        assert_eq!(
            span.status(),
            Some(Status::new(
                Code::ResourceExhausted,
                "quota exceeded for tenant 7"
            ))
        );
    });
}

#[test]
fn precedence_ok_is_final_last_error_wins() {
    with_layer(|| {
        let span = tracing::info_span!("a");
        assert!(span.set_status(Code::Internal, "b"));
        assert!(span.set_status(Code::Internal, "a"));
        assert_eq!(span.status(), Some(Status::new(Code::Internal, "a")));
        assert!(span.set_status(Code::NotFound, "z"));
        assert_eq!(span.status(), Some(Status::new(Code::NotFound, "z")));
        assert!(span.set_status(Code::Ok, "done"));
        assert!(!span.set_status(Code::Unavailable, "after ok"));
        assert!(!span.set_status(Code::Ok, "second ok"));
        assert_eq!(span.status(), Some(Status::new(Code::Ok, "done")));
    });
}

#[test]
fn none_disabled_and_no_subscriber_are_no_ops() {
    let none = Span::none();
    assert!(!none.set_status(Code::NotFound, "x"));
    assert_eq!(none.status(), None);

    // No subscriber at all.
    let span = tracing::info_span!("orphan");
    assert!(!span.set_status(Code::NotFound, "x"));

    let filtered = tracing_subscriber::registry()
        .with(spanstatus_tracing::layer())
        .with(LevelFilter::INFO);
    tracing::subscriber::with_default(filtered, || {
        let disabled = tracing::debug_span!("disabled");
        assert!(disabled.is_disabled());
        assert!(!disabled.set_status(Code::NotFound, "x"));
        assert_eq!(disabled.status(), None);
        assert!(!disabled.set_parent_status(Code::NotFound, "x"));
    });
}

#[test]
fn before_first_enter_between_enters_and_from_other_threads() {
    with_layer(|| {
        let span = tracing::info_span!("work");
        assert!(span.set_status(Code::Unavailable, "before enter"));
        {
            let _e = span.enter();
        }
        assert_eq!(span.status().map(|s| s.code()), Some(Code::Unavailable));
        let clone = span.clone();
        thread::spawn(move || {
            // No default subscriber on this thread: the span carries its own.
            assert!(clone.set_status(Code::NotFound, "from thread"));
        })
        .join()
        .unwrap();
        assert_eq!(
            span.status(),
            Some(Status::new(Code::NotFound, "from thread"))
        );
        let _e = span.enter();
        assert!(span.set_status(Code::Aborted, "entered again"));
        assert_eq!(
            span.status(),
            Some(Status::new(Code::Aborted, "entered again"))
        );
    });
}

#[test]
fn parent_from_inside_a_child() {
    with_layer(|| {
        let parent = tracing::info_span!("parent");
        let _p = parent.enter();
        let child = tracing::info_span!("child");
        let _c = child.enter();
        assert!(Span::current().set_parent_status(Code::PermissionDenied, "no"));
        assert_eq!(
            parent.status(),
            Some(Status::new(Code::PermissionDenied, "no"))
        );
        assert_eq!(child.status(), None);
        // A root span has no parent.
        let root = tracing::info_span!(parent: None, "root");
        assert!(!root.set_parent_status(Code::Internal, "x"));
    });
}

#[test]
fn eight_threads_times_ten_thousand_calls_obey_the_rules() {
    const THREADS: usize = 8;
    const CALLS: usize = 10_000;
    with_layer(|| {
        let errors_only = Arc::new(tracing::info_span!("errors"));
        let with_ok = Arc::new(tracing::info_span!("with_ok"));
        let (done, results) = std::sync::mpsc::channel();
        for t in 0..THREADS {
            let errors_only = Arc::clone(&errors_only);
            let with_ok = Arc::clone(&with_ok);
            let done = done.clone();
            thread::spawn(move || {
                let mut kept = 0usize;
                for i in 0..CALLS {
                    let code = Code::ALL[1 + (t + i) % 16];
                    assert!(errors_only.set_status(code, format!("{t}:{i}")));
                    // One thread sets OK once, halfway through.
                    let ok = t == 3 && i == CALLS / 2;
                    let code = if ok { Code::Ok } else { code };
                    kept += usize::from(with_ok.set_status(code, format!("{t}:{i}")));
                }
                done.send(kept).unwrap();
            });
        }
        // Bounded time: a deadlock fails the test instead of hanging it.
        let kept: usize = (0..THREADS)
            .map(|_| {
                results
                    .recv_timeout(std::time::Duration::from_secs(120))
                    .expect("a thread hung")
            })
            .sum();

        // Every non-OK call replaced the one before: the final one is the
        // last call of some thread.
        let last = errors_only.status().unwrap();
        let (t, i) = last.message().split_once(':').unwrap();
        let (t, i): (usize, usize) = (t.parse().unwrap(), i.parse().unwrap());
        assert_eq!(i, CALLS - 1);
        assert_eq!(last.code(), Code::ALL[1 + (t + i) % 16]);

        // OK is final, and nothing after it was kept.
        assert_eq!(
            with_ok.status(),
            Some(Status::new(Code::Ok, format!("3:{}", CALLS / 2)))
        );
        assert!(kept > CALLS / 2 && kept <= THREADS * CALLS);
    });
}
