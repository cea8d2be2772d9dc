"""bench(): measure this machine's CPU and GPU, every result checked, the estimate beside each."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from . import _gpuwise
from ._errors import checked
from ._view import JsonView


class Bench(JsonView):
    """A bench run: the JSON of `gpuwise bench --json` as attributes, the tables and a chart."""

    def __init__(self, data: dict[str, Any], text: str, svg: str, html: str, passed: bool) -> None:
        super().__init__(data, text)
        self.svg = svg
        """Time against size for every operation (GPU with copies), as an SVG document."""
        self.passed = passed
        """True when every case ran and its result checked right."""
        self._html = html

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        return f"<gpuwise.Bench {self._data['mode']}: {len(self._data['results'])} measurements>"


def _notebook_progress() -> Callable[[int, int, str], None] | None:
    """A progress line in the running notebook, or None outside one."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    handle = display(HTML("starting"), display_id=True)

    def update(done: int, total: int, label: str) -> None:
        handle.update(HTML(f'<progress value="{done}" max="{total}"></progress> {done}/{total} {escape(label)}'))

    return update


def _interpreter() -> str | None:
    """This interpreter, whose numpy's BLAS is the CPU baseline; None when it is embedded in a
    program that is not Python (sys.executable is then that program, or empty)."""
    path = sys.executable
    return path if path and os.path.basename(path).startswith("python") and os.path.isfile(path) else None


def bench(
    quick: bool = True,
    op: str | Iterable[str] | None = None,
    cpu_only: bool = False,
    device: int | None = None,
    memory_fraction: float | None = None,
    calibrate: bool | str | os.PathLike[str] | None = None,
    cpu_gemm: str | os.PathLike[str] | None = None,
    progress: bool = True,
) -> Bench:
    """Measures `op` (a list of matmul, fft, elementwise, reduction, conv2d, copy, launch; default
    all) on the CPU and, unless `cpu_only`, the GPU `device`; `quick` for a few sizes. Every
    result is checked against an f64 reference. `calibrate=True` saves the measurements as this
    machine's profile for estimate (a path saves it there). The CPU multiplies matrices with the
    BLAS of this interpreter's numpy when it has one (`cpu_gemm`: "auto", "faer" or a library's
    path). Shows progress in a notebook.

    Raises InputError for bad options."""
    ops = op.split(",") if isinstance(op, str) else None if op is None else [str(o) for o in op]
    python = _interpreter()
    callback = _notebook_progress() if progress else None
    text, view, svg, html, passed = checked(
        _gpuwise.bench,
        callback,
        quick=quick,
        op=ops,
        cpu_only=cpu_only,
        device=device,
        memory_fraction=0.5 if memory_fraction is None else memory_fraction,
        calibrate=calibrate,
        cpu_gemm="auto" if cpu_gemm is None else str(cpu_gemm),
        python=python,
    )
    return Bench(json.loads(text), view, svg, html, passed)
