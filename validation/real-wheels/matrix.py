"""The real-wheel matrix: doctor's verdict on every (real environment x machine) pair beside the
truth derived from the framework's own answers, and every fix doctor prints applied in a copy.

    python3 matrix.py CACHE GPUWISE OUT

CACHE holds envs/ from build-envs.sh and uv/ (the uv it installed). GPUWISE is the binary. OUT
receives own/ (each framework's own answer here), doctor/ (each report), fixes/ (each fix
applied in a copy, with the framework's answer and doctor's verdict afterwards), matrix.json
and summary.txt. No pair is judged by gpuwise's own rules: the truth uses what the framework
itself reports on this machine and its published requirements (each rule below cites them).
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# Minimum driver of each CUDA major under minor-version compatibility (NVIDIA CUDA compatibility
# guide; data/cuda_drivers.json).
FAMILY_MIN = {11: (450, 80, 2), 12: (525, 60, 13), 13: (580, 65, 6)}


def version(text):
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def machines():
    """Recorded machines, and three derived from the H100 record by changing only the driver and
    the GPU model (labelled so: they stand for the issue's V100/580, RTX 5090/575 and H100/580)."""
    found = {p.stem: json.loads(p.read_text()) for p in sorted((REPO / "fixtures/systems").glob("*.json"))}
    found["h200-580-recorded"] = json.loads((REPO / "validation/h200/2026-11-30/doctor.json").read_text())
    base = found["h100-sxm"]
    for name, driver, cuda, gpu, cc in [
        ("derived-h100-580", "580.95.05", "13.0", "NVIDIA H100 80GB HBM3", "9.0"),
        ("derived-v100-580", "580.95.05", "13.0", "Tesla V100-SXM2-32GB", "7.0"),
        ("derived-rtx5090-575", "575.57.08", "12.9", "NVIDIA GeForce RTX 5090", "12.0"),
    ]:
        snap = json.loads(json.dumps(base))
        system = snap.get("system", snap)
        system["driver"]["version"], system["driver"]["cuda_version"] = driver, cuda
        if system["driver"].get("kernel_module_version"):
            system["driver"]["kernel_module_version"] = driver
        for device in system["devices"]:
            device["name"], device["compute_capability"] = gpu, cc
        system["provenance"] = {"method": f"derived from fixtures/systems/h100-sxm.json: driver {driver} (CUDA {cuda}), GPU {gpu} (CC {cc})",
                                "machine": name, "date": "2026-11-30", "source": None}
        found[name] = snap
    return found


def system_of(snapshot):
    return snapshot.get("system", snapshot)


def truth(own, machine):
    """The expected outcome and why, from the framework's own answer here and the machine."""
    if not own["imports"]:
        return "import_fails", f"its import fails here: {own['import_error']}"
    cuda = own["cuda"]
    if not cuda:
        return "cpu", "its own build info: not a CUDA build"
    libs = own.get("gpu_libraries")
    if libs and libs != "found":
        return "cpu", f"by its own loader: {libs}"
    system = system_of(machine)
    devices = system.get("devices") or []
    if not devices:
        return "cpu", "the machine has no NVIDIA GPU"
    major = 12 if cuda == "any" else int(cuda.split(".")[0])
    driver = system.get("driver") or {}
    driver_cuda = version(driver.get("cuda_version") or "0")
    if driver_cuda[:1] < (major,) or version(driver.get("version", "0")) < FAMILY_MIN.get(major, (0,)):
        return "cpu", f"a CUDA {major} build needs driver >= {'.'.join(map(str, FAMILY_MIN[major]))} (driver {driver.get('version')})"
    cc = version(devices[0].get("compute_capability") or "0")
    arches = own.get("architectures")
    if own["framework"] == "torch" and arches is not None:
        ok = any(a.startswith("sm_") and version(a[3:-1] + "." + a[-1]) [:1] == cc[:1] and version(a[3:-1] + "." + a[-1]) <= cc for a in arches)
        if not ok:
            return "cpu", f"torch.cuda.get_arch_list() = {arches} has no code for compute capability {cc}"
    if own["framework"] == "tensorflow" and cc >= (10, 0):
        return "cpu", "TF 2.20/2.21 fail on sm_120 (tensorflow issues 99592, 111958: XLA's PTX 8.5 cannot target it)"
    if own["framework"] in ("jax", "cupy", "numba") and major >= 13 and cc < (7, 5):
        return "cpu", "CUDA 13 builds need compute capability 7.5 or newer"
    return "gpu", "its build, libraries, driver and GPU agree"


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kw)


def doctor(gpuwise, python, snapshot, out):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(snapshot, f)
    result = run([gpuwise, "doctor", "--json", "--python", str(python), "--system", f.name])
    os.unlink(f.name)
    out.write_text(result.stdout)
    report = json.loads(result.stdout)
    for env in report["environments"]:
        if env["interpreter"] == str(python):
            for fw in env["frameworks"]:
                deciding = [x for x in report["findings"] if x["code"] in fw["because"] and x["severity"] == "error"
                            and (x["subject"].startswith(f"{fw['name']} ") or x["subject"] == env["interpreter"])]
                return fw, (deciding[0]["fix"] if deciding else None)
    return None, None


