"""The `gpuwise` command, from the wheel: `gpuwise ...` or `python -m gpuwise ...`."""

from __future__ import annotations

import sys
from typing import NoReturn

from . import _gpuwise


def main() -> NoReturn:
    """Runs the command line and exits with its status."""
    sys.exit(_gpuwise.main(["gpuwise", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
