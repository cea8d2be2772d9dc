#!/usr/bin/env python3
"""Times `gpuwise doctor` beside nvidia-smi and numba's own GPU check, in one run.

Usage: benches/doctor.py [--runs N] [--out DIR]
Builds the release binary, installs numba into target/bench-venv (once), runs each command
N times (after one warm-up run each), and writes a Markdown and a JSON record to DIR
(default benches/results). Wall-clock per run is measured around the whole process.
"""
import argparse, datetime, json, os, platform, shutil, statistics, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def venv_python():
    venv = ROOT / "target" / "bench-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(python), "-m", "pip", "install", "--quiet", "numba"])
    return str(python)


def time_command(cmd, runs):
    subprocess.run(cmd, cwd=ROOT, capture_output=True)  # warm-up: page cache, dynamic loader
    samples, status = [], None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True)
        samples.append(time.perf_counter() - start)
        status = done.returncode
    return {
        "command": " ".join(cmd),
        "runs": runs,
        "median_ms": statistics.median(samples) * 1e3,
        "min_ms": min(samples) * 1e3,
        "max_ms": max(samples) * 1e3,
        "exit_status": status,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "benches" / "results"))
    args = parser.parse_args()

    run(["cargo", "build", "--release", "--locked", "--quiet", "-p", "gpuwise"])
    gpuwise = str(ROOT / "target" / "release" / "gpuwise")
    commands = {
        "gpuwise doctor": [gpuwise, "doctor"],
        "gpuwise doctor --json": [gpuwise, "doctor", "--json"],
        "numba cuda.is_available()": [venv_python(), "-c", "from numba import cuda; print(cuda.is_available())"],
    }
    if shutil.which("nvidia-smi"):
        commands["nvidia-smi"] = ["nvidia-smi"]
        commands["nvidia-smi -q -x"] = ["nvidia-smi", "-q", "-x"]
    results = {name: time_command(cmd, args.runs) for name, cmd in commands.items()}
    base = results["gpuwise doctor"]["median_ms"]
    for result in results.values():
        result["ratio_to_gpuwise"] = result["median_ms"] / base

    machine = f"{platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs)"
    date = datetime.date.today().isoformat()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"doctor-{date}"
    stem.with_suffix(".json").write_text(json.dumps({"date": date, "machine": machine, "results": results}, indent=2) + "\n")
    lines = [
        f"# gpuwise doctor start-up, {date}",
        "",
        f"Machine: {machine}. Command: `benches/doctor.py --runs {args.runs}`. Wall-clock per process, after one warm-up run.",
        "",
        "| command | median ms | min ms | max ms | x gpuwise | exit |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(f"| `{name}` | {r['median_ms']:.1f} | {r['min_ms']:.1f} | {r['max_ms']:.1f} | {r['ratio_to_gpuwise']:.1f} | {r['exit_status']} |")
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
