#!/usr/bin/env bash
# The test suite: unit tests, insta snapshots, trybuild compile-fail tests, the CLI's bad-input
# tests, and the end-to-end tests that generate projects, build them (into one shared target
# directory, target/projects) and talk to them over HTTP.
#
# Parts that need a service this machine lacks (RJANGO_TEST_POSTGRES, RJANGO_TEST_MYSQL unset,
# no chromium) are skipped with a SKIPPED line, listed again at the end; under CI=true a missing
# service fails its test instead.
set -euo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked "$@" 2>&1 | tee "$log" || status=$?
skipped=$(grep '^SKIPPED: ' "$log" | sort | uniq -c | sed 's/^ *\([0-9]*\) SKIPPED: /  \1 x /' || true)
if [ -n "$skipped" ]; then
    echo
    echo "== Skipped (set the variables or install what is named to run them):"
    echo "$skipped"
fi
exit "$status"
