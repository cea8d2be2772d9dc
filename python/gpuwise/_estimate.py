"""estimate(): what the GPU would gain for an operation at your sizes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from . import _gpuwise
from ._errors import checked
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
        return f"<gpuwise.Estimate {d['op']} {d['shape']} {d['dtype']}: {_speedup(d['speedup'])}>"


def _speedup(speedup: float) -> str:
    """A speedup to the precision the model has, as the text view writes it: 828x, 41x, 3.5x."""
    if speedup >= 10:
        return f"{speedup:.0f}x"
    return f"{speedup:.1f}x" if speedup >= 1 else f"{speedup:.2f}x"


def estimate(
    op: str,
    shape: int | float | str | Iterable[int | float | str],
    dtype: str = "f32",
    gpu: str = "auto",
    cpu: str = "auto",
    **options: Any,
) -> Estimate:
    """Estimates `op` (matmul, dense, conv2d, fft, elementwise, reduction, custom) at `shape`
    ([4096, 4096, 4096], "4096x4096x4096", 1e6 or "4Mi": sizes as `gpuwise estimate --shape` takes them) in
    `dtype` on `gpu` (a name from `gpuwise estimate --list-gpus`, or "auto": this machine's)
    against `cpu`. Other options are `gpuwise estimate`'s, with underscores: resident=True,
    repeats=100, batch=8, padding=1, profile="path", ...

    Raises InputError with the reason for bad input.
    """
    text, view, svg, html = checked(_gpuwise.estimate, str(op), shape, str(dtype), str(gpu), str(cpu), **options)
    return Estimate(json.loads(text), view, svg, html)
