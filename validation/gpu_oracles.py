#!/usr/bin/env python3
"""Compares gpuwise doctor with the CUDA driver and the frameworks on a GPU machine.

Usage: gpu_oracles.py PATH/TO/gpuwise OUT_DIR   (OUT_DIR already holds doctor.json)
Writes visibility.json (doctor, libcuda and torch per CUDA_VISIBLE_DEVICES case), oracles.json, timings.json and summary.txt into OUT_DIR.
"""
import json, os, statistics, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

GPUWISE, OUT = sys.argv[1], sys.argv[2]

# Enumerates devices through libcuda itself: the ground truth for CUDA_VISIBLE_DEVICES.
CUDA_ORACLE = r"""
import ctypes, json
cuda = ctypes.CDLL("libcuda.so.1")
result = {"init": cuda.cuInit(0), "uuids": []}
count = ctypes.c_int(0)
if result["init"] == 0 and cuda.cuDeviceGetCount(ctypes.byref(count)) == 0:
    get_uuid = getattr(cuda, "cuDeviceGetUuid_v2", cuda.cuDeviceGetUuid)
    for ordinal in range(count.value):
        device = ctypes.c_int(0)
        cuda.cuDeviceGet(ctypes.byref(device), ordinal)
        raw = (ctypes.c_ubyte * 16)()
        get_uuid(raw, device)
        h = bytes(raw).hex()
        result["uuids"].append(f"GPU-{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}")
print(json.dumps(result))
"""

# torch's own enumeration under the same variables (its UUIDs in nvidia-smi's form).
TORCH_ORACLE = r"""
import json, torch
n = torch.cuda.device_count()
ids = [str(torch.cuda.get_device_properties(i).uuid) for i in range(n)]
print(json.dumps({"uuids": [u if u.startswith(("GPU-", "MIG-")) else "GPU-" + u for u in ids]}))
"""

CU_INIT = "import ctypes; ctypes.CDLL('libcuda.so.1').cuInit(0)"
NVML_INIT = ("import ctypes; n = ctypes.CDLL('libnvidia-ml.so.1'); n.nvmlInit_v2(); h = ctypes.c_void_p(); "
             "n.nvmlDeviceGetHandleByIndex_v2(0, ctypes.byref(h)); b = ctypes.create_string_buffer(96); "
             "n.nvmlDeviceGetName(h, b, 96); n.nvmlShutdown()")

# Numba's is_available() answers before any kernel is compiled: the oracle also runs one.
NUMBA_ORACLE = r"""
import json
import numpy as np
from numba import cuda
result = {"is_available": cuda.is_available()}
result["count"] = len(cuda.gpus) if result["is_available"] else 0
try:
    @cuda.jit
    def double(x):
        i = cuda.grid(1)
        if i < x.size:
            x[i] *= 2
    x = cuda.to_device(np.arange(256, dtype=np.float32))
    double[1, 256](x)
    result["kernel_ran"] = bool((x.copy_to_host() == 2 * np.arange(256, dtype=np.float32)).all())
except Exception as exc:
    result["kernel_ran"], result["kernel_error"] = False, f"{type(exc).__name__}: {exc}"
result["available"] = result["is_available"] and result["kernel_ran"]
print(json.dumps(result))
"""

FRAMEWORKS = {
    "torch": "import json, torch; ok = torch.cuda.is_available(); p = torch.cuda.get_device_properties(0) if ok else None; "
             "print(json.dumps({'available': ok, 'count': torch.cuda.device_count(), 'name': p.name if p else None, "
             "'multiprocessors': p.multi_processor_count if p else None, 'l2_cache_bytes': getattr(p, 'L2_cache_size', None) if p else None, "
             "'memory_total_bytes': p.total_memory if p else None, 'capability': f'{p.major}.{p.minor}' if p else None}))",
    "jax": "import json, jax; d = jax.devices(); print(json.dumps({'available': any(x.platform == 'gpu' for x in d), 'count': sum(x.platform == 'gpu' for x in d)}))",
    "cupy": "import json, cupy; n = cupy.cuda.runtime.getDeviceCount(); print(json.dumps({'available': n > 0, 'count': n}))",
    "numba": NUMBA_ORACLE,
}


def python(code, env=None, timeout=90):
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=timeout)
        return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {"error": done.stderr[-500:]}
    except Exception as exc:  # an oracle that fails is recorded, not fatal
        return {"error": repr(exc)}


def doctor(env, *args):
    done = subprocess.run([GPUWISE, "doctor", "--json", *args], capture_output=True, text=True, env=env, timeout=60)
    try:
        return json.loads(done.stdout)
    except ValueError:  # recorded as a disagreement, not fatal
        return {"visibility": {"visible": None}, "error": done.stderr[-500:]}


def scenarios(report):
    """CUDA_VISIBLE_DEVICES / CUDA_DEVICE_ORDER pairs: indices, an out-of-range index, a
    negative one (truncates), repeats (hide all), UUIDs and their prefixes, a UUID followed by an
    index, MIG forms, empty and unset."""
    uuids = [d["uuid"] for d in report["system"]["devices"]]
    first = uuids[0] if uuids else "GPU-00000000"
    n = len(uuids)
    values = [None, "", "0", " 0", "0gpu", "+0", "0,0", "-1", "0,-1,1", str(n), f"0,{n}", "1,0",
              first, first[:12], first[:5], "GPU-", "GPU-ffffffff", f"{first},0", f"0,{first}",
              f"{first[:12]},{first}", "MIG-ffffffff", "0,GPU-ffffffff"]
    values += [m["uuid"] for d in report["system"]["devices"] for m in d.get("mig_devices", [])]
    pairs = [(value, None) for value in values]
    # The order only changes which device is first when there are several; a few cases suffice.
    pairs += [(value, "PCI_BUS_ID") for value in (None, "0", "1,0", first)]
    return pairs


