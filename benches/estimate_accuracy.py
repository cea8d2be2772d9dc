#!/usr/bin/env python3
"""Checks `gpuwise estimate` against measured figures and regenerates docs/ESTIMATE.md's tables.

Usage: benches/estimate_accuracy.py [--rounds N] [--gpu-only] [--out DIR] [--no-docs]

GPU: every published figure in benches/figures/gpu.json (matrix products, device-memory
streaming, host-device copies, FFTs; each with its source) against the estimate for the same
work on the same part (`--resident` for work on the GPU). Each figure is in the fit set (the
constants were fit to it) or the held-out set (never fit to), as the file says; errors are
summarised per group and set. CPU: numpy timed on this machine, in one run (benches/numpy_cases.py,
cases interleaved over N rounds, each case's least disturbed round kept), against the estimate's CPU time (`--cpu auto`) for every
operation estimate models. Writes estimate-accuracy-DATE.md and .json to DIR (default
benches/results) and rewrites the generated blocks of docs/ESTIMATE.md. Targets: held-out GPU
figures median error <= 10% and >= 90% within +-25% in every group; CPU within +-20% of numpy.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "ESTIMATE.md"
FIGURES = ROOT / "benches" / "figures" / "gpu.json"
TABLE = ROOT / "crates" / "gpuwise-model" / "data" / "gpus.json"
TARGET_MEDIAN, TARGET_BAND, TARGET_SHARE, CPU_TARGET = 0.10, 0.25, 0.90, 0.20

# (what, estimate arguments, numpy case): every operation estimate models that numpy computes.
CPU_CASES = [
    *[(f"matmul {dt} {n}^3", ["--op", "matmul", "--shape", f"{n},{n},{n}", "--dtype", dt],
       {"op": "matmul", "shape": [n, n, n], "dtype": np_dt})
      for n in (1000, 2000, 4000) for dt, np_dt in (("f32", "float32"), ("f64", "float64"))],
    ("dense f32 4096x1024x1024 relu", ["--op", "dense", "--shape", "4096,1024,1024", "--activation", "relu"],
     {"op": "dense", "shape": [4096, 1024, 1024], "dtype": "float32"}),
    *[(f"fft c{2 * bits} {n}", ["--op", "fft", "--shape", str(n), "--dtype", dt],
       {"op": "fft", "shape": [n], "dtype": np_dt})
      for n in (4096, 65536, 1 << 20, 1 << 22) for dt, np_dt, bits in (("f32", "float32", 32), ("f64", "float64", 64))],
    *[(f"fft2 c64 {n}x{n}", ["--op", "fft", "--shape", f"{n},{n}", "--dtype", "f32"],
       {"op": "fft", "shape": [n, n], "dtype": "float32"}) for n in (512, 1024, 2048)],
    ("rfft f32 2^20", ["--op", "fft", "--shape", str(1 << 20), "--dtype", "f32", "--real"],
     {"op": "fft", "shape": [1 << 20], "dtype": "float32", "real": True}),
    *[(f"x + y {dt} {n:.0e}", ["--op", "elementwise", "--shape", str(n), "--dtype", dt, "--inputs", "2", "--flops-per-element", "1"],
       {"op": "elementwise", "shape": [n], "dtype": np_dt, "expression": "x + y"})
      for n in (10**7, 4 * 10**7) for dt, np_dt in (("f32", "float32"), ("f64", "float64"))],
    *[(f"x * 2 + 1 {dt} {n:.0e}", ["--op", "elementwise", "--shape", str(n), "--dtype", dt, "--inputs", "1", "--flops-per-element", "2"],
       {"op": "elementwise", "shape": [n], "dtype": np_dt, "expression": "x * 2 + 1"})
      for n in (10**7, 4 * 10**7) for dt, np_dt in (("f32", "float32"), ("f64", "float64"))],
    *[(f"sum {dt} {n:.0e}", ["--op", "reduction", "--shape", str(n), "--dtype", dt],
       {"op": "reduction", "shape": [n], "dtype": np_dt})
      for n in (10**7, 4 * 10**7) for dt, np_dt in (("f32", "float32"), ("f64", "float64"))],
]


def build():
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "gpuwise"], check=True, cwd=ROOT)
    return ROOT / "target" / "release" / "gpuwise"


def estimate(binary, args):
    # The model alone: no machine profile measured by `gpuwise bench --calibrate` takes its place.
    env = {**os.environ, "GPUWISE_PROFILE": str(ROOT / "target" / "no-such-profile.json")}
    out = subprocess.run([str(binary), "estimate", "--json", *args], check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    return json.loads(out.stdout)


def predict(binary, figure):
    """The estimate's figure for `figure`'s work, in the figure's unit."""
    kind, gpu = figure["kind"], ["--gpu", figure["gpu"], "--cpu", "epyc-9654"]
    if kind == "matmul":
        m, n, k = figure["shape"]
        e = estimate(binary, ["--op", "matmul", "--shape", f"{figure.get('batch', 1)},{m},{n},{k}", "--dtype", figure["dtype"], "--resident", *gpu])
        return e["flops"] / e["gpu"]["call"]["seconds"]
    if kind == "stream":
        half = str(int(figure["bytes"] // 2))
        e = estimate(binary, ["--op", "custom", "--flops", "0", "--bytes-in", half, "--bytes-out", half, "--resident", *gpu])
        return e["work"]["device_bytes"] / e["gpu"]["call"]["seconds"]
    if kind in ("h2d", "d2h"):
        size = str(int(figure["bytes"]))
        inout = ["--bytes-in", size, "--bytes-out", "0"] if kind == "h2d" else ["--bytes-in", "0", "--bytes-out", size]
        pageable = [] if figure.get("pinned", True) else ["--pageable"]
        e = estimate(binary, ["--op", "custom", "--flops", "0", *inout, *pageable, *gpu])
        return int(size) / e["gpu"][f"{kind}_seconds"]
    if kind == "fft":
        shape = ",".join(map(str, figure["shape"]))
        e = estimate(binary, ["--op", "fft", "--shape", shape, "--batch", str(figure.get("batch", 1)), "--dtype", figure["dtype"], "--resident", *gpu])
        return e["gpu"]["call"]["seconds"]
    raise ValueError(f"unknown kind {kind}")


def group(figure, part):
    """The group a figure is judged in: by kind, and for matrix products by the part's class."""
    kind = figure["kind"]
    if kind == "matmul":
        if part["segment"] in ("laptop", "embedded") or (part.get("tdp_watts") or 1e9) <= 75:
            return "low-power matmul (laptops, modules, cards of 75 W or less)"
        if part["segment"] == "datacenter":
            return "data-center matmul"
        return "desktop matmul (GeForce, Radeon, workstation)"
    if kind == "stream":
        return "HBM streaming" if part["memory_type"].startswith("HBM") else "GDDR and LPDDR streaming"
    return {"h2d": "host-device copies", "d2h": "host-device copies", "fft": "FFT"}[kind]


def assigned_set(figure):
    """Fit or held-out: as the file says, else by the figure's hash (one in four fit)."""
    if "set" in figure:
        return figure["set"]
    key = "|".join(str(figure.get(k)) for k in ("gpu", "kind", "dtype", "shape", "bytes", "source", "where"))
    return "fit" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 4 == 0 else "held-out"


def gpu_rows(binary):
    """Every figure the file keeps, with the estimate's value; and the excluded ones."""
    table = {row["name"]: row for row in json.loads(TABLE.read_text())["rows"]}
    rows, excluded = [], []
    for figure in json.loads(FIGURES.read_text())["figures"]:
        if "excluded" in figure:
            excluded.append(figure)
            continue
        predicted = predict(binary, figure)
        rows.append({**figure, "group": group(figure, table[figure["gpu"]]), "set": assigned_set(figure),
                     "predicted": predicted, "error": predicted / figure["measured"] - 1})
    return rows, excluded


def cpu_rows(binary, rounds):
    envs = Path(subprocess.run([str(ROOT / "scripts" / "test-envs")], check=True, capture_output=True, text=True).stdout.strip())
    python = envs / "jax-cpu" / "bin" / "python"
    cases = json.dumps([case for _, _, case in CPU_CASES])
    out = subprocess.run([str(python), str(ROOT / "benches" / "numpy_cases.py"), str(rounds)], input=cases, check=True, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    if len(lines) != len(CPU_CASES):
        sys.exit(f"numpy_cases.py answered {len(lines)} of {len(CPU_CASES)} cases: {out.stderr}")
    rows = []
    for (what, args, _), line in zip(CPU_CASES, lines):
        numpy = json.loads(line)
        predicted = estimate(binary, [*args, "--gpu", "h100-sxm", "--cpu", "auto"])["cpu"]["seconds"]
        rows.append({"what": what, "measured": numpy["seconds"], "high": numpy["high"],
                     "numpy": numpy["numpy"], "predicted": predicted, "error": predicted / numpy["seconds"] - 1})
    return rows


def summary(rows):
    """Per group and set: count, median |error|, share within the band, worst figure."""
    groups = {}
    for r in rows:
        groups.setdefault((r["group"], r["set"]), []).append(r)
    out = []
    for (group, which), members in sorted(groups.items()):
        errors = [abs(r["error"]) for r in members]
        worst = max(members, key=lambda r: abs(r["error"]))
        median = statistics.median(errors)
        share = sum(e <= TARGET_BAND for e in errors) / len(errors)
        out.append({"group": group, "set": which, "count": len(members), "median": median, "within": share,
                    "worst": worst, "met": which == "fit" or (median <= TARGET_MEDIAN and share >= TARGET_SHARE)})
    return out


def value(v, unit):
    scale = {"FLOP/s": (1e12, "TFLOP/s"), "B/s": (1e9, "GB/s"), "s": (1e-3, "ms")}[unit]
    return f"{v / scale[0]:.4g} {scale[1]}"


def describe(r):
    shape = "x".join(map(str, r["shape"])) if r.get("shape") else f"{r['bytes'] / 2**20:.0f} MiB"
    batch = f" x{r['batch']}" if r.get("batch", 1) > 1 else ""
    return f"{r['gpu']} {r['kind']} {r.get('dtype', '')} {shape}{batch}".replace("  ", " ")


def tables(gpu, excluded, cpu, machine):
    """The generated blocks of docs/ESTIMATE.md, by name."""
    blocks = {}
    lines = ["| group | set | figures | median error | within ±25% | worst | target met |", "|---|---|---|---|---|---|---|"]
    for s in summary(gpu):
        w = s["worst"]
        worst = f"{w['error'] * 100:+.0f}% ({describe(w)})"
        met = "fit" if s["set"] == "fit" else ("yes" if s["met"] else "**no**")
        lines.append(f"| {s['group']} | {s['set']} | {s['count']} | {s['median'] * 100:.1f}% | {s['within'] * 100:.0f}% | {worst} | {met} |")
    blocks["gpu-summary"] = "\n".join(lines)
    lines = ["| group | figure | measured | predicted | error | source |", "|---|---|---|---|---|---|"]
    misses = [r for r in gpu if r["set"] == "held-out" and abs(r["error"]) > TARGET_BAND]
    for r in sorted(misses, key=lambda r: (r["group"], -abs(r["error"]))):
        lines.append(f"| {r['group']} | {describe(r)} | {value(r['measured'], r['unit'])} | "
                     f"{value(r['predicted'], r['unit'])} | {r['error'] * 100:+.1f}% | [{r['framework']}]({r['source']}) |")
    blocks["gpu-misses"] = "\n".join(lines)
    lines = ["| set | group | figure | measured | predicted | error | source |", "|---|---|---|---|---|---|---|"]
    for r in sorted(gpu, key=lambda r: (r["set"], r["group"], r["gpu"], r["kind"])):
        lines.append(f"| {r['set']} | {r['group']} | {describe(r)} | {value(r['measured'], r['unit'])} | "
                     f"{value(r['predicted'], r['unit'])} | {r['error'] * 100:+.1f}% | [{r['framework']}]({r['source']}) |")
    blocks["gpu-figures"] = "\n".join(lines)
    lines = ["| figure | why left out | source |", "|---|---|---|"]
    for r in excluded:
        lines.append(f"| {describe(r)} | {r['excluded']} | [{r['framework']}]({r['source']}) |")
    blocks["gpu-excluded"] = "\n".join(lines)
    lines = [f"Measured on {machine}, numpy {cpu[0]['numpy'] if cpu else '?'}.", "",
             "| operation | numpy (least disturbed round; slowest round) | estimate | error | within ±20% |", "|---|---|---|---|---|"]
    for r in cpu:
        ok = "yes" if abs(r["error"]) <= CPU_TARGET else "**no**"
        lines.append(f"| {r['what']} | {r['measured'] * 1e3:.3g} ms ({r['high'] * 1e3:.3g} ms) | "
                     f"{r['predicted'] * 1e3:.3g} ms | {r['error'] * 100:+.1f}% | {ok} |")
    blocks["cpu"] = "\n".join(lines)
    return blocks


def rewrite_docs(blocks):
    text = DOCS.read_text()
    for name, block in blocks.items():
        begin, end = f"<!-- BEGIN generated: {name} -->", f"<!-- END generated: {name} -->"
        if begin not in text or end not in text:
            sys.exit(f"{DOCS} has no generated block '{name}'")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{block}\n{end}{tail}"
    DOCS.write_text(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gpu-only", action="store_true", help="skip timing numpy")
    parser.add_argument("--no-docs", action="store_true", help="leave docs/ESTIMATE.md as it is")
    parser.add_argument("--out", default=str(ROOT / "benches" / "results"))
    opts = parser.parse_args()
    binary = build()
    gpu, excluded = gpu_rows(binary)
    cpu = [] if opts.gpu_only else cpu_rows(binary, opts.rounds)
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    blocks = tables(gpu, excluded, cpu, machine)
    if not opts.no_docs:
        if opts.gpu_only:
            blocks.pop("cpu")
        rewrite_docs(blocks)
    date = datetime.date.today().isoformat()
    text = "\n\n".join(f"## {name}\n\n{block}" for name, block in blocks.items())
    head = f"# gpuwise estimate against measured figures ({date})\n\nCommand: `benches/estimate_accuracy.py --rounds {opts.rounds}{' --gpu-only' if opts.gpu_only else ''}` on {machine}.\n\n"
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"estimate-accuracy-{date}.md").write_text(head + text + "\n")
    (out / f"estimate-accuracy-{date}.json").write_text(json.dumps({"date": date, "machine": machine, "gpu": gpu, "cpu": cpu}, indent=1) + "\n")
    print(blocks["gpu-summary"])
    if "cpu" in blocks:
        print(blocks["cpu"])
    missed = [f"{s['group']} ({s['set']})" for s in summary(gpu) if not s["met"]]
    missed += [r["what"] for r in cpu if abs(r["error"]) > CPU_TARGET]
    if missed:
        print("outside target:", ", ".join(missed))


if __name__ == "__main__":
    main()
