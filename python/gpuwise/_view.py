"""What every result object shares: its JSON fields read as attributes, and plain-data exports."""

import json


class JsonView:
    """A result backed by the JSON gpuwise printed for it; its fields read as attributes."""

    def __init__(self, data):
        self._data = data

    def __getattr__(self, name):
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self):
        """The result as plain data."""
        return json.loads(json.dumps(self._data))

    def to_json(self, indent=2):
        """The result as JSON text."""
        return json.dumps(self._data, indent=indent)
