"""doctor(): this machine's GPUs, driver, CUDA, visibility and frameworks, as a Report."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from . import _gpuwise
from ._errors import checked
from ._view import JsonView


class Report(JsonView):
    """A doctor report: the JSON contract of docs/DESIGN.md, with attributes for its parts."""

    def __init__(self, data: dict[str, Any], markdown: str = "", text: str = "") -> None:
        super().__init__(data, text)
        self._markdown = markdown

    @property
    def system(self) -> dict[str, Any]:
        """The machine: OS, CPU, driver, devices, libraries, device nodes."""
        system: dict[str, Any] = self._data["system"]
        return system

    @property
    def devices(self) -> list[dict[str, Any]]:
        """The NVIDIA GPUs, as NVML and nvidia-smi number them."""
        devices: list[dict[str, Any]] = self._data["system"].get("devices", [])
        return devices

    @property
    def visibility(self) -> dict[str, Any]:
        """The devices a CUDA program here sees, in CUDA's order, and why."""
        visibility: dict[str, Any] = self._data["visibility"]
        return visibility

    @property
    def environments(self) -> list[dict[str, Any]]:
        """Each Python interpreter judged, with its frameworks."""
        environments: list[dict[str, Any]] = self._data["environments"]
        return environments

    @property
    def kernels(self) -> list[dict[str, Any]]:
        """The Jupyter kernels found."""
        kernels: list[dict[str, Any]] = self._data["kernels"]
        return kernels

    @property
    def findings(self) -> list[dict[str, Any]]:
        """Every problem found, machine and environments, each with its cause and fix (the
        report's own list: environments and frameworks name theirs by code in it)."""
        return list(self._data["findings"])

    def framework_findings(self, name: str, python: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
        """The findings about framework `name` in interpreter `python` (default: this one),
        each with its cause and fix; empty when it is not installed there."""
        text = checked(_gpuwise.framework_findings, self.to_json(), name, str(python or sys.executable))
        found: list[dict[str, Any]] = json.loads(text)
        return found

    @property
    def gpu_usable(self) -> bool:
        """True when a usable NVIDIA GPU is visible to CUDA programs here."""
        return bool(self._data["verdict"]["gpu_usable"])

    def framework(self, name: str, python: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
        """The framework entry for `name` in interpreter `python` (default: this one), or None."""
        python = str(python or sys.executable)
        for env in self.environments:
            if env.get("interpreter") == python:
                for framework in env.get("frameworks", []):
                    if framework.get("name") == name:
                        found: dict[str, Any] = framework
                        return found
        return None

    def _repr_markdown_(self) -> str:
        return self._markdown

    def _repr_html_(self) -> str:
        html: str = checked(_gpuwise.report_html, self.to_json())
        return html

    def __repr__(self) -> str:
        state = "GPU usable" if self.gpu_usable else "no usable GPU"
        return f"<gpuwise.Report: {state}, {len(self.devices)} device(s), {len(self.findings)} finding(s)>"


def doctor(python: str | os.PathLike[str] | None = None, system: str | os.PathLike[str] | None = None) -> Report:
    """Diagnoses this machine, the interpreter `python` (default: the one running this code) and
    every Jupyter kernel; `system` reads a recorded machine (`gpuwise doctor --json`) instead.

    Raises InputError when `system` cannot be read.
    """
    pythons = [str(python or sys.executable)]
    data, markdown, text = checked(_gpuwise.doctor, pythons, None if system is None else str(system))
    return Report(json.loads(data), markdown, text)
