#!/usr/bin/env bash
# The test suite: unit tests, insta snapshots, trybuild compile-fail tests, the CLI's bad-input
# tests, and the end-to-end tests that generate projects, build them (into one shared target
# directory, target/projects) and talk to them over HTTP.
set -euo pipefail
cd "$(dirname "$0")"
exec cargo test --workspace --locked "$@"
