//! `#[spanstatus::instrument]` allocates nothing of its own on the `Ok` path:
//! the same calls through `#[tracing::instrument]` allocate exactly as much.
#![cfg(feature = "macros")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use tracing_subscriber::prelude::*;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
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
        .with(spanstatus::tracing::layer())
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
