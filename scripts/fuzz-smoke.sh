#!/usr/bin/env bash
# Fuzz smoke test: runs every cargo-fuzz target of `fuzz/` for a short, bounded
# time and fails if any of them crashes (or hangs, or stops without libFuzzer's
# final `Done N runs` line). Prints the number of runs per target.
#
# Stable toolchain only: `RUSTC_BOOTSTRAP=1` lets cargo-fuzz pass its `-Z` flags
# (see fuzz/README.md). Installs cargo-fuzz (`cargo install --locked`) only when
# `cargo fuzz` is missing, so it is idempotent.
#
# Environment:
#   FUZZ_SECONDS   libFuzzer `-max_total_time` per target (default 20)
#   FUZZ_TARGETS   space-separated targets to run (default: `cargo fuzz list`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-20}
# libFuzzer only checks -max_total_time between inputs: one slow input is a
# failure after this many seconds (`-timeout`), and a hard outer limit
# (`timeout`) catches anything else (a wedged process, an endless merge).
per_input_timeout=10
hard_limit=$((secs + per_input_timeout + 60))

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
echo "fuzz-smoke: $(cargo fuzz --version), $(rustc --version)"

export RUSTC_BOOTSTRAP=1
cd "$root/fuzz"
# Always fuzz/target, even if CARGO_TARGET_DIR points at a shared target dir:
# the fuzz builds use their own RUSTFLAGS and would invalidate other builds.
target_dir="$root/fuzz/target"
build_opts=(-O --target-dir "$target_dir")

if [ -n "${FUZZ_TARGETS:-}" ]; then
    read -r -a targets <<<"$FUZZ_TARGETS"
else
    mapfile -t targets < <(cargo fuzz list)
fi
if [ "${#targets[@]}" -eq 0 ]; then
    echo "fuzz-smoke: no fuzz targets found" >&2
    exit 1
fi

# One optimized build of all targets; the runs below reuse it.
cargo fuzz build "${build_opts[@]}"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=()
summary=()
for target in "${targets[@]}"; do
    log="$logs/$target.log"
    echo "fuzz-smoke: $target for ${secs}s"
    status=0
    timeout --kill-after=10 "$hard_limit" \
        cargo fuzz run "${build_opts[@]}" "$target" -- \
        -max_total_time="$secs" -timeout="$per_input_timeout" -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    # libFuzzer's last line on a clean stop: `Done 1234567 runs in 21 second(s)`.
    done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)
    if [ "$status" -ne 0 ] || [ -z "$done_line" ]; then
        if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
            echo "fuzz-smoke: $target did not stop within ${hard_limit}s" >&2
        fi
        echo "fuzz-smoke: $target FAILED (exit status $status)" >&2
        # The panic message comes before the (long) stack trace: show it first.
        grep -E -A 2 "panicked at|^==[0-9]+==.*ERROR|^SUMMARY:" "$log" >&2 || true
        echo "fuzz-smoke: end of the $target log:" >&2
        tail -n 80 "$log" >&2
        failed+=("$target")
        summary+=("$(printf '%-24s FAILED (exit status %s)' "$target" "$status")")
        continue
    fi
    runs=$(awk '{print $2}' <<<"$done_line")
    took=$(awk '{print $5}' <<<"$done_line")
    summary+=("$(printf '%-24s %12s runs in %ss' "$target" "$runs" "$took")")
done

echo "fuzz-smoke: results"
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzz-smoke: crashed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
