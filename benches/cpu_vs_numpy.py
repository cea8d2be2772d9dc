#!/usr/bin/env python3
"""`gpuwise bench`'s CPU backend against numpy (OpenBLAS, pocketfft) on the same shapes, in one run.

Usage: benches/cpu_vs_numpy.py [--rounds N] [--gpuwise PATH] [--python PATH] [--out DIR]

Each round runs `gpuwise bench --cpu-only --op matmul,fft --json` (the full sweep) and then numpy
on every shape it measured, with the same method: random inputs in [-1, 1), warm-up runs, then
repeats until at least 7 runs and 0.5 s were timed, the median kept. Rounds alternate so that
both see the same machine load; the table keeps, per shape, the median over rounds of each side's
median, and the ratio numpy time / gpuwise time (above 1: gpuwise is faster).
Targets (issue 5): matmul f32 and f64 at n = 1024..4096 and FFT at least as fast as numpy.
Writes cpu-vs-numpy-DATE.md and .json to DIR (default benches/results) and prints the table.
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NUMPY = r"""
import json, sys, time, numpy as np
cases = json.load(sys.stdin)
rng = np.random.default_rng(0)
out = []
def timed(run):
    for _ in range(2):
        run()
    samples = []
    while len(samples) < 7 or (sum(samples) < 0.5 and len(samples) < 500):
        t = time.perf_counter(); run(); samples.append(time.perf_counter() - t)
    return float(np.median(samples))
for c in cases:
    dt = np.float64 if c["dtype"] == "f64" else np.float32
    if c["op"] == "matmul":
        m, n, k = c["shape"]
        a = rng.uniform(-1, 1, (m, k)).astype(dt); b = rng.uniform(-1, 1, (k, n)).astype(dt)
        seconds = timed(lambda: a @ b)
    else:
        n, batch = c["shape"][0], c["batch"]
        x = (rng.uniform(-1, 1, (batch, n)) + 1j * rng.uniform(-1, 1, (batch, n))).astype(np.complex128 if dt == np.float64 else np.complex64)
        assert np.fft.fft(x).dtype == x.dtype, "numpy computes this FFT in its own precision"
        seconds = timed(lambda: np.fft.fft(x))
    out.append(dict(c, seconds=seconds))
json.dump({"numpy": np.__version__, "results": out}, sys.stdout)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gpuwise", default=str(ROOT / "target/release/gpuwise"))
    parser.add_argument("--python", default=str(ROOT / "target/test-envs/jax-cpu/bin/python"),
                        help="a Python with numpy (scripts/test-envs builds this one)")
    parser.add_argument("--out", default=str(ROOT / "benches/results"))
    args = parser.parse_args()
    ours, theirs, numpy_version, cpu = {}, {}, "", ""
    for round_ in range(args.rounds):
        run = subprocess.run([args.gpuwise, "bench", "--cpu-only", "--op", "matmul,fft", "--json"],
                             capture_output=True, text=True)
        if run.returncode not in (0, 1):
            sys.exit(f"gpuwise bench failed ({run.returncode}): {run.stderr}")
        report = json.loads(run.stdout)
        if report["failures"]:
            sys.exit(f"gpuwise bench reported failures: {report['failures']}")
        cpu = report["cpu"]
        cases = [{k: r[k] for k in ("op", "shape", "batch", "dtype")} for r in report["results"]]
        for r in report["results"]:
            ours.setdefault(key(r), []).append(r["seconds"])
        numpy_run = subprocess.run([args.python, "-c", NUMPY], input=json.dumps(cases), capture_output=True, text=True)
        if numpy_run.returncode != 0:
            sys.exit(f"numpy run failed: {numpy_run.stderr}")
        numpy_report = json.loads(numpy_run.stdout)
        numpy_version = numpy_report["numpy"]
        for r in numpy_report["results"]:
            theirs.setdefault(key(r), []).append(r["seconds"])
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    rows = []
    for k in ours:
        g, n = statistics.median(ours[k]), statistics.median(theirs[k])
        op, shape, batch, dtype = k
        target = op == "fft" or 1024 <= shape[0] <= 4096
        rows.append(dict(op=op, shape=list(shape), batch=batch, dtype=dtype, gpuwise_seconds=g, numpy_seconds=n,
                         ratio=n / g, target=target, met=(n / g >= 1.0) if target else None))
    date = datetime.date.today().isoformat()
    meta = dict(date=date, cpu=cpu, cores=os.cpu_count(), numpy=numpy_version, rounds=args.rounds,
                command="benches/cpu_vs_numpy.py --rounds %d" % args.rounds, machine=platform.platform())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"cpu-vs-numpy-{date}.json").write_text(json.dumps(dict(meta, rows=rows), indent=2) + "\n")
    lines = [f"# gpuwise bench CPU backend vs numpy {numpy_version} — {date}", "",
             f"{cpu}, {os.cpu_count()} threads; `{meta['command']}`; median over rounds of each side's median.",
             "ratio = numpy time / gpuwise time (above 1: gpuwise faster). Target rows: matmul n 1024-4096, every FFT.", "",
             "| op | shape | batch | dtype | gpuwise | numpy | ratio | target met |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['op']} | {'x'.join(map(str, r['shape']))} | {r['batch']} | {r['dtype']} | "
                     f"{r['gpuwise_seconds'] * 1e3:.3f} ms | {r['numpy_seconds'] * 1e3:.3f} ms | {r['ratio']:.2f} | {met} |")
    text = "\n".join(lines) + "\n"
    (out / f"cpu-vs-numpy-{date}.md").write_text(text)
    print(text)


def key(r):
    return (r["op"], tuple(r["shape"]), r["batch"], r["dtype"])


if __name__ == "__main__":
    main()
