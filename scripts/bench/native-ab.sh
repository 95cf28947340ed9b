#!/usr/bin/env bash
# Two builds of `nagar score` taking turns, one run each at a time (a warm-up run, then a timed
# one), so that both see the same minutes of a noisy machine; prints per build the median and
# minimum wall time (which includes `perf stat`'s own start, a few ms) and the median CPU time
# (task-clock: every thread, kernel included).
# Usage: bash scripts/bench/native-ab.sh NAGAR_A NAGAR_B [ROUNDS=20] [coinr|mpi]
set -euo pipefail
cd "$(dirname "$0")/../.."
a=$(realpath "$1"); b=$(realpath "$2"); rounds=${3:-20}; job=${4:-coinr}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ "$job" = coinr ]; then
  node scripts/bench/coinr-data.mjs "$dir" 5000 >/dev/null
  args=(score --framework "$dir/bench_iMeta.csv" --data "$dir/bench_iData.csv" --normalise zscore --aggregate amean --out "$dir/out.csv")
else
  "$a" demo --ulbs 5000 --out "$dir/mpi-5000.csv" 2>/dev/null
  args=(score --framework mpi-2019 --data "$dir/mpi-5000.csv" --out "$dir/out.csv")
fi
for _ in $(seq "$rounds"); do
  for x in A B; do
    if [ "$x" = A ]; then bin=$a; else bin=$b; fi
    "$bin" "${args[@]}" 2>/dev/null
    s=$(date +%s%N)
    cpu=$(perf stat -x, -e task-clock "$bin" "${args[@]}" 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
    e=$(date +%s%N)
    echo "$x $(((e - s) / 1000)) $cpu"
  done
done | python3 -c '
import statistics as st, sys
d = {}
for line in sys.stdin:
    k, wall, cpu = line.split()
    d.setdefault(k, ([], []))
    d[k][0].append(int(wall) / 1000)
    d[k][1].append(float(cpu))
for k in sorted(d):
    w, c = d[k]
    print(f"{k}: wall median {st.median(w):.1f} ms (min {min(w):.1f}), cpu median {st.median(c):.1f} ms, n={len(w)}")
'
