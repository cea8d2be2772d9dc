"""doctor(): this machine's GPUs, driver, CUDA, visibility and frameworks, as a Report."""

import json
import sys

from . import _gpuwise
from ._errors import checked
from ._html import badge, finding, table
from ._view import JsonView


def _label(env):
    """How findings name an environment (the Rust side's Environment::label)."""
    source = env.get("source", "")
    if source.startswith("kernel:"):
        return f"kernel '{source[len('kernel:'):]}' ({env.get('interpreter')})"
    return env.get("interpreter")



# How the views say each framework outcome of the JSON contract.
_RUNS_ON = {"gpu": "GPU", "cpu": "CPU", "import_fails": "import fails", "unknown": "cannot be judged"}

class Report(JsonView):
    """A doctor report: the JSON contract of docs/DESIGN.md, with attributes for its parts."""

    def __init__(self, data, markdown=""):
        super().__init__(data)
        self._markdown = markdown

    @property
    def system(self):
        """The machine: OS, CPU, driver, devices, libraries, device nodes."""
        return self._data["system"]

    @property
    def devices(self):
        """The NVIDIA GPUs, as NVML and nvidia-smi number them."""
        return self._data["system"].get("devices", [])

    @property
    def visibility(self):
        """The devices a CUDA program here sees, in CUDA's order, and why."""
        return self._data["visibility"]

    @property
    def environments(self):
        """Each Python interpreter judged, with its frameworks."""
        return self._data["environments"]

    @property
    def kernels(self):
        """The Jupyter kernels found."""
        return self._data["kernels"]

    @property
    def findings(self):
        """Every problem found, machine and environments, each with its cause and fix (the
        report's own list: environments and frameworks name theirs by code in it)."""
        return list(self._data["findings"])

    def framework_findings(self, name, python=None):
        """The findings about framework `name` in interpreter `python` (default: this one),
        each with its cause and fix; empty when it is not installed there."""
        python = str(python or sys.executable)
        found = []
        for env in self.environments:
            if env.get("interpreter") != python:
                continue
            for framework in env.get("frameworks", []):
                if framework.get("name") != name:
                    continue
                subject = f"{name} {framework.get('version')} in {_label(env)}"
                codes = set(framework.get("findings", []))
                found += [f for f in self.findings if f.get("code") in codes and f.get("subject") == subject]
        return found

    @property
    def gpu_usable(self):
        """True when a usable NVIDIA GPU is visible to CUDA programs here."""
        return bool(self._data["verdict"]["gpu_usable"])

    def framework(self, name, python=None):
        """The framework entry for `name` in interpreter `python` (default: this one), or None."""
        python = str(python or sys.executable)
        for env in self.environments:
            if env.get("interpreter") == python:
                for framework in env.get("frameworks", []):
                    if framework.get("name") == name:
                        return framework
        return None

    def _repr_markdown_(self):
        return self._markdown

    def _repr_html_(self):
        parts = [badge(self.gpu_usable, "A GPU is usable here" if self.gpu_usable else "No usable GPU here")]
        if self.devices:
            rows = [(d.get("index"), d.get("name"), d.get("uuid"), d.get("compute_capability")) for d in self.devices]
            parts.append(table(["GPU", "name", "UUID", "compute capability"], rows))
        rows = [
            (env.get("interpreter"), f.get("name"), f.get("version"), _RUNS_ON.get(f.get("outcome"), "CPU"))
            for env in self.environments
            for f in env.get("frameworks", [])
        ]
        if rows:
            parts.append(table(["python", "framework", "version", "runs on"], rows))
        if self.findings:
            parts.append("<ul>" + "".join(finding(f) for f in self.findings) + "</ul>")
        return "<div>" + "".join(parts) + "</div>"

    def __repr__(self):
        state = "GPU usable" if self.gpu_usable else "no usable GPU"
        return f"<gpuwise.Report: {state}, {len(self.devices)} device(s), {len(self.findings)} finding(s)>"


def doctor(python=None, system=None):
    """Diagnoses this machine, the interpreter `python` (default: the one running this code) and
    every Jupyter kernel; `system` reads a recorded machine (`gpuwise doctor --json`) instead.

    Raises InputError when `system` cannot be read.
    """
    pythons = [str(python or sys.executable)]
    text, markdown = checked(_gpuwise.doctor, pythons, None if system is None else str(system))
    return Report(json.loads(text), markdown)
