#!/usr/bin/env python3
"""Builds of `nagar score` taking turns, one run each at a time, timed by the kernel's own
accounting of each process (wait4's rusage): wall, user and system time medians and minimums.
User time (the program's own instructions) and system time (page faults, the kernel zeroing
fresh memory, writing the page cache) apart: on this virtual machine the system part varies
from run to run with the host (docs/BENCHMARKS.md, eighth round), the user part much less.
The first round is a warm-up and not counted.
Usage: python3 scripts/bench/ab-rusage.py NAGAR_A NAGAR_B [...] [--rounds 41] [--job coinr|mpi]
"""
import argparse, os, statistics, subprocess, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("bins", nargs="+")
ap.add_argument("--rounds", type=int, default=41)
ap.add_argument("--job", choices=["coinr", "mpi"], default="coinr")
a = ap.parse_args()
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
d = tempfile.mkdtemp()
if a.job == "coinr":
    subprocess.run(["node", os.path.join(root, "scripts/bench/coinr-data.mjs"), d, "5000"], check=True, stdout=subprocess.DEVNULL)
    job = ["score", "--framework", f"{d}/bench_iMeta.csv", "--data", f"{d}/bench_iData.csv", "--normalise", "zscore", "--aggregate", "amean"]
else:
    subprocess.run([a.bins[0], "demo", "--ulbs", "5000", "--out", f"{d}/mpi-5000.csv"], check=True, stderr=subprocess.DEVNULL)
    job = ["score", "--framework", "mpi-2019", "--data", f"{d}/mpi-5000.csv"]
res = {b: {"wall": [], "user": [], "sys": []} for b in a.bins}
for i in range(a.rounds):
    for b in a.bins:
        t = time.perf_counter()
        p = subprocess.Popen([b, *job, "--out", f"{d}/out.csv"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = (time.perf_counter() - t) * 1e3
        if status != 0:
            raise SystemExit(f"{b} failed")
        if i > 0:
            res[b]["wall"].append(wall)
            res[b]["user"].append(ru.ru_utime * 1e3)
            res[b]["sys"].append(ru.ru_stime * 1e3)
for b in a.bins:
    r = res[b]
    print(f"{b}: " + ", ".join(f"{k} median {statistics.median(v):.1f} ms (min {min(v):.1f})" for k, v in r.items()) + f", n={len(r['wall'])}")
for f in os.listdir(d):
    os.remove(os.path.join(d, f))
os.rmdir(d)
