#!/usr/bin/env bash
# Builds the static site into www/dist/ (deployable as is, under any sub-path):
#  1. the main WebAssembly module (Workspace: CSV/JSON, scoring, exports)  → www/pkg/core
#  2. the full module (a Workspace with the analyses; loaded lazily)       → www/pkg/full
#  3. the spreadsheet module (XLSX/ODS read, XLSX write; loaded lazily)     → www/pkg/sheets
#     All three are the crate crates/nagar-wasm, built with different features.
#  4. the page (Vite + TypeScript), with its service worker.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

[ "${NAGAR_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh

# wasm-opt is not run (wasm-pack would download it; the npm `binaryen` build of it made the
# gzipped module larger, measured). `--profile wasm-release` (root Cargo.toml) optimises for size,
# except nagar-core, nagar-io and csv-core at opt-level 3 in the main module (scoring speed).
wasm_pack() {
  local out="$1" name="$2"
  shift 2
  wasm-pack --log-level warn build crates/nagar-wasm --target web --profile wasm-release --no-opt --no-pack \
    --out-dir "../../www/pkg/$out" --out-name "$name" "$@"
}
echo "== wasm: main module"
wasm_pack core nagar_wasm
echo "== wasm: full module (analyses)"
wasm_pack full nagar_full -- --no-default-features --features analysis
echo "== wasm: spreadsheet module"
wasm_pack sheets nagar_sheets -- --no-default-features --features spreadsheet

node scripts/lib/strip-wasm-names.mjs www/pkg/core/nagar_wasm_bg.wasm www/pkg/full/nagar_full_bg.wasm www/pkg/sheets/nagar_sheets_bg.wasm

echo "== typecheck"
npx --no-install tsc -p www/tsconfig.json
echo "== vite build"
npx --no-install vite build www --logLevel warn
for f in www/pkg/core/nagar_wasm_bg.wasm www/pkg/full/nagar_full_bg.wasm www/pkg/sheets/nagar_sheets_bg.wasm; do
  printf '%s: %s bytes, %s gzipped\n' "$f" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
done
echo "www/dist: $(find www/dist -type f | wc -l) files, $(tar -C www/dist -cf - . | gzip -9 | wc -c) bytes gzipped (tar)"
