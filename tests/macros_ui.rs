//! Compile tests (`tests/ui/*.rs`, with the expected errors in
//! `tests/ui/*.stderr`): the macros' wrong code names, variants without a
//! code, `cancel` on a sync function, unknown arguments, each error pointing
//! at the offending token; and the imports the crate docs advise against
//! (`use spanstatus::*;`, E0659) and for (`tests/ui-pass`); a tower service
//! whose error the layers cannot read (the bound named). One `TestCases`
//! builds them all in one go.
//!
//! `TRYBUILD=overwrite cargo test --features full --test macros_ui` rewrites
//! the `.stderr` files after a deliberate change of a message.
#![cfg(feature = "macros")]

#[test]
fn compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/ui-pass/*.rs");
}
