# gpuwise verify: in this interpreter, ask one framework for its default device, run a small
# float32 matrix multiplication there, time it, and print one JSON line. The framework name is
# argv[1]. Failures are reported in the JSON, never raised.
import json, sys, time, traceback

N = 512


def timed(run, sync):
    run(); sync()  # warm-up: kernel load, JIT, allocator
    start = time.perf_counter()
    run(); sync()
    return time.perf_counter() - start


def torch_check():
    import torch
    gpu = torch.cuda.is_available()
    device = torch.device("cuda:0" if gpu else "cpu")
    a = torch.randn(N, N, device=device)
    sync = torch.cuda.synchronize if gpu else (lambda: None)
    seconds = timed(lambda: a @ a, sync)
    name = torch.cuda.get_device_name(0) if gpu else "cpu"
    return {"device": str(device), "gpu": gpu, "device_name": name, "seconds": seconds}


def tensorflow_check():
    import tensorflow as tf
    gpus = tf.config.list_physical_devices("GPU")
    where = "/GPU:0" if gpus else "/CPU:0"
    with tf.device(where):
        a = tf.random.normal((N, N))
        out = {}
        def run():
            out["c"] = tf.matmul(a, a)
        seconds = timed(run, lambda: out["c"].numpy())
    return {"device": out["c"].device, "gpu": "GPU" in out["c"].device, "device_name": where, "seconds": seconds}


def jax_check():
    import jax
    device = jax.devices()[0]
    x = jax.device_put(jax.random.normal(jax.random.PRNGKey(0), (N, N)), device)
    f = jax.jit(lambda m: m @ m)
    out = {}
    def run():
        out["y"] = f(x)
    seconds = timed(run, lambda: out["y"].block_until_ready())
    gpu = device.platform in ("gpu", "cuda", "rocm")
    return {"device": str(device), "gpu": gpu, "device_name": getattr(device, "device_kind", device.platform), "seconds": seconds}


def cupy_check():
    import cupy
    a = cupy.random.random((N, N), dtype=cupy.float32)
    seconds = timed(lambda: a @ a, cupy.cuda.Stream.null.synchronize)
    props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
    name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    return {"device": "cuda:%d" % cupy.cuda.Device().id, "gpu": True, "device_name": name, "seconds": seconds}


def numba_check():
    import numpy as np
    from numba import cuda
    a = np.random.random((N, N)).astype(np.float32)
    if not cuda.is_available():
        from numba import njit
        @njit
        def mm(x):
            n = x.shape[0]
            out = np.zeros_like(x)
            for i in range(n):
                for k in range(n):
                    for j in range(n):
                        out[i, j] += x[i, k] * x[k, j]
            return out
        seconds = timed(lambda: mm(a), lambda: None)
        return {"device": "cpu", "gpu": False, "device_name": "cpu", "seconds": seconds}

    @cuda.jit
    def mm(x, out):
        i, j = cuda.grid(2)
        if i < out.shape[0] and j < out.shape[1]:
            acc = 0.0
            for k in range(x.shape[1]):
                acc += x[i, k] * x[k, j]
            out[i, j] = acc
    x = cuda.to_device(a)
    out = cuda.device_array_like(a)
    blocks = ((N + 15) // 16, (N + 15) // 16)
    seconds = timed(lambda: mm[blocks, (16, 16)](x, out), cuda.synchronize)
    if not np.allclose(out.copy_to_host(), a @ a, rtol=1e-3, atol=1e-2):
        raise RuntimeError("the GPU result differs from numpy's")
    name = cuda.get_current_device().name  # bytes in numba, str in numba-cuda
    name = name.decode() if isinstance(name, bytes) else name
    return {"device": "cuda:0", "gpu": True, "device_name": name, "seconds": seconds}


CHECKS = {"torch": torch_check, "tensorflow": tensorflow_check, "jax": jax_check, "cupy": cupy_check, "numba": numba_check}

try:
    result = CHECKS[sys.argv[1]]()
    result["error"] = None
except BaseException as exc:  # report, never raise: the caller compares answers
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    result = {"device": None, "gpu": False, "device_name": None, "seconds": None, "error": last}
print("GPUWISE-VERIFY " + json.dumps(result))
