#!/usr/bin/env python3
"""gatecheck in every output format against yamllint, interleaved (docs/performance.md).

The machine's speed drifts by a third over minutes, so yamllint (one full run over the corpus
takes about 18 s) and gatecheck are timed in the same spell: a yamllint run, then ROUNDS runs of
gatecheck per format, three times over, and a last yamllint run. Prints each format's median and
its multiple of yamllint's median. Run scripts/bench-findings.sh first: it writes the corpus.

Usage: scripts/bench-yamllint.py [GATECHECK] [DIR] [ROUNDS]
"""
import os
import statistics
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
gatecheck = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else f"{root}/target/release/gatecheck"
corpus = sys.argv[2] if len(sys.argv) > 2 else f"{root}/target/configs"
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
formats = ["json", "human", "sarif", "github", "gitlab", "junit", "markdown"]
os.chdir(corpus)


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


yamllint = []
times = {f: [] for f in formats}
for _ in range(3):
    yamllint.append(timed(["yamllint", "."]))
    for _ in range(rounds):
        for f in formats:
            times[f].append(timed([gatecheck, "--target", "1.33", "--format", f, "."]))
yamllint.append(timed(["yamllint", "."]))
y = statistics.median(yamllint)
print("yamllint:", " ".join(f"{t:.2f} s" for t in yamllint), f"(median {y:.2f} s)")
for f in formats:
    m = statistics.median(times[f])
    print(f"{f:9s} {m * 1000:6.1f} ms (min {min(times[f]) * 1000:6.1f})  {y / m:5.1f}x yamllint")
