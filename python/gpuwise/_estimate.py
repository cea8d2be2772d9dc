"""estimate(): what the GPU would gain for an operation at your sizes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from . import _gpuwise
from ._errors import InputError, checked
from ._view import JsonView


class Estimate(JsonView):
    """An estimate: the JSON of `gpuwise estimate --json` as attributes, a text view and a chart."""

    def __init__(self, data: dict[str, Any], text: str, svg: str, html: str) -> None:
        super().__init__(data, text)
        self.svg = svg
        """CPU and GPU time against size, break-even marked, as an SVG document."""
        self._html = html

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        d = self._data
        return f"<gpuwise.Estimate {d['op']} {d['shape']} {d['dtype']}: {d['speedup']:.2f}x>"


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
    text, view, svg, html = checked(_gpuwise.estimate, str(op), sizes, str(dtype), str(gpu), str(cpu), **options)
    return Estimate(json.loads(text), view, svg, html)


def _sizes(shape: int | Iterable[int]) -> list[int]:
    """`shape` as whole numbers of at least 0 (the model names a 0)."""
    sizes = [shape] if isinstance(shape, int) else list(shape)
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
        raise InputError(f"`shape`: {shape!r} is not a list of sizes: give whole numbers of at least 1")
    return sizes
