#!/usr/bin/env bash
# Installs what building the web app needs and a fresh machine lacks: the wasm32 target, the
# pinned wasm-bindgen CLI and wasm-pack (from crates.io, built with cargo: nothing prebuilt is
# downloaded), and the npm packages of package-lock.json. Safe to run again: it only adds what
# is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130 # keep equal to the `wasm-bindgen = "=..."` pin in crates/nagar-wasm/Cargo.toml
export PATH="$HOME/.cargo/bin:$PATH"

command -v cargo >/dev/null || { echo "setup: cargo is missing: install Rust with rustup first" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm is missing: install Node.js 20 or newer first" >&2; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "== rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "== cargo install wasm-bindgen-cli --version =$WASM_BINDGEN_VERSION"
  # Without --locked: the CLI's own lock file does not build with this toolchain.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

if ! command -v wasm-pack >/dev/null; then
  echo "== cargo install wasm-pack"
  cargo install wasm-pack
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
