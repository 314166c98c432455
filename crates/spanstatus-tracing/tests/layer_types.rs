//! The layer's types mean the same with and without the `fmt` feature (this
//! file is compiled both ways by `scripts/test.sh`), so a crate elsewhere in
//! the graph switching `fmt` on changes no type of a user's.

use spanstatus_tracing::{CanonicalStatusExt, Code, DefaultFmtFields, NoFmt, SpanStatusLayer};
use tracing_subscriber::prelude::*;

#[test]
fn default_and_no_fmt_layers_exist_in_every_configuration() {
    let default: SpanStatusLayer<DefaultFmtFields> = spanstatus_tracing::layer();
    let plain: SpanStatusLayer<NoFmt> = SpanStatusLayer::new().without_fmt();
    let check = || {
        let span = tracing::info_span!("a");
        span.set_canonical_code(Code::Aborted);
        assert_eq!(
            span.canonical_status().map(|s| s.code()),
            Some(Code::Aborted)
        );
    };
    tracing::subscriber::with_default(tracing_subscriber::registry().with(default), check);
    tracing::subscriber::with_default(tracing_subscriber::registry().with(plain), check);
}
