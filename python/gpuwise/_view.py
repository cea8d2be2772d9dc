"""What every result object shares: its JSON fields read as attributes, and plain-data exports."""

from __future__ import annotations

import json
from typing import Any


class JsonView:
    """A result backed by the JSON gpuwise printed for it; its fields read as attributes."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

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
