"""The compiled module (crates/gpuwise-python)."""

from collections.abc import Callable, Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import final

__version__: str

_Path = str | PathLike[str]
_Count = int | float | str

def main(argv: list[str]) -> int: ...
def doctor(pythons: Sequence[_Path], system: _Path | None = None) -> tuple[str, str, str]: ...
def estimate(
    op: str,
    shape: _Count | Iterable[_Count],
    dtype: str = "f32",
    gpu: str = "auto",
    cpu: str = "auto",
    *,
    system: _Path | None = None,
    resident: bool = False,
    pageable: bool = False,
    profile: _Path | None = None,
    repeats: _Count = 1,
    batch: _Count = 1,
    stride: _Count = 1,
    padding: _Count = 0,
    real: bool = False,
    inputs: _Count = 2,
    flops_per_element: float = 1.0,
    activation: str = "relu",
    flops: float | None = None,
    bytes_in: _Count | None = None,
    bytes_out: _Count | None = None,
    rule_of_thumb: bool = False,
    size: float | None = None,
    gpu_cores: float | None = None,
    cpu_factor: float = 1.0,
    bandwidth: float | None = None,
    overhead_ms: float | None = None,
) -> tuple[str, str, str, str]: ...
def estimate_command(args: list[str]) -> tuple[str, str, str, str]: ...
def bench(
    progress: Callable[[int, int, str], object] | None = None,
    *,
    quick: bool = False,
    op: Sequence[str] | None = None,
    cpu_only: bool = False,
    device: int | None = None,
    memory_fraction: float = 0.5,
    calibrate: bool | _Path | None = None,
    cpu_gemm: str = "auto",
    python: _Path | None = None,
    planned: Callable[[str], object] | None = None,
) -> tuple[str, str, str, str, bool]: ...
def kernel_install(
    name: str,
    *,
    display_name: str | None = None,
    python: _Path | None = None,
    gpu: str | None = None,
    by_uuid: bool = False,
    memory_growth: bool = False,
    jax_no_prealloc: bool = False,
    sys_prefix: bool = False,
    system: _Path | None = None,
    force: bool = False,
) -> Path: ...
def kernel_remove(name: str) -> Path: ...
def requirement(report: str, framework: str, python: str) -> tuple[bool, str, str, str]: ...
def framework_findings(report: str, framework: str, python: str) -> str: ...
def report_html(report: str) -> str: ...
def fleet_merge(engine: str, gathered: str) -> tuple[str, str, str, str]: ...

@final
class Served:
    @property
    def url(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def warning(self) -> str | None: ...
    @property
    def running(self) -> bool: ...
    def stop(self) -> None: ...

def serve(
    port: int,
    *,
    host: str | None = None,
    system: _Path | None = None,
    pythons: Sequence[_Path] = ...,
    jupyter_proxy: str | None = None,
) -> Served: ...
