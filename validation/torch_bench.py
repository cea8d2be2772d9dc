#!/usr/bin/env python3
"""Times torch on the shapes `gpuwise bench` measured, in the same run, and compares.

Usage: validation/torch_bench.py BENCH_JSON GPUWISE OUT_DIR

Reads gpuwise's bench JSON, times torch.matmul on every matmul shape and dtype it measured on the
GPU (f32 with TF32 off, tf32 with it on, f16, bf16, f64), pinned host-to-device and device-to-host
copies and device-to-device copies of every size, with CUDA events around each call after a
warm-up (median of at least 7 runs and 0.5 s, inputs rotated through copies while they fit in
L2). Then, for every GPU result, asks `gpuwise estimate --profile` (the profile `bench
--calibrate` wrote beside the JSON, if any) for the same case. Writes torch.json and
bench_vs_torch.json to OUT_DIR and prints a table. Targets (issue 5): GEMM, pinned copies and
device copies within 5% of torch; calibrated estimate's median error under 10% (bench's own
leave-one-out error; the on-grid error here only checks that `estimate --profile` reproduces the
measurements it was built from).
"""
import json, statistics, subprocess, sys
from pathlib import Path

import torch

L2_ROTATE_BYTES = 128 << 20


def timed(run, sets):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for i in range(2):
        run(sets[i % len(sets)])
    torch.cuda.synchronize()
    samples = []
    while len(samples) < 7 or (sum(samples) < 0.5 and len(samples) < 500):
        s = sets[len(samples) % len(sets)]
        start.record(); run(s); end.record(); end.synchronize()
        samples.append(start.elapsed_time(end) / 1e3)
    return statistics.median(samples)


def copies(make, bytes_each):
    return [make() for _ in range(max(1, min(64, -(-L2_ROTATE_BYTES // max(bytes_each, 1)))))]


def matmul(m, n, k, dtype):
    torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    tdt = {"f64": torch.float64, "f32": torch.float32, "tf32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[dtype]
    size = tdt.itemsize if hasattr(tdt, "itemsize") else torch.tensor([], dtype=tdt).element_size()
    sets = copies(lambda: (torch.rand(m, k, device="cuda", dtype=tdt) * 2 - 1, torch.rand(k, n, device="cuda", dtype=tdt) * 2 - 1),
                  (m * k + k * n) * size)
    return timed(lambda ab: torch.matmul(*ab), sets)


def copy(direction, nbytes):
    if direction == "d2d":
        sets = copies(lambda: (torch.empty(nbytes, dtype=torch.uint8, device="cuda").random_(), torch.empty(nbytes, dtype=torch.uint8, device="cuda")), nbytes)
        return timed(lambda s: s[1].copy_(s[0]), sets)
    host = lambda: torch.empty(nbytes, dtype=torch.uint8, pin_memory=True).random_()
    if direction == "h2d":
        sets = copies(lambda: (host(), torch.empty(nbytes, dtype=torch.uint8, device="cuda")), nbytes)
    else:
        sets = copies(lambda: (torch.empty(nbytes, dtype=torch.uint8, device="cuda").random_(), host()), nbytes)
    return timed(lambda s: s[1].copy_(s[0], non_blocking=True), sets)


def estimate(gpuwise, profile, r):
    args = [gpuwise, "estimate", "--op", r["op"], "--shape", ",".join(map(str, r["shape"])), "--dtype", r["dtype"],
            "--resident", "--json", "--profile", str(profile)]
    if r["op"] == "fft":
        args += ["--batch", str(r["batch"])]
    if r["op"] == "conv2d":
        args += ["--padding", "1"]
    run = subprocess.run(args, capture_output=True, text=True)
    return json.loads(run.stdout)["gpu"]["compute_seconds"] if run.returncode == 0 else None


def main():
    bench_json, gpuwise, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    report = json.loads(bench_json.read_text())
    profile = bench_json.with_name("profile.json")
    overhead = next((r["seconds"] for r in report["results"] if r["op"] == "launch" and r.get("variant") == "synchronized"), 0.0)
    rows = []
    for r in report["results"]:
        if r["backend"] != "cuda":
            continue
        torch_seconds, target = None, None
        if r["op"] == "matmul":
            torch_seconds, target = matmul(*r["shape"], r["dtype"]), 0.05
        elif r["op"] in ("h2d", "d2h") and r.get("variant") == "pinned" or r["op"] == "d2d":
            torch_seconds, target = copy(r["op"], r["shape"][0]), 0.05
        row = dict(op=r["op"], shape=r["shape"], batch=r["batch"], dtype=r["dtype"], variant=r.get("variant"),
                   gpuwise_seconds=r["seconds"], torch_seconds=torch_seconds)
        if torch_seconds:
            # Above 1: gpuwise slower than torch. Within target when gpuwise is at most 5% slower.
            row["ratio"] = r["seconds"] / torch_seconds
            row["met"] = row["ratio"] <= 1 + target
        if profile.exists() and r["flops"] > 0:
            predicted = estimate(gpuwise, profile, r)
            if predicted:
                # The estimate is what the host waits (launch and synchronisation included);
                # bench's time is the device's, between CUDA events.
                row["calibrated_estimate_seconds"] = predicted
                row["calibrated_error"] = predicted / (r["seconds"] + overhead) - 1
        rows.append(row)
    errors = sorted(abs(r["calibrated_error"]) for r in rows if "calibrated_error" in r)
    summary = dict(
        torch=torch.__version__, device=torch.cuda.get_device_name(0),
        compared=sum(1 for r in rows if "ratio" in r), met=sum(1 for r in rows if r.get("met")),
        # On the grid the profile was built from: checks that estimate --profile reproduces the
        # measurements (plumbing). The estimator's real error between sizes is the leave-one-out.
        calibrated_median_error_on_grid=errors[len(errors) // 2] if errors else None,
        leave_one_out=report.get("calibration_error"),
    )
    (out / "bench_vs_torch.json").write_text(json.dumps(dict(summary=summary, rows=rows), indent=2) + "\n")
    print(f"{'op':6} {'shape':>18} {'dtype':5} {'variant':8} {'gpuwise':>11} {'torch':>11} {'ratio':>6} met")
    for r in rows:
        if "ratio" in r:
            print(f"{r['op']:6} {'x'.join(map(str, r['shape'])):>18} {r['dtype']:5} {r['variant'] or '':8} "
                  f"{r['gpuwise_seconds'] * 1e6:9.1f}us {r['torch_seconds'] * 1e6:9.1f}us {r['ratio']:6.3f} {'yes' if r['met'] else 'NO'}")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
