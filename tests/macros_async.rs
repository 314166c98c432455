//! `#[spanstatus::instrument]` on `async fn`s, on real `tracing` spans and a
//! real tokio runtime: statuses from `Err`, `?` and early returns, `ok`, and
//! `cancel` with a real `tokio::time::timeout` dropping the future.
#![cfg(feature = "macros")]

mod macros_support;

use std::error::Error;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

use macros_support::{block_on, with_subscriber};
use spanstatus::{Code, Status};
use tracing::instrument::WithSubscriber;

#[spanstatus::instrument]
async fn fetch(id: u64) -> Result<String, tonic::Status> {
    tokio::task::yield_now().await;
    Err(tonic::Status::not_found(format!("no user {id}")))
}

#[spanstatus::instrument]
async fn read(path: &str) -> io::Result<usize> {
    tokio::task::yield_now().await;
    let bytes = std::fs::read(path)?;
    Ok(bytes.len())
}

#[spanstatus::instrument]
async fn early(n: u32) -> Result<u32, Status> {
    if n == 0 {
        return Err(Status::new(Code::InvalidArgument, "n is 0"));
    }
    tokio::task::yield_now().await;
    Ok(n)
}

#[spanstatus::instrument(ok)]
async fn with_ok() -> anyhow::Result<u8> {
    tokio::task::yield_now().await;
    Ok(1)
}

#[test]
fn err_question_mark_early_return_and_ok() {
    let (_, seen) = with_subscriber(|| {
        block_on(async {
            fetch(7).await.unwrap_err();
            read("/no/such/dir/file").await.unwrap_err();
            early(0).await.unwrap_err();
            early(1).await.unwrap();
            with_ok().await.unwrap();
        })
    });
    assert_eq!(
        seen.status("fetch").as_deref(),
        Some("NOT_FOUND: no user 7")
    );
    assert_eq!(
        seen.status("read").unwrap().split(':').next(),
        Some("NOT_FOUND")
    );
    assert_eq!(
        seen.statuses("early"),
        [Some(Status::new(Code::InvalidArgument, "n is 0")), None]
    );
    assert_eq!(seen.status("with_ok").as_deref(), Some("OK"));
}

struct Cache {
    bytes: Vec<u8>,
}

impl Cache {
    #[spanstatus::instrument(skip(self))]
    async fn get(&self, hit: bool) -> Result<&[u8], Box<dyn Error + Send + Sync>> {
        tokio::task::yield_now().await;
        if !hit {
            return Err(Box::new(io::Error::new(
                io::ErrorKind::NotFound,
                "cache miss",
            )));
        }
        // A coercion in the tail, `&Vec<u8>` to `&[u8]`, as without the macro.
        Ok(&self.bytes)
    }

    #[spanstatus::instrument(skip(self))]
    async fn lines(&self) -> Result<impl Iterator<Item = &str>, std::str::Utf8Error> {
        let text = std::str::from_utf8(&self.bytes)?;
        Ok(text.lines())
    }
}

#[test]
fn async_methods_references_and_impl_trait() {
    let (_, seen) = with_subscriber(|| {
        block_on(async {
            let cache = Cache {
                bytes: b"a\nb".to_vec(),
            };
            assert_eq!(cache.get(true).await.unwrap(), b"a\nb");
            cache.get(false).await.unwrap_err();
            assert_eq!(cache.lines().await.unwrap().count(), 2);
            let binary = Cache { bytes: vec![0xff] };
            assert!(binary.lines().await.is_err());
        })
    });
    assert_eq!(
        seen.statuses("get"),
        [None, Some(Status::new(Code::NotFound, "cache miss"))]
    );
    assert_eq!(seen.statuses("lines")[0], None);
    // No code for a `Utf8Error`: UNKNOWN, with its `Display`.
    assert_eq!(
        seen.statuses("lines")[1].as_ref().map(Status::code),
        Some(Code::Unknown)
    );
}

#[spanstatus::instrument(cancel)]
async fn slow(fail: bool) -> Result<u8, Status> {
    tokio::time::sleep(Duration::from_millis(if fail { 0 } else { 200 })).await;
    if fail {
        return Err(Status::new(Code::Unavailable, "backend down"));
    }
    Ok(1)
}

#[spanstatus::instrument]
async fn slow_without_cancel() -> Result<u8, Status> {
    tokio::time::sleep(Duration::from_millis(200)).await;
    Ok(1)
}

#[spanstatus::instrument(cancel)]
async fn slow_count() -> u32 {
    tokio::time::sleep(Duration::from_millis(200)).await;
    7
}

