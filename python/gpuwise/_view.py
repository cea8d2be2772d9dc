"""What every result object shares: its JSON fields read as attributes, and plain-data exports."""

from __future__ import annotations

import json
from typing import Any


class JsonView:
    """A result backed by the JSON gpuwise printed for it; its fields read as attributes, and it
    prints as the command line shows it."""

    def __init__(self, data: dict[str, Any], text: str) -> None:
        self._data = data
        self.text = text
        """The terminal view, without colour."""

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Terminal IPython shows the text view (notebooks use the HTML view)."""
        printer.text(self.text)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data."""
        data: dict[str, Any] = json.loads(json.dumps(self._data))
        return data

    def to_json(self, indent: int | str | None = 2) -> str:
        """The result as JSON text."""
        return json.dumps(self._data, indent=indent)
