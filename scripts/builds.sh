#!/usr/bin/env bash
# The builds a user can pick that the full test run does not: the facade with
# one feature at a time (and with none), each crate alone, and the crates
# whose declared `rust-version` this machine can check, with Debian's Rust
# 1.85 (`rustc-web`, `cargo-web`: rustup cannot download a toolchain here).
# Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# A warning fails too: a feature subset is where an unused import hides.
check() {
    echo "+ cargo check $*" >&2
    local out
    out=$(cargo check --locked --message-format short "$@" 2>&1) || { echo "$out" >&2; exit 1; }
    if grep -q 'warning' <<<"$out"; then
        echo "$out" >&2
        exit 1
    fi
}

# The facade as users pick it: each feature alone, and no default features
# (the core is `no_std` + `alloc` then).
check -p spanstatus --no-default-features --lib
for feature in tracing opentelemetry sentry tower macros; do
    check -p spanstatus --features "$feature" --lib
done
check -p spanstatus --features sentry,tower --lib
# tower-http 0.6 and 0.7 each alone; the client errors without the rest.
check -p spanstatus --features tower-http --lib
check -p spanstatus --features tower-http-06 --lib
check -p spanstatus --features tower,hyper-util,tonic --lib
# Each crate alone, features off, then on.
for crate in spanstatus-core spanstatus-tracing spanstatus-tower spanstatus-sentry; do
    check -p "$crate" --no-default-features --lib
done
check -p spanstatus-sentry --features tower --lib

# rust-version: the crates that declare 1.85 build with 1.85. The others
# (1.88, 1.89) name the dependency or feature that sets theirs in
# CONTRIBUTING.md ("Rust versions").
msrv_version=1.85.0+dfsg3-1~deb12u3
if ! /usr/bin/rustc --version 2>/dev/null | grep -q '^rustc 1\.85\.'; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "+ apt-get install rustc-web cargo-web ($msrv_version)" >&2
        apt-get install -y -qq "rustc-web=$msrv_version" "cargo-web=$msrv_version" >/dev/null
    elif [ -n "${CI:-}" ]; then
        echo "Debian's rustc-web 1.85 is needed in CI to check rust-version 1.85" >&2
        exit 1
    else
        echo "!!!!!!!! WARNING: SKIPPING the rust-version 1.85 check: /usr/bin/rustc is not 1.85" >&2
        echo "!!!!!!!! and apt-get cannot install rustc-web here (needs root)." >&2
        exit 0
    fi
fi
for crate in $(grep -l '^rust-version = "1.85"' crates/*/Cargo.toml | xargs -n1 dirname | xargs -n1 basename); do
    echo "+ cargo 1.85 check -p $crate --all-features" >&2
    RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_DIR=target/rust-1.85 \
        /usr/bin/cargo check --quiet --locked --offline -p "$crate" --all-features --lib
done
