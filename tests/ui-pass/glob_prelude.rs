// The import the crate docs recommend: every backend's verbs, no ambiguity.
use spanstatus::prelude::*;

fn main() {
    let span = tracing::info_span!("fine");
    span.set_canonical_status(Code::NotFound, "Cache miss");
}
