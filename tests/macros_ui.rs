//! Compile-fail tests of the macros (`tests/ui/*.rs`, with the expected
//! errors in `tests/ui/*.stderr`): wrong code names, variants without a
//! code, `cancel` on a sync function, unknown arguments. Each error points at
//! the offending token. One `TestCases` builds them all in one go.
//!
//! `TRYBUILD=overwrite cargo test --features full --test macros_ui` rewrites
//! the `.stderr` files after a deliberate change of a message.
#![cfg(feature = "macros")]

#[test]
fn compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
