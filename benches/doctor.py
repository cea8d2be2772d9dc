#!/usr/bin/env python3
"""Times `gpuwise doctor` beside nvidia-smi and the frameworks' own GPU checks, in one run.

Usage: benches/doctor.py [--runs N] [--out DIR]
Builds the release binary and the test environments (scripts/test-envs: jax + jaxlib, numba),
writes five Jupyter kernelspecs into a scratch JUPYTER_PATH (three for those environments and a
plain venv, one with CUDA_VISIBLE_DEVICES="" in its env, one running the system python3), runs
each command N times (after one warm-up run each), and writes a Markdown and a JSON record to
DIR (default benches/results). Wall-clock per run is measured around the whole process.
"""
import argparse, datetime, json, os, platform, shutil, statistics, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def test_envs():
    """The real environments the tests use: {name: python}, plus a plain venv."""
    root = Path(subprocess.run([str(ROOT / "scripts" / "test-envs")], check=True, capture_output=True, text=True).stdout.strip())
    plain = ROOT / "target" / "bench-plain-venv"
    if not (plain / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", "--without-pip", str(plain)])
    return {"jax-cpu": root / "jax-cpu" / "bin" / "python", "numba": root / "numba" / "bin" / "python",
            "plain": plain / "bin" / "python"}


def kernelspecs(envs):
    """A scratch JUPYTER_PATH with five kernels; returns its directory."""
    path = ROOT / "target" / "bench-jupyter"
    specs = {name: {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": f"Python 3 ({name})", "language": "python"} for name, python in envs.items()}
    specs["hidden-gpu"] = dict(specs["jax-cpu"], display_name="Python 3 (no GPU)", env={"CUDA_VISIBLE_DEVICES": ""})
    specs["system"] = {"argv": ["python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                       "display_name": "Python 3 (system)", "language": "python"}
    for name, spec in specs.items():
        (path / "kernels" / name).mkdir(parents=True, exist_ok=True)
        (path / "kernels" / name / "kernel.json").write_text(json.dumps(spec))
    return path


def time_command(cmd, runs, env=None):
    env = dict(os.environ, **(env or {}))
    subprocess.run(cmd, cwd=ROOT, capture_output=True, env=env)  # warm-up: page cache, dynamic loader
    samples, status = [], None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, env=env)
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
    envs = test_envs()
    jupyter = {"JUPYTER_PATH": str(kernelspecs(envs)), "JUPYTER_DATA_DIR": str(ROOT / "target" / "bench-jupyter-none")}
    pythons = [arg for python in envs.values() for arg in ("--python", str(python))]
    commands = {
        "gpuwise doctor --no-envs": ([gpuwise, "doctor", "--no-envs"], None),
        "gpuwise doctor (shell python3 + 3 envs + 5 kernels)": ([gpuwise, "doctor", *pythons], jupyter),
        "gpuwise doctor --json (same)": ([gpuwise, "doctor", "--json", *pythons], jupyter),
        "jax: print(jax.devices())": ([str(envs["jax-cpu"]), "-c", "import jax; print(jax.devices())"], None),
        "numba: cuda.is_available()": ([str(envs["numba"]), "-c", "from numba import cuda; print(cuda.is_available())"], None),
    }
    if shutil.which("nvidia-smi"):
        commands["nvidia-smi"] = (["nvidia-smi"], None)
        commands["nvidia-smi -q -x"] = (["nvidia-smi", "-q", "-x"], None)
    results = {name: time_command(cmd, args.runs, env) for name, (cmd, env) in commands.items()}
    base = results["gpuwise doctor (shell python3 + 3 envs + 5 kernels)"]["median_ms"]
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
        "| command | median ms | min ms | max ms | x gpuwise doctor with envs | exit |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(f"| `{name}` | {r['median_ms']:.1f} | {r['min_ms']:.1f} | {r['max_ms']:.1f} | {r['ratio_to_gpuwise']:.1f} | {r['exit_status']} |")
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
