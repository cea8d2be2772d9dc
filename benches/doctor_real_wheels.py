#!/usr/bin/env python3
"""Times `gpuwise doctor` over the real-wheel environments at once, over each alone, and beside
each framework's own GPU check in the same environments, in one run.

Usage: benches/doctor_real_wheels.py CACHE [--runs N] [--out DIR]
CACHE is the directory validation/real-wheels/build-envs.sh filled (CACHE/envs/NAME/bin/python).
Records Markdown and JSON in DIR (default benches/results). Targets (issue 14): all environments
at once within 1.5x of one alone, and at least 10x faster than the slowest framework's own check.
"""
import argparse, datetime, json, os, platform, statistics, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from doctor import ROOT, run, time_command  # noqa: E402

# Each framework's own answer to "is there a GPU for me", as its documentation gives it.
OWN_CHECKS = {
    "torch": "import torch; print(torch.cuda.is_available())",
    "tensorflow": "import tensorflow as tf; print(tf.config.list_physical_devices('GPU'))",
    "jax": "import jax; print(jax.devices())",
    "cupy": "import cupy; print(cupy.cuda.is_available())",
    "numba": "from numba import cuda; print(cuda.is_available())",
}


def framework(env):
    return "tensorflow" if env.startswith("tensorflow") else env.split("-")[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "benches" / "results"))
    args = parser.parse_args()

    run(["cargo", "build", "--release", "--locked", "--quiet", "-p", "gpuwise"])
    gpuwise = str(ROOT / "target" / "release" / "gpuwise")
    envs = {p.name: p / "bin" / "python" for p in sorted((Path(args.cache) / "envs").iterdir()) if (p / ".complete").exists()}
    everything = [arg for python in envs.values() for arg in ("--python", str(python))]
    results = {"doctor, all environments": time_command([gpuwise, "doctor", "--json", *everything], args.runs)}
    for name, python in envs.items():
        results[f"doctor, {name} alone"] = time_command([gpuwise, "doctor", "--json", "--python", str(python)], args.runs)
    for name, python in envs.items():
        results[f"own check, {name}"] = time_command([str(python), "-c", OWN_CHECKS[framework(name)]], args.runs)

    alone = [r["median_ms"] for n, r in results.items() if n.endswith(" alone")]
    own = {n: r["median_ms"] for n, r in results.items() if n.startswith("own check")}
    slowest = max(own, key=own.get)
    whole = results["doctor, all environments"]["median_ms"]
    summary = {
        "all_over_median_alone": whole / statistics.median(alone),
        "all_over_slowest_alone": whole / max(alone),
        "slowest_own_check": slowest,
        "slowest_own_over_all": own[slowest] / whole,
    }
    machine = f"{platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs)"
    date = datetime.date.today().isoformat()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"doctor-real-wheels-{date}"
    record = {"date": date, "machine": machine, "environments": len(envs), "summary": summary, "results": results}
    stem.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n")
    lines = [
        f"# gpuwise doctor over {len(envs)} real-wheel environments, {date}",
        "",
        f"Machine: {machine}. Command: `benches/doctor_real_wheels.py CACHE --runs {args.runs}`. "
        "Wall-clock per process, after one warm-up run.",
        "",
        f"- all at once / median alone: {summary['all_over_median_alone']:.2f}x "
        f"(/ slowest alone: {summary['all_over_slowest_alone']:.2f}x; target <= 1.5x)",
        f"- slowest own check ({slowest}) / doctor over all: {summary['slowest_own_over_all']:.1f}x (target >= 10x)",
        "",
        "| command | median ms | min ms | max ms | exit |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {n} | {r['median_ms']:.1f} | {r['min_ms']:.1f} | {r['max_ms']:.1f} | {r['exit_status']} |" for n, r in results.items()]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
