//! A small cache service with hits and misses; each lookup is a span whose
//! status is printed by the fmt layer when it closes.
//!
//! ```sh
//! cargo run --example cache_miss --features tracing
//! ```

use std::collections::HashMap;

use spanstatus::prelude::*;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

struct Cache {
    entries: HashMap<u64, String>,
}

impl Cache {
    fn get(&self, key: u64) -> Option<&str> {
        let span = tracing::info_span!("cache.get", key);
        let _entered = span.enter();
        let value = self.entries.get(&key).map(String::as_str);
        match value {
            Some(_) => span.set_code(Code::Ok),
            None => span.set_status(Code::NotFound, "Cache miss"),
        };
        value
    }
}

fn main() {
    tracing_subscriber::registry()
        .with(spanstatus::tracing::layer())
        .with(
            tracing_subscriber::fmt::layer()
                .with_span_events(FmtSpan::CLOSE)
                .with_target(false),
        )
        .init();

    let cache = Cache {
        entries: HashMap::from([(1, "one".to_owned()), (2, "two".to_owned())]),
    };
    for key in [1, 3, 2] {
        let value = cache.get(key);
        tracing::info!(key, ?value, "looked up");
    }
}
