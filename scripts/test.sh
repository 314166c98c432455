#!/usr/bin/env bash
# Every test of the workspace, on a fresh machine: installs the real peers
# (rotel, sentry-relay) from PyPI into ./.venv, then runs all tests with every
# feature, and the core and tracing crates with their features off.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(./scripts/python-deps.sh)"

cargo test --workspace --all-features
cargo test -p spanstatus-core --no-default-features
cargo test -p spanstatus-tracing --no-default-features --lib --tests

# The builds users pick (each feature alone, each crate alone) and the
# rust-versions this machine can check.
./scripts/builds.sh