def enumerate_devices(value, order):
    """What doctor predicts, what libcuda enumerates and what torch enumerates under one setting."""
    env = {k: v for k, v in os.environ.items() if k not in ("CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER")}
    if value is not None:
        env["CUDA_VISIBLE_DEVICES"] = value
    if order is not None:
        env["CUDA_DEVICE_ORDER"] = order
    predicted = doctor(env, "--no-envs")["visibility"]["visible"]
    actual = python(CUDA_ORACLE, env)
    torch = python(TORCH_ORACLE, env)
    return {"cuda_visible_devices": value, "cuda_device_order": order, "doctor": predicted,
            "cuda": actual.get("uuids"), "cu_init": actual.get("init"), "torch": torch.get("uuids"),
            "agree": predicted == actual.get("uuids"),
            "torch_agrees": torch.get("uuids") == actual.get("uuids")}


def main():
    base = json.load(open(os.path.join(OUT, "doctor.json")))
    with ThreadPoolExecutor(max_workers=8) as pool:
        rows = list(pool.map(lambda pair: enumerate_devices(*pair), scenarios(base)))
    json.dump(rows, open(os.path.join(OUT, "visibility.json"), "w"), indent=2)

    oracles = {name: python(code) for name, code in FRAMEWORKS.items()}
    json.dump(oracles, open(os.path.join(OUT, "oracles.json"), "w"), indent=2)

    # doctor's per-framework verdicts for this interpreter, and verify's live run beside them.
    own = doctor({**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")})
    judged = {f["name"]: f["uses_gpu"] for env in own.get("environments", []) if env["source"] == "current"
              for f in env["frameworks"]}
    verify = subprocess.run([GPUWISE, "verify", "--json", "--python", sys.executable], capture_output=True, text=True)
    open(os.path.join(OUT, "verify.json"), "w").write(verify.stdout or verify.stderr)
    try:
        verified = {r["framework"]: r for r in json.loads(verify.stdout)["results"]}
    except (ValueError, KeyError):
        verified = {}

    def median_ms(cmd, runs):
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            try:
                subprocess.run(cmd, capture_output=True)
            except OSError:
                return float("nan")
            samples.append((time.perf_counter() - start) * 1e3)
        return statistics.median(samples)
    timings = {
        "gpuwise doctor": median_ms([GPUWISE, "doctor"], 20),
        "gpuwise doctor --no-envs": median_ms([GPUWISE, "doctor", "--no-envs"], 20),
        "nvidia-smi -q": median_ms(["nvidia-smi", "-q"], 10),
        "nvidia-smi": median_ms(["nvidia-smi"], 10),
        # What the driver itself costs a fresh process: doctor's machine part waits for both.
        "cuInit (ctypes, fresh process)": median_ms([sys.executable, "-c", CU_INIT], 10),
        "nvmlInit + device queries (ctypes)": median_ms([sys.executable, "-c", NVML_INIT], 10),
        "python startup": median_ms([sys.executable, "-c", "pass"], 10),
        "numba cuda.is_available()": median_ms([sys.executable, "-c", "from numba import cuda; print(cuda.is_available())"], 3),
    }
    json.dump(timings, open(os.path.join(OUT, "timings.json"), "w"), indent=2)

    device = base["system"]["devices"][0] if base["system"]["devices"] else {}
    torch = oracles.get("torch", {})
    checks = [
        ("visibility scenarios agree with libcuda", f"{sum(r['agree'] for r in rows)}/{len(rows)}"),
        ("torch enumerates as libcuda does", f"{sum(r['torch_agrees'] for r in rows)}/{len(rows)}"),
        ("verdict == torch.cuda.is_available()", base["verdict"]["gpu_usable"] == torch.get("available")),
        ("SMs == torch multi_processor_count", device.get("multiprocessors") == torch.get("multiprocessors")),
        ("L2 == torch L2_cache_size", device.get("l2_cache_bytes") == torch.get("l2_cache_bytes")),
        # nvidia-smi's total includes the driver's reservation; CUDA's (torch's) total does not:
        # doctor's free + used is total - reserved.
        ("memory - reserved == torch total_memory",
         (device.get("memory_free_bytes") or 0) + (device.get("memory_used_bytes") or 0) == torch.get("memory_total_bytes")),
        ("compute capability == torch", device.get("compute_capability") == torch.get("capability")),
    ]
    checks += [(f"doctor {name} uses_gpu == {name}'s own answer", judged.get(name) == o.get("available"))
               for name, o in oracles.items()]
    checks += [(f"verify {name} agrees with doctor", r.get("agrees")) for name, r in verified.items()]
    lines = [f"{what:<45} {result}" for what, result in checks]
    lines += [f"{name:<45} {ms:.1f} ms" for name, ms in timings.items()]
    lines.append(f"{'doctor / nvidia-smi -q (target <= 1.1)':<45} {timings['gpuwise doctor'] / timings['nvidia-smi -q']:.2f}")
    lines += [f"disagree: CVD={r['cuda_visible_devices']!r} ORDER={r['cuda_device_order']} doctor={r['doctor']} cuda={r['cuda']}"
              for r in rows if not r["agree"]]
    open(os.path.join(OUT, "summary.txt"), "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
