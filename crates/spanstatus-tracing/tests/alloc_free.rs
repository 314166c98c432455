//! `set_status` with a `&'static str` message allocates nothing of ours once
//! our layer has readied the span.

use spanstatus_devtools::alloc::{Counting, allocations_in};

use spanstatus_tracing::{CanonicalStatusExt, Code, SetStatusExt};
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

#[test]
fn set_status_with_a_static_message_does_not_allocate() {
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus_tracing::layer())
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("cache.get", key = 1);
        let _entered = span.enter();
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
