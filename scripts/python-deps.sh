#!/usr/bin/env bash
# Installs the real peers the end-to-end tests run against, from PyPI, into
# ./.venv: the `rotel` OTLP collector (its binary ships in the wheel) and
# Sentry's normalizer `sentry-relay`. Idempotent; prints the paths it exports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
want="rotel==0.0.1a15 sentry-relay==0.10.1"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import sentry_relay, rotel' 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $want
fi
agent=$("$venv/bin/python" -c 'import os, rotel; print(os.path.join(os.path.dirname(rotel.__file__), "rotel-agent"))')
[ -x "$agent" ] || { echo "rotel-agent not found at $agent" >&2; exit 1; }
echo "export SPANSTATUS_PYTHON=$venv/bin/python"
echo "export SPANSTATUS_ROTEL=$agent"