#[test]
fn cancel_sets_cancelled_when_a_timeout_drops_the_future() {
    let (_, seen) = with_subscriber(|| {
        block_on(async {
            let short = Duration::from_millis(10);
            assert!(tokio::time::timeout(short, slow(false)).await.is_err());
            assert!(
                tokio::time::timeout(short, slow_without_cancel())
                    .await
                    .is_err()
            );
            assert!(tokio::time::timeout(short, slow_count()).await.is_err());
        })
    });
    assert_eq!(seen.status("slow").as_deref(), Some("CANCELLED"));
    // Without `cancel`, a dropped future sets nothing.
    assert_eq!(seen.status("slow_without_cancel"), None);
    // `cancel` works on an `async fn` that returns no `Result`.
    assert_eq!(seen.status("slow_count").as_deref(), Some("CANCELLED"));
}

#[test]
fn cancel_leaves_a_completed_future_alone() {
    let (_, seen) = with_subscriber(|| {
        block_on(async {
            let long = Duration::from_secs(5);
            tokio::time::timeout(long, slow(true))
                .await
                .unwrap()
                .unwrap_err();
            tokio::time::timeout(long, slow(false))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(slow_count().await, 7);
        })
    });
    assert_eq!(
        seen.statuses("slow"),
        [Some(Status::new(Code::Unavailable, "backend down")), None]
    );
    assert_eq!(seen.status("slow_count"), None);
}

#[test]
fn cancel_on_a_multi_threaded_runtime() {
    let seen = macros_support::Seen::default();
    let subscriber = {
        use tracing_subscriber::prelude::*;
        tracing_subscriber::registry()
            .with(spanstatus::tracing::fmt_layer())
            .with(seen.clone())
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let task = async {
            let timed_out = tokio::time::timeout(Duration::from_millis(10), slow(false)).await;
            assert!(timed_out.is_err());
            slow(true).await.unwrap_err();
        };
        tokio::spawn(task.with_subscriber(subscriber))
            .await
            .unwrap();
    });
    assert_eq!(
        seen.statuses("slow"),
        [
            Some(Status::new(Code::Cancelled, "")),
            Some(Status::new(Code::Unavailable, "backend down"))
        ]
    );
}

#[test]
fn a_future_dropped_before_its_first_poll_has_no_span() {
    let (_, seen) = with_subscriber(|| {
        drop(slow(false));
    });
    assert!(seen.closed().is_empty());
}

#[test]
fn a_future_dropped_between_polls_without_a_runtime() {
    let (_, seen) = with_subscriber(|| {
        let mut future = pin!(async {
            // Pending once, then the test drops it.
            slow_pending().await
        });
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
    });
    assert_eq!(seen.status("slow_pending").as_deref(), Some("CANCELLED"));
}

#[spanstatus::instrument(cancel)]
async fn slow_pending() -> Result<(), Status> {
    std::future::pending::<()>().await;
    Ok(())
}

#[spanstatus::instrument(cancel)]
async fn panics() -> Result<(), Status> {
    tokio::task::yield_now().await;
    panic!("boom");
}

#[spanstatus::instrument]
async fn panics_without_a_result(id: u32) -> u32 {
    tokio::task::yield_now().await;
    panic!("no row {id}");
}

#[test]
fn a_panic_ends_the_span_unknown_and_goes_on_unwinding() {
    let (_, seen) = with_subscriber(|| {
        block_on(async {
            // tokio catches the panic (it unwound through our poll) and
            // drops the task afterwards: no CANCELLED from the guard.
            let joined = tokio::spawn(panics()).await;
            assert_eq!(
                joined.unwrap_err().into_panic().downcast_ref::<&str>(),
                Some(&"boom")
            );
            let joined = tokio::spawn(panics_without_a_result(7)).await;
            assert!(joined.unwrap_err().is_panic());
        })
    });
    assert_eq!(
        seen.status("panics").as_deref(),
        Some("UNKNOWN: panicked: boom")
    );
    assert_eq!(
        seen.status("panics_without_a_result").as_deref(),
        Some("UNKNOWN: panicked: no row 7")
    );
}

#[spanstatus::instrument(level = "debug", cancel)]
async fn debug_level(fail: bool) -> Result<(), Status> {
    tokio::time::sleep(Duration::from_millis(if fail { 0 } else { 200 })).await;
    Err(Status::new(Code::Internal, "not mine to set on the caller"))
}

#[test]
fn a_disabled_span_leaves_the_callers_span_alone() {
    let (_, seen) = macros_support::with_info_subscriber(|| {
        block_on(async {
            let request = tracing::info_span!("request");
            let _entered = request.enter();
            debug_level(true).await.unwrap_err();
            let timed_out =
                tokio::time::timeout(Duration::from_millis(10), debug_level(false)).await;
            assert!(timed_out.is_err());
            use spanstatus::prelude::*;
            assert_eq!(request.canonical_status(), None);
        })
    });
    assert_eq!(seen.closed(), ["request"]);
}
