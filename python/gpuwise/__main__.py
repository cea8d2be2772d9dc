"""The `gpuwise` command, from the wheel: `gpuwise ...` or `python -m gpuwise ...`."""

import sys

from . import _gpuwise


def main():
    """Runs the command line and exits with its status."""
    sys.exit(_gpuwise.main(["gpuwise", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
