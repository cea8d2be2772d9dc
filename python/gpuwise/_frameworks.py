"""No silent CPU fallback: require_gpu() and device() for each framework."""

from __future__ import annotations

import os
import warnings
from typing import Any, Literal

from ._errors import GpuUnavailableError
from ._report import Report, doctor

Framework = Literal["torch", "jax", "cupy", "tensorflow", "numba"]
"""A framework gpuwise judges: one of FRAMEWORKS."""

FRAMEWORKS: tuple[Framework, ...] = ("torch", "jax", "cupy", "tensorflow", "numba")

# The device string each framework takes for the first GPU, and for the CPU.
DEVICES: dict[str, tuple[str, str]] = {
    "torch": ("cuda:0", "cpu"),
    "jax": ("gpu", "cpu"),
    "cupy": ("cuda:0", "cpu"),
    "tensorflow": ("/GPU:0", "/CPU:0"),
    "numba": ("cuda", "cpu"),
}

CUDA_VARIABLES = ("CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER")

# The variables' values when this process was first seen with CUDA initialised.
_at_cuda_init: dict[str, str | None] | None = None


def _check_framework(framework: str) -> None:
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}: choose from {', '.join(FRAMEWORKS)}")


def _why(
    report: Report, framework: str, python: str | os.PathLike[str] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The headline and the findings (the framework's own first) that explain why it will not use a
    GPU: it runs on the CPU, its import fails, or a damaged file leaves its build unknown."""
    serious = [f for f in report.findings if f.get("severity") in ("error", "warning")]
    entry = report.framework(framework, python=python)
    if entry is None:
        return f"{framework} is not installed in this Python", serious
    own = report.framework_findings(framework, python=python)
    findings = own + [f for f in serious if f not in own]
    if entry.get("outcome") == "import_fails":
        return f"{framework} {entry.get('version', '')} cannot be imported here", findings
    if entry.get("outcome") == "unknown":
        return (
            f"{framework} {entry.get('version', '')} cannot be judged here (a file describing its build is damaged)",
            findings,
        )
    return f"{framework} {entry.get('version', '')} will run on the CPU here", findings


def _message(headline: str, findings: list[dict[str, Any]]) -> str:
    lines = [headline + ":"]
    for f in findings:
        lines.append(f"  {f.get('code')}: {f.get('title')}")
        if f.get("fix"):
            lines.append(f"    fix: {f.get('fix')}")
    if not findings:
        lines.append("  no finding explains it: run `gpuwise verify` to see what the framework itself does")
    return "\n".join(lines)


def require_gpu(
    framework: Framework = "torch", report: Report | None = None, python: str | os.PathLike[str] | None = None
) -> Report:
    """Raises GpuUnavailableError, listing the findings and their fixes, unless `framework` in the
    interpreter `python` (default: this one) will run on a GPU. Returns the doctor Report otherwise."""
    _check_framework(framework)
    warn_if_cuda_variables_changed()
    report = report or doctor(python=python)
    entry = report.framework(framework, python=python)
    if entry is not None and entry.get("uses_gpu"):
        return report
    headline, findings = _why(report, framework, python)
    raise GpuUnavailableError(_message(headline, findings), findings)


def device(framework: Framework = "torch", report: Report | None = None) -> str:
    """The device string to give `framework`: its first GPU ("cuda:0" for torch and cupy, "gpu"
    for jax, "/GPU:0" for tensorflow, "cuda" for numba) or its CPU, with a warning that says why
    when it is the CPU."""
    try:
        require_gpu(framework, report)
        return DEVICES[framework][0]
    except GpuUnavailableError as err:
        warnings.warn(f"using the CPU: {err}", RuntimeWarning, stacklevel=2)
        return DEVICES[framework][1]


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