def apply_fix(cache, env, fix, framework, gpuwise, machines, out):
    """Applies `fix` (pip commands joined by &&) in a copy of `env` with uv's pip, then asks the
    framework again here, and doctor on each of `machines` (name -> snapshot: those that printed
    the fix), beside the truth the framework's new answer gives there."""
    # "upgrade the driver to ..., or: pip ...": the part a user can apply without root.
    command = fix.split("or: ", 1)[1] if "or: " in fix else fix
    if "toolkit whose libraries are on the library path" in command:
        return {"applied": False, "why": "it needs a CUDA toolkit installed on the system, beyond pip"}
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        copy = Path(tmp) / env.name
        shutil.copytree(env, copy, symlinks=True, copy_function=os.link)
        log = []
        for step in command.split("&&"):
            if not step.strip().startswith("pip "):
                return {"applied": False, "why": f"not a pip command: {step.strip()}"}
            words = shlex.split(step)
            args = words[1:]
            if args[0] == "uninstall":
                args = [a for a in args if a != "-y"]
            result = run([str(cache / "uv/bin/uv"), "pip", *args], env={**os.environ, "VIRTUAL_ENV": str(copy), "UV_CACHE_DIR": str(cache / "uv-cache")})
            log.append({"step": step.strip(), "rc": result.returncode, "stderr": result.stderr[-1500:]})
            if result.returncode != 0:
                why = ("its index is unreachable from this machine" if "download.pytorch.org" in step
                       else "the command failed")
                return {"applied": False, "why": why, "log": log}
        own = json.loads(run([str(copy / "bin/python"), str(HERE / "own_answer.py"), framework]).stdout or "{}")
        after = {}
        for name, snapshot in machines.items():
            fw, _ = doctor(gpuwise, copy / "bin/python", snapshot, out / f"{env.name}@{name}.json")
            after[name] = {"doctor": fw and fw["outcome"], "truth": truth(own, snapshot)[0] if own else None}
        return {"applied": True, "log": log, "imports_after": own.get("imports"), "own_after": own, "after": after}


def main():
    cache, gpuwise, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve()
    for sub in ("own", "doctor", "fixes"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    envs = sorted(p for p in (cache / "envs").iterdir() if (p / ".complete").exists())
    snaps = machines()
    rows, printed = [], {}
    for env in envs:
        framework = "tensorflow" if env.name.startswith("tensorflow") else env.name.split("-")[0]
        own = json.loads(run([str(env / "bin/python"), str(HERE / "own_answer.py"), framework]).stdout)
        (out / "own" / f"{env.name}.json").write_text(json.dumps(own, indent=1))
        for name, snap in snaps.items():
            fw, fix = doctor(gpuwise, env / "bin/python", snap, out / "doctor" / f"{env.name}@{name}.json")
            want, why = truth(own, snap)
            row = {"env": env.name, "machine": name, "doctor": fw["outcome"], "because": fw["because"],
                   "truth": want, "why": why, "fix": fix, "agrees": fw["outcome"] == want}
            if fix and fw["outcome"] != "gpu":
                printed.setdefault((env, framework, fix), {})[name] = snap
            rows.append(row)
            print(f"{env.name:22} {name:22} doctor={fw['outcome']:12} truth={want:12} {'ok' if row['agrees'] else 'DIFFERS'}", flush=True)
    # Each distinct fix is applied once, and judged on every machine that printed it.
    fixes = {}
    for (env, framework, fix), where in printed.items():
        fixes[(env.name, fix)] = apply_fix(cache, env, fix, framework, gpuwise, where, out / "fixes")
    for row in rows:
        if (row["env"], row["fix"]) in fixes:
            result = fixes[(row["env"], row["fix"])]
            row["fix_result"] = {k: v for k, v in result.items() if k != "after"}
            row["fix_result"].update((result.get("after") or {}).get(row["machine"], {}))
    (out / "matrix.json").write_text(json.dumps(rows, indent=1))
    agree = sum(r["agrees"] for r in rows)
    tried = [r for r in rows if "fix_result" in r]
    lines = [f"verdicts agreeing with the truth: {agree} of {len(rows)}",
             f"pairs with a fix: {len(tried)}; distinct fixes applied in copies: {len(fixes)}"]
    for (env, fix), result in sorted(fixes.items()):
        if result["applied"]:
            status = f"imports={result.get('imports_after')}; afterwards, doctor / truth: " + ", ".join(
                f"{m} {a['doctor']}/{a['truth']}" for m, a in sorted(result["after"].items()))
        else:
            status = f"not applied: {result['why']}"
        lines.append(f"  {env}: {fix}\n      -> {status}")
    lines += [f"DIFFERS {r['env']} @ {r['machine']}: doctor {r['doctor']} {r['because']}, truth {r['truth']} ({r['why']})"
              for r in rows if not r["agrees"]]
    (out / "summary.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
