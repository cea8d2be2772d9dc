"""The framework's own answer in this interpreter, as JSON on stdout.

    python own_answer.py FRAMEWORK

FRAMEWORK is torch, tensorflow, jax, cupy or numba. Records whether its import succeeds (numba:
`from numba import cuda`, its CUDA target), the exception when not, its version, the CUDA
libraries the process has loaded afterwards (from /proc/self/maps), and its own device query with
the error it raises. Nothing here decides a verdict: this is the evidence doctor is compared with.
"""

import json
import os
import sys
import traceback

sys.tracebacklimit = 0
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def loaded_cuda_libraries():
    """Paths of the CUDA libraries mapped into this process."""
    names = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split(None, 5)[-1].strip() if len(line.split()) >= 6 else ""
                base = os.path.basename(path)
                if base.startswith(("libcu", "libnv", "libnccl")) and ".so" in base:
                    names.add(path)
    except OSError:
        pass
    return sorted(names)


def error(exc):
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:400]


def build(name, module):
    """What the framework says it was built for: (CUDA version or None, architectures or None)."""
    if name == "torch":
        return module.version.cuda, module.cuda.get_arch_list() if module.version.cuda else []
    if name == "tensorflow":
        info = module.sysconfig.get_build_info()
        return info.get("cuda_version"), info.get("cuda_compute_capabilities")
    if name == "jax":
        from importlib.metadata import entry_points

        plugins = [e.name for e in entry_points(group="jax_plugins")]
        cuda = [p.removeprefix("xla_cuda") for p in plugins if p.startswith("xla_cuda")]
        return (cuda[0] if cuda else None), None
    if name == "cupy":
        import json as _json
        import pathlib

        wheel = pathlib.Path(module.__file__).parent / ".data/_wheel.json"
        return (_json.loads(wheel.read_text()).get("cuda") if wheel.exists() else None), None
    if name == "numba":
        loaded = [p for p in loaded_cuda_libraries() if "libcudart.so." in p]
        return (loaded[0].rsplit(".so.", 1)[1] if loaded else "any"), None
    return None, None


def gpu_libraries(name):
    """Whether the CUDA libraries the framework loads for GPU work are there, by its own means:
    cupy through its own loader (cuda-pathfinder from 14, its bindings' imports before), tensorflow by the wheels its `and-cuda` extra
    declares, numba through its NVVM check. None where the import already answers (torch, jax)."""
    if name == "cupy":
        import cupy

        if int(cupy.__version__.split(".")[0]) < 14:
            # CuPy 13 links the CUDA libraries by name: importing its bindings loads them.
            import importlib

            for lib in ("nvrtc", "cublas"):
                try:
                    importlib.import_module(f"cupy_backends.cuda.libs.{lib}")
                except Exception as exc:
                    return f"missing {lib}: {error(exc)}"
            return "found"
        from cuda import pathfinder

        for lib in ("nvrtc", "cublas"):
            try:
                pathfinder.load_nvidia_dynamic_lib(lib)
            except Exception as exc:
                return f"missing {lib}: {error(exc)}"
        return "found"
    if name == "tensorflow":
        from importlib.metadata import PackageNotFoundError, version

        missing = []
        for dist in ("nvidia-cuda-runtime-cu12", "nvidia-cublas-cu12", "nvidia-cudnn-cu12"):
            try:
                version(dist)
            except PackageNotFoundError:
                missing.append(dist)
        return f"missing {', '.join(missing)}" if missing else "found"
    if name == "numba":
        from numba.cuda.cudadrv import nvvm

        return "found" if nvvm.is_available() else "missing NVVM"
    return None


def query(name, module):
    """The framework's own 'can I use a GPU' answer: (gpu, detail)."""
    if name == "torch":
        return module.cuda.is_available(), f"device_count={module.cuda.device_count()} cuda={module.version.cuda}"
    if name == "tensorflow":
        gpus = module.config.list_physical_devices("GPU")
        return bool(gpus), f"gpus={len(gpus)} built_with_cuda={module.test.is_built_with_cuda()}"
    if name == "jax":
        devices = module.devices()
        return devices[0].platform == "gpu", f"backend={module.default_backend()}"
    if name == "cupy":
        return module.cuda.is_available(), f"runtime={module.cuda.runtime.runtimeGetVersion()}"
    if name == "numba":
        from numba.cuda.cudadrv import nvvm

        return module.is_available(), f"nvvm={nvvm.is_available()}"
    raise SystemExit(f"unknown framework {name!r}")


def main():
    name = sys.argv[1]
    answer = {"framework": name, "imports": False, "version": None, "import_error": None,
              "cuda": None, "architectures": None, "build_error": None, "gpu_libraries": None,
              "gpu": False, "query": None, "query_error": None, "libraries": []}
    try:
        if name == "numba":
            from numba import cuda as module
            import numba

            answer["version"] = numba.__version__
        else:
            module = __import__(name)
            answer["version"] = getattr(module, "__version__", None)
        answer["imports"] = True
    except BaseException as exc:  # an import can fail in any way, SystemExit included
        answer["import_error"] = error(exc)
    if answer["imports"]:
        try:
            answer["cuda"], answer["architectures"] = build(name, module)
            answer["gpu_libraries"] = gpu_libraries(name)
        except BaseException as exc:
            answer["build_error"] = error(exc)
        try:
            answer["gpu"], answer["query"] = query(name, module)
        except BaseException as exc:
            answer["query_error"] = error(exc)
    answer["libraries"] = loaded_cuda_libraries()
    json.dump(answer, sys.stdout)
    print()


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        sys.exit(1)
