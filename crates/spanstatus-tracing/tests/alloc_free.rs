//! What our layer and the setters allocate: nothing for a span that never gets
//! a status; one small allocation (the span's status slot) when a span first
//! gets one; nothing more for later statuses with a `&'static str` message.
#![cfg(feature = "fmt")]

use spanstatus_devtools::alloc::{Counting, allocations_in};

use spanstatus_tracing::{CanonicalStatusExt, Code, SetStatusExt};
use tracing::Dispatch;
use tracing_subscriber::prelude::*;

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn the_counter_counts() {
    assert_eq!(
        allocations_in(|| drop(std::hint::black_box(Box::new(1)))),
        1
    );
}

fn fmt_stack(with_ours: bool) -> Dispatch {
    if with_ours {
        Dispatch::new(
            tracing_subscriber::registry()
                .with(spanstatus_tracing::fmt_layer())
                .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink)),
        )
    } else {
        Dispatch::new(
            tracing_subscriber::registry()
                .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink)),
        )
    }
}

fn spans_without_status(n: u64) {
    for key in 0..n {
        let span = tracing::info_span!("cache.get", key);
        let _entered = span.enter();
    }
}

#[test]
fn spans_without_a_status_allocate_nothing_of_ours() {
    let count = |dispatch: &Dispatch| {
        tracing::dispatcher::with_default(dispatch, || {
            // Warm up the registry's pools.
            spans_without_status(100);
            allocations_in(|| spans_without_status(1000))
        })
    };
    let (plain, ours) = (fmt_stack(false), fmt_stack(true));
    assert_eq!(count(&ours), count(&plain));
}

#[test]
fn the_first_status_allocates_its_slot_and_later_ones_nothing() {
    tracing::dispatcher::with_default(&fmt_stack(true), || {
        let span = tracing::info_span!("cache.get", key = 1);
        let _entered = span.enter();
        let n = allocations_in(|| span.set_status(Code::NotFound, "Cache miss"));
        assert_eq!(n, 1, "the slot");
        // The counter counts: an owned message allocates.
        assert!(
            allocations_in(|| {
                span.set_status(Code::Internal, String::from("owned"));
            }) > 0
        );
        for code in Code::ALL.into_iter().filter(|c| c.is_error()) {
            let n = allocations_in(|| {
                span.set_status(code, "Cache miss");
            });
            assert_eq!(n, 0, "{code}");
        }
        let n = allocations_in(|| {
            span.set_canonical_code(Code::Ok);
        });
        assert_eq!(n, 0);
    });
}
