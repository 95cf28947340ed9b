#!/usr/bin/env bash
# Builds the static site into www/dist/ (deployable as is, under any sub-path):
#  1. the main WebAssembly module (Workspace: CSV/JSON, scoring, exports)  → www/pkg/core
#  2. the full module (a Workspace with the analyses, and the framework-file
#     readers; loaded lazily)                                              → www/pkg/full
#  3. the spreadsheet-reading module (XLSX/ODS; loaded lazily)              → www/pkg/sheets-read
#  4. the spreadsheet-writing module (XLSX export, template; loaded lazily) → www/pkg/sheets-write
#     All four are the crate crates/nagar-wasm, built with different features.
#  5. the page (Vite + TypeScript), with its service worker, the framework names it shows in
#     each language (scripts/lib/framework-names.py; loaded only when that language is chosen)
#     and its catalogues split by view (scripts/lib/i18n-parts.mjs; a view's text loads with it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

[ "${NAGAR_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh

# Each module: `cargo rustc --crate-type cdylib`, then the pinned wasm-bindgen CLI (what
# `wasm-pack build --no-pack` runs, minus wasm-pack's own wasm-opt step, which would download a
# binary). Not `wasm-pack build`: nagar-wasm is a cdylib and an rlib (its tests link it), and cargo
# does not link-time-optimise a crate built as both at once (`lto = true` of the profile gives no
# `-C lto`), which left every module ~10% larger gzipped; built as a cdylib alone, it is (docs/BENCHMARKS.md).
# wasm-opt from the npm package `binaryen` runs below with a chosen set of passes: its -Oz makes the
# modules ~8% smaller raw but ~8% LARGER gzipped (measured: main 247,149 -> 267,088 B), these passes
# make every module smaller gzipped. `--profile wasm-release` (root Cargo.toml) optimises for size.
# Except the full module: built with Cargo.toml's two crate types, so not link-time-optimised, it
# is 383 KB before and 360 KB after the function order below, against 382 and 373 KB optimised
# (measured per module, docs/BENCHMARKS.md "Function order"); the third argument says which.
target_dir="${CARGO_TARGET_DIR:-target}"
wasm_build() {
  local out="$1" name="$2" lto="$3"
  shift 3
  if [ "$lto" = lto ]; then
    cargo rustc --quiet --lib -p nagar-wasm --crate-type cdylib --profile wasm-release --target wasm32-unknown-unknown "$@"
  else
    cargo build --quiet --lib -p nagar-wasm --profile wasm-release --target wasm32-unknown-unknown "$@"
  fi
  mkdir -p "www/pkg/$out"
  wasm-bindgen --target web --out-dir "www/pkg/$out" --out-name "$name" \
    "$target_dir/wasm32-unknown-unknown/wasm-release/nagar_wasm.wasm"
}
echo "== wasm: main module"
wasm_build core nagar_wasm lto
echo "== wasm: full module (analyses)"
wasm_build full nagar_full no-lto --no-default-features --features analysis,audit,robustness
echo "== wasm: spreadsheet-reading module"
wasm_build sheets-read nagar_sheets_read lto --no-default-features --features sheets-read
echo "== wasm: spreadsheet-writing module"
wasm_build sheets-write nagar_sheets_write lto --no-default-features --features sheets-write

modules="www/pkg/core/nagar_wasm_bg.wasm www/pkg/full/nagar_full_bg.wasm www/pkg/sheets-read/nagar_sheets_read_bg.wasm www/pkg/sheets-write/nagar_sheets_write_bg.wasm"
echo "== wasm-opt (binaryen, size passes that keep gzip small)"
passes=(--duplicate-function-elimination --remove-unused-module-elements --optimize-instructions
  --precompute --vacuum --remove-unused-brs --merge-blocks --rse --dce)
pids=()
for f in $modules; do
  npx --no-install wasm-opt "${passes[@]}" "$f" -o "$f.opt" && mv "$f.opt" "$f" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
# shellcheck disable=SC2086
node scripts/lib/strip-wasm-names.mjs $modules
echo "== function order (similar functions side by side, which gzip compresses better)"
# shellcheck disable=SC2086
node scripts/lib/order-wasm-functions.mjs $modules
pids=()
for f in $modules; do
  npx --no-install wasm-opt --reorder-functions-by-name "$f" -o "$f.opt" && mv "$f.opt" "$f" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
# shellcheck disable=SC2086
node scripts/lib/strip-wasm-names.mjs $modules
# Last, per module, two passes that make these smaller gzipped (and the full module larger):
# dead-argument elimination and locals ordered by use (smaller indices). Measured on each
# module, no change in speed (docs/BENCHMARKS.md, eleventh round).
last_passes() {
  local f="$1"
  shift
  npx --no-install wasm-opt "$@" "$f" -o "$f.opt" && mv "$f.opt" "$f"
}
pids=()
last_passes www/pkg/core/nagar_wasm_bg.wasm --dae-optimizing --reorder-locals &
pids+=($!)
last_passes www/pkg/sheets-read/nagar_sheets_read_bg.wasm --dae-optimizing &
pids+=($!)
last_passes www/pkg/sheets-write/nagar_sheets_write_bg.wasm --dae-optimizing --reorder-locals &
pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done

echo "== framework names for the page (www/src/i18n/names/<lang>/{main,detail}.json, from frameworks/*.toml)"
python3 scripts/lib/framework-names.py
echo "== the catalogues split by view (www/src/i18n/parts/<lang>/<part>.json)"
node scripts/lib/i18n-parts.mjs
echo "== typecheck"
npx --no-install tsc -p www/tsconfig.json
echo "== vite build"
npx --no-install vite build www --logLevel warn
for f in $modules; do
  printf '%s: %s bytes, %s gzipped\n' "$f" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
done
echo "www/dist: $(find www/dist -type f | wc -l) files, $(tar -C www/dist -cf - . | gzip -9 | wc -c) bytes gzipped (tar)"
