"""No silent CPU fallback: require_gpu() and device() for each framework."""

from __future__ import annotations

import json
import os
import sys
import warnings
from typing import Any, Literal

from . import _gpuwise
from ._errors import GpuUnavailableError, checked
from ._report import Report, doctor

Framework = Literal["torch", "jax", "cupy", "tensorflow", "numba"]
"""A framework gpuwise judges: one of FRAMEWORKS."""

FRAMEWORKS: tuple[Framework, ...] = ("torch", "jax", "cupy", "tensorflow", "numba")

CUDA_VARIABLES = ("CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER")

# The variables' values when this process was first seen with CUDA initialised.
_at_cuda_init: dict[str, str | None] | None = None


def _check_framework(framework: str) -> None:
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}: choose from {', '.join(FRAMEWORKS)}")


def _answer(
    report: Report, framework: str, python: str | os.PathLike[str] | None
) -> tuple[bool, str, str, list[dict[str, Any]]]:
    """What `report` says about `framework` in `python` (default: this interpreter), decided by
    the compiled module: whether it uses a GPU, the device string to give it, and when it is the
    CPU, why (a message and the findings with their fixes)."""
    interpreter = str(python or sys.executable)
    uses_gpu, device, message, findings = checked(_gpuwise.requirement, report.to_json(), framework, interpreter)
    parsed: list[dict[str, Any]] = json.loads(findings)
    return uses_gpu, device, message, parsed


def require_gpu(
    framework: Framework = "torch", report: Report | None = None, python: str | os.PathLike[str] | None = None
) -> Report:
    """Raises GpuUnavailableError, listing the findings and their fixes, unless `framework` in the
    interpreter `python` (default: this one) will run on a GPU. Returns the doctor Report otherwise."""
    _check_framework(framework)
    warn_if_cuda_variables_changed()
    report = report or doctor(python=python)
    uses_gpu, _, message, findings = _answer(report, framework, python)
    if not uses_gpu:
        raise GpuUnavailableError(message, findings)
    return report


def device(framework: Framework = "torch", report: Report | None = None) -> str:
    """The device string to give `framework`: its first GPU ("cuda:0" for torch and cupy, "gpu"
    for jax, "/GPU:0" for tensorflow, "cuda" for numba) or its CPU, with a warning that says why
    when it is the CPU."""
    _check_framework(framework)
    warn_if_cuda_variables_changed()
    report = report or doctor()
    uses_gpu, name, message, _ = _answer(report, framework, None)
    if not uses_gpu:
        warnings.warn(f"using the CPU: {message}", RuntimeWarning, stacklevel=2)
    return name


def cuda_initialised() -> bool:
    """True when this process has loaded the CUDA driver library (a framework initialised CUDA)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return any("libcuda.so" in line for line in maps)
    except OSError:
        return False


def warn_if_cuda_variables_changed() -> None:
    """Warns when CUDA_VISIBLE_DEVICES or CUDA_DEVICE_ORDER differ from their values when this
    process was first seen with CUDA initialised: CUDA reads them once, so the change has no
    effect until the process (the notebook kernel) restarts."""
    global _at_cuda_init
    now = {name: os.environ.get(name) for name in CUDA_VARIABLES}
    if not cuda_initialised():
        return
    if _at_cuda_init is None:
        _at_cuda_init = now
        return
    for name in CUDA_VARIABLES:
        if now[name] != _at_cuda_init[name]:
            warnings.warn(
                f"{name} changed from {_at_cuda_init[name]!r} to {now[name]!r} after CUDA was initialised in this "
                "process: it has no effect until the kernel restarts (set it in the kernel's env: "
                "`gpuwise kernel install`)",
                RuntimeWarning,
                stacklevel=3,
            )
