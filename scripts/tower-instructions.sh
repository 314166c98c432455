#!/usr/bin/env bash
# Instructions per request of the tower bench's variants over loopback, under
# valgrind's callgrind (repeatable where timing is not): client and server in
# one process, user space only. Each variant runs N and 2N requests; the
# difference divided by N leaves out the set-up. Needs valgrind.
#
#   scripts/tower-instructions.sh            # HTTP/1 and gRPC, no level filter
#   SPANSTATUS_TOWER_FILTER=info scripts/tower-instructions.sh
#   SPANSTATUS_TOWER_ONLY=peers scripts/tower-instructions.sh   # against the peers only
#
# Two tables: each variant against `TraceLayer` alone; then ours (the
# documented setup) and the by-hand callbacks against the stack users pick
# instead (OtelAxumLayer on axum with hyper-util's client; OtelGrpcLayer).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }

# The bench binary this build made (not whichever tower-* is newest).
bench=$(cargo bench --features full --bench tower --no-run --message-format=json |
    python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "tower" and m.get("executable"):
        print(m["executable"])')
[ -x "$bench" ] || { echo "no tower bench binary from cargo" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() { # variant requests [env var, default SPANSTATUS_TOWER_PROFILE]
    local refs
    refs=$(env "${3:-SPANSTATUS_TOWER_PROFILE}=$1" SPANSTATUS_TOWER_REQUESTS=$2 \
        valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bench" 2>&1 |
        sed -n 's/.*I *refs: *//p' | tr -d ,)
    [ -n "$refs" ] || { echo "callgrind gave no count for $1" >&2; exit 1; }
    echo "$refs"
}
per_request() { # variant n [env var]: instructions per request
    local a b per
    a=$(count "$1" "$2" "${3:-}")
    b=$(count "$1" $((2 * $2)) "${3:-}")
    per=$(((b - a) / $2))
    [ "$per" -gt 0 ] || { echo "$1: $b after $a instructions" >&2; exit 1; }
    echo "$per"
}
for protocol in http grpc; do
    [ "${SPANSTATUS_TOWER_ONLY:-}" = peers ] && break
    prefix=$([ $protocol = grpc ] && echo grpc- || true)
    # Unfiltered, a gRPC call is ~1.7 M instructions (h2's TRACE spans).
    n=$([ $protocol = grpc ] && [ -z "${SPANSTATUS_TOWER_FILTER:-}" ] && echo 500 || echo 2000)
    alone=
    for variant in alone by-hand layer ours; do
        per=$(per_request "$prefix$variant" "$n")
        alone=${alone:-$per}
        awk -v p="$protocol" -v v="$variant" -v n="$per" -v a="$alone" \
            'BEGIN { printf "%-5s %-8s %9d instructions/request  %.3f of alone\n", p, v, n, a / n }'
    done
done
for protocol in http grpc; do
    n=$([ $protocol = grpc ] && [ -z "${SPANSTATUS_TOWER_FILTER:-}" ] && echo 500 || echo 2000)
    peer=
    for variant in peer by-hand ours; do
        per=$(per_request "$protocol-$variant" "$n" SPANSTATUS_TOWER_PEERS)
        peer=${peer:-$per}
        awk -v p="$protocol" -v v="$variant" -v n="$per" -v a="$peer" \
            'BEGIN { printf "%-5s %-8s %9d instructions/request  %.3f of the peer\n", p, v, n, a / n }'
    done
done
