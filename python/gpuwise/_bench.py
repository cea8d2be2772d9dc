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


class _Watch:
    """What a run says while it goes: how long it will take, then how far it got. In a notebook,
    one display updated in place; elsewhere the plan alone, on stderr (as the command line says
    it)."""

    def __init__(self) -> None:
        self._plan = ""
        self._show: Callable[[str], None] | None = None
        try:
            from IPython import get_ipython
            from IPython.display import HTML, display
        except ImportError:
            return
        if get_ipython() is None:
            return
        handle = display(HTML("starting"), display_id=True)
        self._show = lambda html: handle.update(HTML(html))

    def planned(self, plan: str) -> None:
        self._plan = plan
        if self._show is None:
            print(plan, file=sys.stderr)
        else:
            self._show(escape(plan))

    def progress(self, done: int, total: int, label: str) -> None:
        if self._show is not None:
            bar = f'<progress value="{done}" max="{total}"></progress> {done}/{total} {escape(label)}'
            self._show(f"{escape(self._plan)}<br>{bar}" if self._plan else bar)


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
    path). With `progress`, says how long the run will take before it starts (in a notebook with
    its progress, elsewhere on stderr). Other processes keeping the machine busy as it starts
    are a UserWarning; the result's views warn when they slowed the CPU times (`interference`).

    Raises InputError for bad options."""
    ops = op.split(",") if isinstance(op, str) else None if op is None else [str(o) for o in op]
    python = _interpreter()
    watch = _Watch() if progress else None
    text, view, svg, html, passed = checked(
        _gpuwise.bench,
        None if watch is None else watch.progress,
        quick=quick,
        op=ops,
        cpu_only=cpu_only,
        device=device,
        memory_fraction=0.5 if memory_fraction is None else memory_fraction,
        calibrate=calibrate,
        cpu_gemm="auto" if cpu_gemm is None else str(cpu_gemm),
        python=python,
        planned=None if watch is None else watch.planned,
    )
    return Bench(json.loads(text), view, svg, html, passed)
