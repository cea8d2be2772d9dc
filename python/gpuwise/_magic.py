"""The IPython extension: `%load_ext gpuwise`, then `%gpuwise` (doctor), `%gpuwise estimate ...`
(estimate's command-line options), `%gpuwise require-gpu [FRAMEWORK]` and `%gpuwise serve
[--port N]`."""

from __future__ import annotations

import json
import shlex
from typing import Any, cast

from . import _gpuwise
from ._errors import InputError, checked
from ._estimate import Estimate
from ._frameworks import Framework, require_gpu
from ._report import Report, doctor
from ._serve import Server, serve

USAGE = "usage: %gpuwise [doctor | estimate --op OP --shape ... | require-gpu [FRAMEWORK] | serve [--port N]]"


def gpuwise_magic(line: str) -> Report | Estimate | Server:
    """`%gpuwise` runs doctor; `%gpuwise estimate --op matmul --shape 4096,4096,4096 --dtype bf16
    --gpu h100-sxm` estimates; `%gpuwise require-gpu torch` raises GpuUnavailableError unless
    torch will use the GPU; `%gpuwise serve --port 8765` serves the calculator page (see
    gpuwise.serve). The result shows as a table (and chart) in the notebook, as the command line's
    text in terminal IPython; a bad argument is reported in one line (IPython's UsageError, no
    traceback)."""
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


def _run(line: str) -> Report | Estimate | Server:
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
    if command == "serve":
        return serve(_port(args))
    raise InputError(f"unknown %gpuwise command {command!r}; {USAGE}")


def _port(args: list[str]) -> int:
    """The port `serve [--port N]` names (8765 by default)."""
    words = args[0].split("=", 1) + args[1:] if args and args[0].startswith("--port=") else args
    if not words:
        return 8765
    if len(words) == 2 and words[0] == "--port" and words[1].isascii() and words[1].isdigit():
        return int(words[1])
    raise InputError(f"%gpuwise serve takes --port N (0: any free port) and nothing else; {USAGE}")


def load_ipython_extension(ipython: Any) -> None:
    """Registers the `%gpuwise` line magic."""
    ipython.register_magic_function(gpuwise_magic, magic_kind="line", magic_name="gpuwise")
