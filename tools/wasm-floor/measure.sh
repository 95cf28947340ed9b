#!/usr/bin/env bash
# Sizes (bytes, gzip -9) of the smallest wasm modules that read XLSX/ODS with calamine, write
# XLSX with rust_xlsxwriter, and do both: built like nagar's modules (wasm-bindgen --target web,
# names stripped, no wasm-opt). Needs the wasm32 target and wasm-bindgen-cli (scripts/setup.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="$root/target/wasm-floor"
out="$CARGO_TARGET_DIR/out"
for features in read write read,write; do
  cargo build -q --manifest-path "$here/Cargo.toml" --release --target wasm32-unknown-unknown --features "$features"
  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen --target web --out-dir "$out" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/wasm_floor.wasm"
  node "$root/scripts/lib/strip-wasm-names.mjs" "$out/wasm_floor_bg.wasm" >/dev/null
  printf '%-11s %8s bytes, %7s gzipped\n' "$features" "$(wc -c <"$out/wasm_floor_bg.wasm")" "$(gzip -9c "$out/wasm_floor_bg.wasm" | wc -c)"
done
