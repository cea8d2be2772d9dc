#!/usr/bin/env python3
"""Times `gpuwise.doctor()` after import (target: under 100 ms on the development machine).

Usage: benches/python_doctor.py WHEEL [--runs N]
Installs WHEEL (build it with `target/py-build/bin/maturin build --release --out DIR`) into a
fresh virtual environment under target/, then in one process imports gpuwise, calls doctor()
once to warm up and N more times, and prints the median and spread as JSON.
"""
import argparse, json, subprocess, sys, venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMED = """
import json, statistics, time
t0 = time.perf_counter(); import gpuwise; imported = time.perf_counter() - t0
gpuwise.doctor()
samples = []
for _ in range({runs}):
    t = time.perf_counter(); gpuwise.doctor(); samples.append(time.perf_counter() - t)
samples.sort()
print(json.dumps(dict(import_ms=imported * 1e3, median_ms=statistics.median(samples) * 1e3,
                      min_ms=samples[0] * 1e3, max_ms=samples[-1] * 1e3, runs=len(samples))))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    env = ROOT / "target/py-bench"
    venv.create(env, clear=True, with_pip=True)
    subprocess.run([env / "bin/pip", "install", "--quiet", args.wheel], check=True)
    out = subprocess.run([env / "bin/python", "-c", TIMED.format(runs=args.runs)], check=True, capture_output=True, text=True)
    print(out.stdout.strip())


if __name__ == "__main__":
    sys.exit(main())
