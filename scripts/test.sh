#!/usr/bin/env bash
# Every test of the project: formatting, lints, Rust unit/conformance/property tests, then (when
# present) the wasm tests under Node and the browser tests. Installs what a fresh machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
