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
echo "== cargo clippy (wasm bindings with the spreadsheet module)"
cargo clippy -p nagar-wasm --all-targets --features spreadsheet,analysis,audit,robustness --locked -- -D warnings

[ "$what" = rust ] && exit 0

echo "== page catalogues (node)"
node --test tests/unit/

# ---- the browser app: wasm tests under Node, the site build, browser tests in Chromium ----
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
echo "== cargo clippy (the browser's main module, for wasm32: 32-bit usize)"
cargo clippy -p nagar-wasm --target wasm32-unknown-unknown --locked -- -D warnings
echo "== wasm tests (Node)"
wasm-pack --log-level warn test --node crates/nagar-wasm --features spreadsheet,analysis,audit,robustness
echo "== build the site"
NAGAR_SKIP_SETUP=1 bash scripts/build.sh
# The page's exports are compared with the CLI's. `cargo test --workspace` above already built
# the debug binary (same code, same numbers): reusing it saves a release build of the whole CLI
# (6.5 min cold on 2 cores), and a rebuild that `cargo build -p` alone would trigger (features).
if [ ! -x target/debug/nagar ]; then
  echo "== CLI for the comparisons"
  cargo build -p nagar-cli --locked
fi
# Debian's Chromium, and the Noto fonts for the Hindi screenshots.
bash scripts/setup-browser.sh
echo "== browser tests"
NAGAR_CLI="$PWD/target/debug/nagar" node --test --test-concurrency=1 tests/e2e/
