#!/usr/bin/env bash
# Native benchmark of the whole `nagar robustness` process (release build): MPI 2019 on 5,000
# demo ULBs (`nagar demo --ulbs 5000`, seed 2019), the Robustness view's default uncertainty
# analysis — weights ±25% at sector and vertical level, the three missing-data policies,
# N = 1,000, seed 1 — writing design.csv, scores.csv, ranks.csv and rankstats.csv; and the
# sensitivity analysis d = 4, N = 250 (1,500 runs, 200 bootstrap resamples). Wall time with
# hyperfine (the load average printed beside it: the machine is shared), then the instructions
# of the UA process with callgrind (repeatable on a loaded machine).
# Usage: bash scripts/bench/robustness-native.sh      (builds target/release/nagar first)
#        NAGAR_CLI=path/to/nagar NAGAR_BASE=path/to/older/nagar RUNS=10 CALLGRIND=0 ...
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 2; }
if [ -z "${NAGAR_CLI:-}" ]; then
  cargo build --release -p nagar-cli
  NAGAR_CLI=target/release/nagar
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$NAGAR_CLI" demo --ulbs 5000 --out "$dir/mpi-5000.csv" 2>/dev/null
ua() { echo "$1 robustness --framework mpi-2019 --data $dir/mpi-5000.csv --n 1000 --seed 1 --vary-weights 2,3:0.25 --vary-missing reweight --vary-missing mean --vary-missing worst --out $dir/ua"; }
sa() { echo "$1 robustness --framework mpi-2019 --data $dir/mpi-5000.csv --type sa --n 250 --seed 1 --nboot 200 --vary-weights 3:0.25 --vary-weights 2:0.25 --vary-missing reweight --vary-missing mean --vary-missing worst --vary-normalise zscore --vary-normalise minmax:0,100 --out $dir/sa"; }
cmds=(-n "UA N=1000" "$(ua "$NAGAR_CLI")" -n "SA d=4 N=250" "$(sa "$NAGAR_CLI")")
[ -n "${NAGAR_BASE:-}" ] && cmds+=(-n "base: UA N=1000" "$(ua "$NAGAR_BASE")" -n "base: SA d=4 N=250" "$(sa "$NAGAR_BASE")")
echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --warmup 1 --runs "${RUNS:-10}" --style basic "${cmds[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
  echo "instructions of the whole UA process (callgrind):"
  # shellcheck disable=SC2046
  valgrind --tool=callgrind --callgrind-out-file=/dev/null $(ua "$NAGAR_CLI") 2>&1 | grep -E "Collected|refs"
fi
