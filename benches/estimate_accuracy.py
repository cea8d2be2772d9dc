#!/usr/bin/env python3
"""Compares `gpuwise estimate` with measured figures, in one run.

Usage: benches/estimate_accuracy.py [--runs N] [--out DIR]
CPU: times numpy's f32 and f64 matmul (n = 1000, 2000, 4000; median of N runs after a warm-up,
random data) in the test environment that has numpy (scripts/test-envs), beside the estimate's
CPU time for the same shapes on this machine (`--cpu auto`). GPU: the estimate's rates against
the measured figures recorded in the project's hardware notes (H100 and H200 GEMMs and device
copies, each with its source). Writes estimate-accuracy-DATE.md and .json to DIR (default
benches/results) and prints the table. Targets: GPU within 20%, this machine's CPU within 30%.
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (what, estimate arguments, measured value, unit, source)
GPU_FIGURES = [
    ("H100 SXM bf16 matmul 8192^3", ["--op", "matmul", "--shape", "8192,8192,8192", "--dtype", "bf16", "--gpu", "h100-sxm"], 798e12, "FLOP/s",
     "PyTorch 2.11.0+cu130 on the project's H100 test machine, random data"),
    ("H200 bf16 matmul 8192^3", ["--op", "matmul", "--shape", "8192,8192,8192", "--dtype", "bf16", "--gpu", "h200"], 788e12, "FLOP/s",
     "PyTorch on the project's H200 test machine, random data"),
    ("H100 SXM fp16 matmul 4096^3", ["--op", "matmul", "--shape", "4096,4096,4096", "--dtype", "f16", "--gpu", "h100-sxm"], 760e12, "FLOP/s",
     "published torch figures on H100 80GB HBM3 (4096-8192)"),
    ("H100 SXM tf32 matmul 4096^3", ["--op", "matmul", "--shape", "4096,4096,4096", "--dtype", "tf32", "--gpu", "h100-sxm"], 402e12, "FLOP/s",
     "published torch figures on H100 80GB HBM3 (4096-8192)"),
    ("H100 SXM f32 matmul 4096^3", ["--op", "matmul", "--shape", "4096,4096,4096", "--dtype", "f32", "--gpu", "h100-sxm"], 51.9e12, "FLOP/s",
     "published torch figures on H100 80GB HBM3 (4096-8192)"),
    ("H100 SXM bf16 matmul 1024^3", ["--op", "matmul", "--shape", "1024,1024,1024", "--dtype", "bf16", "--gpu", "h100-sxm"], 177e12, "FLOP/s",
     "published torch figures on H100 80GB HBM3"),
    ("H100 SXM tf32 matmul 1024^3", ["--op", "matmul", "--shape", "1024,1024,1024", "--dtype", "tf32", "--gpu", "h100-sxm"], 120e12, "FLOP/s",
     "published torch figures on H100 80GB HBM3"),
    ("H100 SXM device copy 1 GiB", ["--op", "custom", "--flops", "0", "--bytes-in", str(1 << 30), "--bytes-out", str(1 << 30), "--gpu", "h100-sxm"], 3.0e12, "B/s",
     "device-to-device copy on the project's H100 test machine (bytes read + written)"),
    ("H200 device copy 1 GiB", ["--op", "custom", "--flops", "0", "--bytes-in", str(1 << 30), "--bytes-out", str(1 << 30), "--gpu", "h200"], 4.3e12, "B/s",
     "device-to-device copy on the project's H200 test machine (bytes read + written)"),
]

NUMPY = """
import json, statistics, sys, time, numpy as np
n, dtype, runs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n)).astype(dtype); b = rng.standard_normal((n, n)).astype(dtype)
a @ b
times = []
for _ in range(runs):
    t = time.perf_counter(); a @ b; times.append(time.perf_counter() - t)
print(json.dumps({"median": statistics.median(times), "min": min(times), "max": max(times), "numpy": np.__version__}))
"""


def gpuwise():
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "gpuwise"], check=True, cwd=ROOT)
    return ROOT / "target" / "release" / "gpuwise"


def estimate(binary, args):
    out = subprocess.run([str(binary), "estimate", "--cpu", "auto", "--json", *args], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "benches" / "results"))
    opts = parser.parse_args()
    binary = gpuwise()
    envs = Path(subprocess.run([str(ROOT / "scripts" / "test-envs")], check=True, capture_output=True, text=True).stdout.strip())
    python = envs / "jax-cpu" / "bin" / "python"
    rows = []
    for what, args, measured, unit, source in GPU_FIGURES:
        e = estimate(binary, [*args, "--resident"])
        call = e["gpu"]["call"]["seconds"]
        predicted = (e["flops"] / call) if unit == "FLOP/s" else (e["work"]["device_bytes"] / call)
        rows.append({"what": what, "unit": unit, "measured": measured, "predicted": predicted,
                     "error": predicted / measured - 1, "target": 0.2, "source": source})
    for n in (1000, 2000, 4000):
        for dtype in ("float32", "float64"):
            out = subprocess.run([str(python), "-c", NUMPY, str(n), dtype, str(opts.runs)], check=True, capture_output=True, text=True)
            numpy = json.loads(out.stdout)
            e = estimate(binary, ["--op", "matmul", "--shape", f"{n},{n},{n}", "--dtype", "f32" if dtype == "float32" else "f64", "--gpu", "h100-sxm"])
            rows.append({"what": f"this CPU {dtype} matmul {n}^3 (numpy {numpy['numpy']})", "unit": "s", "measured": numpy["median"],
                         "predicted": e["cpu"]["seconds"], "error": e["cpu"]["seconds"] / numpy["median"] - 1,
                         "target": 0.3 if n == 2000 and dtype == "float32" else None,
                         "source": f"measured now: median of {opts.runs} (min {numpy['min']:.4f} s, max {numpy['max']:.4f} s)"})
    date = datetime.date.today().isoformat()
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    lines = [f"# gpuwise estimate against measured figures ({date})", "",
             f"Command: `benches/estimate_accuracy.py --runs {opts.runs}` on {machine}.", "",
             "| figure | measured | predicted | error | target | source |", "|---|---|---|---|---|---|"]
    fmt = lambda v, unit: f"{v / 1e12:.1f} T{unit}" if unit != "s" else f"{v * 1e3:.1f} ms"
    for r in rows:
        target = f"±{r['target'] * 100:.0f}%" if r["target"] else "—"
        lines.append(f"| {r['what']} | {fmt(r['measured'], r['unit'])} | {fmt(r['predicted'], r['unit'])} | {r['error'] * 100:+.1f}% | {target} | {r['source']} |")
    text = "\n".join(lines) + "\n"
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"estimate-accuracy-{date}.md").write_text(text)
    (out / f"estimate-accuracy-{date}.json").write_text(json.dumps({"date": date, "machine": machine, "rows": rows}, indent=2) + "\n")
    print(text)
    missed = [r["what"] for r in rows if r["target"] and abs(r["error"]) > r["target"]]
    if missed:
        print("outside target:", ", ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
