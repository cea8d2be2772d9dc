#!/usr/bin/env python3
"""`gpuwise bench`'s CPU backend against numpy (OpenBLAS, pocketfft) on the same shapes, in one run.

Usage: benches/cpu_vs_numpy.py [--rounds N] [--gpuwise PATH] [--python PATH] [--cpu-gemm auto|faer|PATH] [--out DIR]

Each round runs `gpuwise bench --cpu-only --op matmul,fft --json --python PYTHON --cpu-gemm CHOICE`
(the full sweep; with `auto`, gpuwise multiplies matrices with the BLAS of that Python's numpy,
as a notebook on this machine would; with `faer`, with faer) and then numpy
on every shape it measured, with the same method: random inputs in [-1, 1), warm-up runs, then
repeats until at least 7 runs and 0.5 s were timed, the median and the fastest run kept. Rounds
alternate so that both see the same machine load. Per shape the table shows the median over rounds
of each side's median, their ratio numpy time / gpuwise time (above 1: gpuwise is faster), the
lowest and highest per-round ratio, and the ratio of each side's fastest run over all rounds.
Targets (issue 5): matmul f32 and f64 at n = 1024..4096 and FFT at least as fast as numpy. They are
judged on the fastest runs, with a 2% allowance (TOLERANCE): on a shared VM other tenants only ever
slow a run down, so the fastest run is each side's best estimate of what it can do, while medians
of one and the same library differ between rounds by up to a factor of two there.
Writes cpu-vs-numpy-DATE[-CHOICE].md and .json to DIR (default benches/results) and prints the table.
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 0.02

NUMPY = r"""
import json, math, sys, time, numpy as np
cases = json.load(sys.stdin)
rng = np.random.default_rng(0)
out = []
def rotated(make, nbytes):
    # As gpuwise does (data.rs): copies of the inputs adding up to twice 64 MiB, used in turn, so
    # that no run finds its inputs in a cache the previous run warmed.
    first = make()
    return [first] + [tuple(x.copy() for x in first) for _ in range(min(32768, math.ceil(2 * 64 * 2**20 / nbytes)) - 1)]
def timed(sets, run):
    for i in range(2):
        run(*sets[i % len(sets)])
    samples = []
    while len(samples) < 7 or (sum(samples) < 0.5 and len(samples) < 500):
        inputs = sets[(len(samples) + 2) % len(sets)]
        t = time.perf_counter(); run(*inputs); samples.append(time.perf_counter() - t)
    return float(np.median(samples)), float(min(samples))
for c in cases:
    dt = np.float64 if c["dtype"] == "f64" else np.float32
    if c["op"] == "matmul":
        m, n, k = c["shape"]
        make = lambda: (rng.uniform(-1, 1, (m, k)).astype(dt), rng.uniform(-1, 1, (k, n)).astype(dt))
        seconds, best = timed(rotated(make, (m * k + k * n) * np.dtype(dt).itemsize), lambda a, b: a @ b)
    else:
        n, batch = c["shape"][0], c["batch"]
        ct = np.complex128 if dt == np.float64 else np.complex64
        make = lambda: ((rng.uniform(-1, 1, (batch, n)) + 1j * rng.uniform(-1, 1, (batch, n))).astype(ct),)
        sets = rotated(make, batch * n * np.dtype(ct).itemsize)
        assert np.fft.fft(sets[0][0]).dtype == ct, "numpy computes this FFT in its own precision"
        seconds, best = timed(sets, np.fft.fft)
    out.append(dict(c, seconds=seconds, best=best))
