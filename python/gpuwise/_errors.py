"""The exceptions gpuwise raises: all of them are GpuwiseError."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing_extensions import ParamSpec

    _P = ParamSpec("_P")
_T = TypeVar("_T")


class GpuwiseError(Exception):
    """Base of every error gpuwise raises."""


class InputError(GpuwiseError, ValueError):
    """An argument gpuwise cannot use (an unknown operation, a bad shape, an unreadable file)."""


class GpuUnavailableError(GpuwiseError, RuntimeError):
    """The GPU cannot be used here; the message lists the findings and their fixes.

    ``findings`` holds them as dictionaries (code, severity, title, detail, fix, subject).
    """

    def __init__(self, message: str, findings: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


def checked(call: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """Calls into the compiled module, raising its errors as gpuwise's: the caller's mistakes
    (ValueError) as InputError, anything else (RuntimeError) as GpuwiseError."""
    try:
        return call(*args, **kwargs)
    except ValueError as err:
        raise InputError(str(err).strip()) from None
    except RuntimeError as err:
        raise GpuwiseError(str(err).strip()) from None
