"""The IPython extension: `%load_ext gpuwise`, then `%gpuwise` (doctor), `%gpuwise estimate ...`
(estimate's command-line options) and `%gpuwise require-gpu [FRAMEWORK]`."""

from __future__ import annotations

import json
import shlex
from typing import Any, cast

from . import _gpuwise
from ._errors import InputError, checked
from ._estimate import Estimate
from ._frameworks import Framework, require_gpu
from ._report import Report, doctor

USAGE = "usage: %gpuwise [doctor | estimate --op OP --shape ... | require-gpu [FRAMEWORK]]"


def gpuwise_magic(line: str) -> Report | Estimate:
    """`%gpuwise` runs doctor; `%gpuwise estimate --op matmul --shape 4096,4096,4096 --dtype bf16
    --gpu h100-sxm` estimates; `%gpuwise require-gpu torch` raises GpuUnavailableError unless
    torch will use the GPU. The result shows as a table (and chart) in the notebook, as the
    command line's text in terminal IPython; a bad argument is reported in one line (IPython's
    UsageError, no traceback)."""
    try:
        return _run(line)
    except InputError as err:
        raise _usage_error(str(err)) from None


def _usage_error(message: str) -> Exception:
    """IPython's error for a magic's bad arguments (shown without a traceback), or an
    InputError outside IPython."""
    try:
        from IPython.core.error import UsageError
    except ImportError:
        return InputError(message)
    return UsageError(message)


def _run(line: str) -> Report | Estimate:
    words = shlex.split(line)
    command, args = (words[0], words[1:]) if words else ("doctor", [])
    if command == "doctor":
        return doctor()
    if command == "estimate":
        text, view, svg, html = checked(_gpuwise.estimate_command, args)
        return Estimate(json.loads(text), view, svg, html)
    if command == "require-gpu":
        # An unknown framework is require_gpu's to refuse (ValueError).
        return require_gpu(cast("Framework", args[0])) if args else require_gpu()
    raise InputError(f"unknown %gpuwise command {command!r}; {USAGE}")


def load_ipython_extension(ipython: Any) -> None:
    """Registers the `%gpuwise` line magic."""
    ipython.register_magic_function(gpuwise_magic, magic_kind="line", magic_name="gpuwise")
