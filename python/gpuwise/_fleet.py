"""fleet(client): doctor on every worker of a Dask cluster, merged, as `gpuwise fleet dask` does."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any, Union

from . import _dask_fleet, _gpuwise
from ._errors import checked
from ._view import JsonView

PathLike = Union[str, "os.PathLike[str]"]


class Fleet(JsonView):
    """Many machines' reports merged: the fleet JSON contract of docs/DESIGN.md. Notebooks show
    it as tables (one row per group of identical nodes, the differences that matter, every
    finding with the nodes it concerns); print() shows the terminal view."""

    def __init__(self, data: dict[str, Any], text: str, markdown: str, html: str) -> None:
        super().__init__(data, text)
        self._markdown = markdown
        self._html = html

    @property
    def nodes(self) -> list[dict[str, Any]]:
        """Every node: its name, whether it answered (else why not), its summary and report."""
        nodes: list[dict[str, Any]] = self._data["nodes"]
        return nodes

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The differences between nodes (GW10xx) and every node's findings, each with its nodes."""
        findings: list[dict[str, Any]] = self._data["findings"]
        return findings

    @property
    def all_usable(self) -> bool:
        """True when every node answered and has a usable GPU."""
        return bool(self._data["verdict"]["all_usable"])

    def to_markdown(self) -> str:
        """The Markdown view."""
        return self._markdown

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        verdict = self._data["verdict"]
        return (
            f"<gpuwise.Fleet: {verdict['answered']} of {verdict['nodes']} node(s) answered, "
            f"{verdict['gpu_usable']} with a usable GPU>"
        )


def fleet(client: Any, *, python: PathLike | Iterable[PathLike] | None = None, timeout: float = 120.0) -> Fleet:
    """Runs doctor on every worker of the Dask cluster `client` is connected to (Dask,
    dask-cuda, a JupyterHub's Dask gateway), through the client's own `run`, and merges the
    reports. Each worker judges its own interpreter, or the interpreters `python` names; it
    reports through its gpuwise package, else the `gpuwise` program on its PATH. A worker that
    fails, or has not answered after `timeout` seconds, is reported and never holds up the rest.
    """
    if python is None:
        pythons: list[str] = []
    elif isinstance(python, (str, os.PathLike)):
        pythons = [os.fspath(python)]
    else:
        pythons = [os.fspath(p) for p in python]
    gathered = _dask_fleet.gather(client, pythons, float(timeout))
    data, text, markdown, html = checked(_gpuwise.fleet_merge, "dask", json.dumps(gathered))
    return Fleet(json.loads(data), text, markdown, html)
