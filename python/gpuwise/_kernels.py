"""Jupyter kernels that set the GPU variables before the kernel starts (CUDA reads them once)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import _gpuwise
from ._errors import checked
from ._report import doctor


def install_kernel(
    name: str,
    python: str | os.PathLike[str] | None = None,
    gpu: int | str | None = None,
    by_uuid: bool = False,
    memory_growth: bool = False,
    jax_no_prealloc: bool = False,
    display_name: str | None = None,
    sys_prefix: bool = False,
    system: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Path:
    """Writes a kernelspec `name` whose env sets CUDA_VISIBLE_DEVICES=`gpu` (indices as
    nvidia-smi numbers them, or UUIDs; `by_uuid` writes indices as UUIDs),
    CUDA_DEVICE_ORDER=PCI_BUS_ID, and with `memory_growth` TF_FORCE_GPU_ALLOW_GROWTH=true, with
    `jax_no_prealloc` XLA_PYTHON_CLIENT_PREALLOCATE=false. It runs `python` (default: python3 on
    PATH) and goes into the user's Jupyter data directory (JUPYTER_DATA_DIR honoured), or the
    interpreter's environment with `sys_prefix`.

    Refuses (InputError, with the reason and the fix) an interpreter that cannot start ipykernel,
    a `gpu` this machine (or the recorded machine `system`, `gpuwise doctor --json` of another
    node) does not have, and replacing a kernel; `force` installs anyway, warning (UserWarning)
    of what it let through. Returns the kernel's directory."""
    options = {key: value for key, value in locals().items() if key != "name"}
    if gpu is not None:
        options["gpu"] = str(gpu)
    if system is not None:
        options["system"] = str(system)
    return Path(checked(_gpuwise.kernel_install, str(name), **options))


def remove_kernel(name: str) -> Path:
    """Removes the kernel `name` (the first in Jupyter's search order); returns its directory."""
    return Path(checked(_gpuwise.kernel_remove, str(name)))


def list_kernels(system: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Every kernel Jupyter finds, as doctor reports them (name, display_name, spec_path, env,
    `findings`: the codes of what stands in its way, such as GW814 for a kernel that cannot
    start, and `frameworks`: each framework of its environment with `uses_gpu`), judged on this
    machine or the recorded one `system`."""
    report = doctor(system=system)
    kernels: list[dict[str, Any]] = []
    for kernel in report.kernels:
        entry = dict(kernel)
        index = kernel.get("environment")
        env = report.environments[index] if index is not None else {}
        entry["frameworks"] = [
            {"name": f.get("name"), "version": f.get("version"), "uses_gpu": f.get("uses_gpu")}
            for f in env.get("frameworks", [])
        ]
        kernels.append(entry)
    return kernels
