// The crate docs say: glob the prelude, not the crate root. The root's
// `tracing` module makes the `tracing` crate's macros ambiguous.
use spanstatus::*;

fn main() {
    let _span = tracing::info_span!("ambiguous");
}