json.dump({"numpy": np.__version__, "results": out}, sys.stdout)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gpuwise", default=str(ROOT / "target/release/gpuwise"))
    parser.add_argument("--python", default=str(ROOT / "target/test-envs/jax-cpu/bin/python"),
                        help="a Python with numpy (scripts/test-envs builds this one)")
    parser.add_argument("--cpu-gemm", default="auto", help="what gpuwise multiplies matrices with (bench --cpu-gemm)")
    parser.add_argument("--out", default=str(ROOT / "benches/results"))
    args = parser.parse_args()
    ours, theirs, ours_best, theirs_best, numpy_version, cpu, cpu_gemm = {}, {}, {}, {}, "", "", ""
    for round_ in range(args.rounds):
        run = subprocess.run([args.gpuwise, "bench", "--cpu-only", "--op", "matmul,fft", "--json",
                              "--python", args.python, "--cpu-gemm", args.cpu_gemm], capture_output=True, text=True)
        if run.returncode not in (0, 1):
            sys.exit(f"gpuwise bench failed ({run.returncode}): {run.stderr}")
        report = json.loads(run.stdout)
        if report["failures"]:
            sys.exit(f"gpuwise bench reported failures: {report['failures']}")
        cpu, cpu_gemm = report["cpu"], report["cpu_gemm"]
        cases = [{k: r[k] for k in ("op", "shape", "batch", "dtype")} for r in report["results"]]
        for r in report["results"]:
            ours.setdefault(key(r), []).append(r["seconds"])
            ours_best.setdefault(key(r), []).append(r["timing"]["min"])
        numpy_run = subprocess.run([args.python, "-c", NUMPY], input=json.dumps(cases), capture_output=True, text=True)
        if numpy_run.returncode != 0:
            sys.exit(f"numpy run failed: {numpy_run.stderr}")
        numpy_report = json.loads(numpy_run.stdout)
        numpy_version = numpy_report["numpy"]
        for r in numpy_report["results"]:
            theirs.setdefault(key(r), []).append(r["seconds"])
            theirs_best.setdefault(key(r), []).append(r["best"])
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    rows = []
    for k in ours:
        g, n = statistics.median(ours[k]), statistics.median(theirs[k])
        op, shape, batch, dtype = k
        target = op == "fft" or 1024 <= shape[0] <= 4096
        rounds = [t / o for o, t in zip(ours[k], theirs[k])]
        best = min(theirs_best[k]) / min(ours_best[k])
        rows.append(dict(op=op, shape=list(shape), batch=batch, dtype=dtype, gpuwise_seconds=g, numpy_seconds=n,
                         ratio=n / g, round_ratios=rounds, best_ratio=best, target=target,
                         met=(best >= 1.0 - TOLERANCE) if target else None))
    date = datetime.date.today().isoformat()
    meta = dict(date=date, cpu=cpu, cores=os.cpu_count(), numpy=numpy_version, rounds=args.rounds, cpu_gemm=cpu_gemm,
                command=f"benches/cpu_vs_numpy.py --rounds {args.rounds} --cpu-gemm {args.cpu_gemm}",
                machine=platform.platform())
    stem = f"cpu-vs-numpy-{date}" + ("" if args.cpu_gemm == "auto" else f"-{Path(args.cpu_gemm).name}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(dict(meta, rows=rows), indent=2) + "\n")
    lines = [f"# gpuwise bench CPU backend vs numpy {numpy_version} — {date}", "",
             f"{cpu}, {os.cpu_count()} threads; `{meta['command']}`; median over rounds of each side's median.",
             f"gpuwise's matrix products: {cpu_gemm}.",
             "ratio = numpy time / gpuwise time (above 1: gpuwise faster), of the medians; rounds: the lowest and",
             "highest per-round ratio; best: the ratio of each side's fastest run over all rounds.",
             f"Target rows: matmul n 1024-4096, every FFT; met at a best ratio of at least {1 - TOLERANCE:.2f}.", "",
             "| op | shape | batch | dtype | gpuwise | numpy | ratio | rounds | best | target met |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['op']} | {'x'.join(map(str, r['shape']))} | {r['batch']} | {r['dtype']} | "
                     f"{r['gpuwise_seconds'] * 1e3:.3f} ms | {r['numpy_seconds'] * 1e3:.3f} ms | {r['ratio']:.2f} | "
                     f"{min(r['round_ratios']):.2f}-{max(r['round_ratios']):.2f} | {r['best_ratio']:.2f} | {met} |")
    text = "\n".join(lines) + "\n"
    (out / f"{stem}.md").write_text(text)
    print(text)


def key(r):
    return (r["op"], tuple(r["shape"]), r["batch"], r["dtype"])


if __name__ == "__main__":
    main()
