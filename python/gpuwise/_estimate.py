"""estimate(): what the GPU would gain for an operation at your sizes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from . import _gpuwise
from ._errors import InputError, checked
from ._html import badge, table
from ._view import JsonView


class Estimate(JsonView):
    """An estimate: the JSON of `gpuwise estimate --json` as attributes, a text view and a chart."""

    def __init__(self, data: dict[str, Any], text: str, svg: str) -> None:
        super().__init__(data)
        self.text = text
        """The terminal view."""
        self.svg = svg
        """CPU and GPU time against size, break-even marked, as an SVG document."""

    def _repr_html_(self) -> str:
        d = self._data
        faster = d["speedup"] >= 1
        head = f"{d['speedup']:.2f}x faster on the GPU" if faster else f"{1 / d['speedup']:.2f}x slower on the GPU"
        rows = [
            ("GPU computation", _seconds(d["gpu"]["compute_seconds"])),
            ("transfers", _seconds(d["gpu"]["transfer_seconds"])),
            ("total GPU", _seconds(d["gpu"]["total_seconds"])),
            ("total CPU", _seconds(d["cpu"]["seconds"])),
            ("bound", d["bound"]),
        ]
        return "<div>" + badge(faster, head) + table(["", ""], rows) + self.svg + "</div>"

    def __repr__(self) -> str:
        d = self._data
        return f"<gpuwise.Estimate {d['op']} {d['shape']} {d['dtype']}: {d['speedup']:.2f}x>"


def _seconds(s: float) -> str:
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "us")):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s * 1e9:.3g} ns"


def estimate(
    op: str, shape: int | Iterable[int], dtype: str = "f32", gpu: str = "auto", cpu: str = "auto", **options: Any
) -> Estimate:
    """Estimates `op` (matmul, dense, conv2d, fft, elementwise, reduction, custom) at `shape` in
    `dtype` on `gpu` (a name from `gpuwise estimate --list-gpus`, or "auto": this machine's)
    against `cpu`. Other options are `gpuwise estimate`'s, with underscores: resident=True,
    repeats=100, batch=8, padding=1, profile="path", ...

    Raises InputError with the reason for bad input.
    """
    sizes = _sizes(shape)
    text, view, svg = checked(_gpuwise.estimate, str(op), sizes, str(dtype), str(gpu), str(cpu), **options)
    return Estimate(json.loads(text), view, svg)


def _sizes(shape: int | Iterable[int]) -> list[int]:
    """`shape` as whole numbers of at least 0 (the model names a 0)."""
    sizes = [shape] if isinstance(shape, int) else list(shape)
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
        raise InputError(f"`shape`: {shape!r} is not a list of sizes: give whole numbers of at least 1")
    return sizes
