"""gpuwise: will my code run on the GPU, why not, and is it worth it?

    import gpuwise
    gpuwise.doctor()                       # this machine, this Python, every Jupyter kernel
    gpuwise.require_gpu("torch")           # raises GpuUnavailableError with the fixes
    dev = gpuwise.device("torch")          # "cuda:0", or "cpu" with a warning saying why
    gpuwise.estimate("matmul", (8192, 8192, 8192), "bf16", gpu="h100-sxm")
    gpuwise.install_kernel("ml-gpu0", gpu=0, jax_no_prealloc=True)   # a kernel pinned to GPU 0
    server = gpuwise.serve()               # the calculator page, until server.stop()
    gpuwise.fleet(client)                  # doctor on every worker of a Dask cluster, merged

In IPython or Jupyter, `%load_ext gpuwise` adds `%gpuwise` (doctor), `%gpuwise estimate ...` and
`%gpuwise serve`.
"""

from __future__ import annotations

from . import _gpuwise
from ._bench import Bench, bench
from ._errors import GpuUnavailableError, GpuwiseError, InputError
from ._estimate import Estimate, estimate
from ._fleet import Fleet, fleet
from ._frameworks import FRAMEWORKS, Framework, device, require_gpu
from ._kernels import install_kernel, list_kernels, remove_kernel
from ._magic import load_ipython_extension
from ._report import Report, doctor
from ._serve import Server, serve

__version__: str = _gpuwise.__version__

__all__ = [
    "FRAMEWORKS",
    "Bench",
    "Estimate",
    "Fleet",
    "Framework",
    "GpuUnavailableError",
    "GpuwiseError",
    "InputError",
    "Report",
    "Server",
    "bench",
    "device",
    "doctor",
    "estimate",
    "fleet",
    "install_kernel",
    "list_kernels",
    "load_ipython_extension",
    "remove_kernel",
    "require_gpu",
    "serve",
]
