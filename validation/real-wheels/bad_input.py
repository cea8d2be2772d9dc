"""Damaged real environments: doctor's verdict beside the framework's own import, for each way a
wheel's files can be broken. Never a wrong "yes"; every damaged file named.

    python3 bad_input.py CACHE GPUWISE OUT

Each case copies one environment of CACHE/envs (hard links; a file changed is unlinked first, so
the cache is never written), breaks it, runs the framework's own check (own_answer.py) and doctor
against the H200 recorded with driver 580 (validation/h200), applies doctor's fix in a further
copy, and writes OUT/bad-input.json and OUT/bad-input.txt.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matrix

SITE = "lib/python3.11/site-packages"


def replace(path, data):
    os.unlink(path)
    path.write_bytes(data)


def truncate_torch_library(env, cache):
    lib = env / SITE / "torch/lib/libtorch_cuda.so"
    replace(lib, lib.read_bytes()[:100_000])
    return "torch", "libtorch_cuda.so cut to its first 100 kB"


def cut_tensorflow_build_info(env, cache):
    info = env / SITE / "tensorflow/python/platform/build_info.py"
    replace(info, info.read_bytes()[:200])
    return "tensorflow", "build_info.py cut to its first 200 bytes"


def garble_cupy_metadata(env, cache):
    metadata = next((env / SITE).glob("cupy_cuda12x-*.dist-info")) / "METADATA"
    replace(metadata, b"\xff\xfe\x00 not metadata")
    return "cupy", "cupy-cuda12x's METADATA replaced by bytes that are not UTF-8"


def half_apply_extra(env, cache):
    subprocess.run([str(cache / "uv/bin/uv"), "pip", "uninstall", "nvidia-cuda-runtime-cu12"], check=True,
                   capture_output=True, env={**os.environ, "VIRTUAL_ENV": str(env)})
    return "numba", "numba-cuda[cu12] with nvidia-cuda-runtime-cu12 uninstalled (the extra half there)"


CASES = [("torch", truncate_torch_library), ("tensorflow-and-cuda", cut_tensorflow_build_info),
         ("cupy-cuda12x", garble_cupy_metadata), ("numba-cuda-cu12", half_apply_extra)]


def main():
    cache, gpuwise, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    h200 = matrix.machines()["h200-580-recorded"]
    records = []
    for name, damage in CASES:
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            env = Path(tmp) / name
            shutil.copytree(cache / "envs" / name, env, symlinks=True, copy_function=os.link)
            framework, what = damage(env, cache)
            own = matrix.run([str(env / "bin/python"), str(matrix.HERE / "own_answer.py"), framework])
            answer = json.loads(own.stdout) if own.stdout.strip() else {"imports": False, "import_error": f"exit status {own.returncode}"}
            report_path = Path(tmp) / "report.json"
            fw, fix = matrix.doctor(gpuwise, env / "bin/python", h200, report_path)
            report = json.loads(report_path.read_text())
            named = [f"{x['code']}: {x['detail']}" for x in report["findings"] if x["code"] == "GW802"]
            after = matrix.apply_fix(cache, env, fix, framework, gpuwise, {"h200": h200}, Path(tmp)) if fix else {}
            fixed = (f"imports={after.get('imports_after')}, doctor {after['after']['h200']['doctor']}"
                     if after.get("applied") else after.get("why"))
            records.append({"env": name, "damage": what, "imports": answer.get("imports"),
                            "import_error": answer.get("import_error"), "own_gpu": answer.get("gpu"),
                            "doctor": fw and fw["outcome"], "because": fw and fw["because"], "fix": fix,
                            "named": [n.replace(tmp, "ENV") for n in named], "after_fix": fixed})
    (out / "bad-input.json").write_text(json.dumps(records, indent=1))
    lines = []
    for r in records:
        lines.append(f"{r['env']}: {r['damage']}\n  own import: {r['imports']} ({r['import_error']})\n"
                     f"  doctor: {r['doctor'] or 'no verdict (framework not listed)'} {r['because'] or ''}; fix: {r['fix']}\n"
                     f"  the fix applied in a copy: {r['after_fix']}\n"
                     + "".join(f"  names: {n}\n" for n in r["named"]))
    (out / "bad-input.txt").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
