//! `#[spanstatus::instrument]` allocates nothing of its own on the `Ok` path:
//! the same calls through `#[tracing::instrument]` allocate exactly as much.
#![cfg(feature = "macros")]

use spanstatus_devtools::alloc::{Counting, allocations_in};
use std::hint::black_box;

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

#[tracing::instrument]
fn plain(x: u64) -> Result<u64, std::io::Error> {
    Ok(black_box(x) + 1)
}

#[spanstatus::instrument]
fn ours(x: u64) -> Result<u64, std::io::Error> {
    Ok(black_box(x) + 1)
}

#[test]
fn the_ok_path_allocates_nothing_of_ours() {
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus::tracing::fmt_layer())
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
    tracing::subscriber::with_default(subscriber, || {
        // Warm up: the first spans of each callsite fill the registry's pools.
        for i in 0..100 {
            plain(i).unwrap();
            ours(i).unwrap();
        }
        let plain = allocations_in(|| {
            for i in 0..1000 {
                plain(i).unwrap();
            }
        });
        let ours = allocations_in(|| {
            for i in 0..1000 {
                ours(i).unwrap();
            }
        });
        assert_eq!(ours, plain, "allocations over 1000 Ok calls");
    });
}
