#!/usr/bin/env bash
# Native benchmark of the whole `nagar score` process, side by side in one hyperfine run:
#   - the physical floor: reading the input file and writing an output file of the same size,
#     with nothing else (cat + cp);
#   - COINr-style 5,000 units x 100 indicators (iData/iMeta CSVs), z-score + arithmetic mean,
#     CSV out with every stage (aggregates, indicators, normalised values);
#   - the built-in MPI 2019 framework on 5,000 synthetic ULBs (`nagar demo --ulbs 5000`).
# Usage: bash scripts/bench/native.sh            (builds target/release/nagar first)
#        NAGAR_CLI=path/to/nagar bash scripts/bench/native.sh
#        NAGAR_BASE=path/to/older/nagar ...      (the same jobs with another build, side by side)
#        RUNS=30 ...                             (runs per command; default 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v hyperfine >/dev/null; then
  echo "hyperfine is needed: apt-get install hyperfine (or cargo install hyperfine)" >&2
  exit 2
fi
if [ -z "${NAGAR_CLI:-}" ]; then
  cargo build --release -p nagar-cli
  NAGAR_CLI=target/release/nagar
fi
RUNS=${RUNS:-20}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
node scripts/bench/coinr-data.mjs "$dir" 5000 >/dev/null
"$NAGAR_CLI" demo --ulbs 5000 --out "$dir/mpi-5000.csv" 2>/dev/null
coinr="score --framework $dir/bench_iMeta.csv --data $dir/bench_iData.csv --normalise zscore --aggregate amean"
mpi="score --framework mpi-2019 --data $dir/mpi-5000.csv"
# Reference outputs for the floor (and for a check that both builds write the same bytes).
"$NAGAR_CLI" $coinr --out "$dir/ref-coinr.csv" 2>/dev/null
"$NAGAR_CLI" $mpi --out "$dir/ref-mpi.csv" 2>/dev/null
ls -l "$dir"/*.csv | awk '{print $5, $9}' | sed "s|$dir/||"
cmds=(
  -n "floor: COINr 5000x100 (cat input, cp output)" "cat $dir/bench_iData.csv $dir/bench_iMeta.csv > /dev/null; cp $dir/ref-coinr.csv $dir/floor.csv"
  -n "nagar score, COINr 5000x100" "$NAGAR_CLI $coinr --out $dir/out-coinr.csv 2>/dev/null"
  -n "floor: MPI 5000 ULBs (cat input, cp output)" "cat $dir/mpi-5000.csv > /dev/null; cp $dir/ref-mpi.csv $dir/floor.csv"
  -n "nagar score, MPI 5000 ULBs" "$NAGAR_CLI $mpi --out $dir/out-mpi.csv 2>/dev/null"
)
if [ -n "${NAGAR_BASE:-}" ]; then
  cmds+=(
    -n "NAGAR_BASE score, COINr 5000x100" "$NAGAR_BASE $coinr --out $dir/base-coinr.csv 2>/dev/null"
    -n "NAGAR_BASE score, MPI 5000 ULBs" "$NAGAR_BASE $mpi --out $dir/base-mpi.csv 2>/dev/null"
  )
fi
hyperfine --warmup 3 --runs "$RUNS" --export-markdown "$dir/result.md" "${cmds[@]}" >&2
cat "$dir/result.md"
if [ -n "${NAGAR_BASE:-}" ]; then
  cmp "$dir/out-coinr.csv" "$dir/base-coinr.csv" && cmp "$dir/out-mpi.csv" "$dir/base-mpi.csv" \
    && echo "outputs of NAGAR_CLI and NAGAR_BASE: byte-identical"
fi
