"""Runs gpuwise's notebook views in a real Jupyter kernel, exports each notebook as nbconvert's HTML
(the page people share) and photographs it with headless Chromium, so every view is looked at as
a picture. Writes OUT/NAME.html and OUT/NAME.png; exits non-zero when a cell fails, a view lacks
what it must show, or a picture is missing or blank.

Usage: python notebook_pictures.py OUT CHROMIUM   (run with the interpreter gpuwise is installed in)
"""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

REPO = Path(__file__).resolve().parents[1]
SYSTEMS = REPO / "fixtures" / "systems"

# Each notebook: its cells, and text its exported page must contain.
NOTEBOOKS: dict[str, tuple[list[str], list[str]]] = {
    "doctor-old-driver": (
        ["import gpuwise", f"gpuwise.doctor(system={str(SYSTEMS / 'old-driver-470.json')!r})"],
        ["GW116", "The driver is too old for current CUDA builds"],
    ),
    "doctor-no-gpu": (
        ["import gpuwise", f"gpuwise.doctor(system={str(SYSTEMS / 'no-gpu-this-machine.json')!r})"],
        ["GW109"],
    ),
    "estimate": (
        [
            "import gpuwise",
            'gpuwise.estimate("matmul", "4096x4096x4096", gpu="h100-sxm", cpu="epyc-9654")',
        ],
        ["faster on the GPU", "<svg"],
    ),
    "bench": (
        ["import gpuwise", 'gpuwise.bench(op=["reduction", "matmul"], cpu_only=True, progress=False)'],
        ["every result checked right", "white-space:pre"],
    ),
    "print": (
        [
            "import gpuwise",
            f"print(gpuwise.doctor(system={str(SYSTEMS / 'h100-sxm.json')!r}))",
            'print(gpuwise.estimate("fft", "4096x4096", gpu="a100-80gb", cpu="epyc-9654"))',
        ],
        ["NVIDIA H100", "fft 4096x4096"],
    ),
}


def run(cells: list[str]) -> str:
    """The notebook of `cells`, executed in a fresh python3 kernel, as nbconvert's HTML page."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    NotebookClient(notebook, kernel_name="python3", timeout=600).execute()
    body, _ = HTMLExporter().from_notebook_node(notebook)
    return body


def is_blank(png: Path) -> bool:
    """True when the picture is not a PNG or its pixel data holds at most three distinct byte
    values (a page of one colour)."""
    data = png.read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return True
    chunks, at = b"", 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            chunks += data[at + 8 : at + 8 + length]
        at += 12 + length
    pixels = zlib.decompress(chunks)
    return len(set(pixels)) <= 3


def main() -> int:
    out, chromium = Path(sys.argv[1]).resolve(), sys.argv[2]
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for name, (cells, must_show) in NOTEBOOKS.items():
        page = run(cells)
        html = out / f"{name}.html"
        html.write_text(page)
        missing = [text for text in must_show if text not in page]
        png = out / f"{name}.png"
        png.unlink(missing_ok=True)
        try:
            subprocess.run(
                [
                    chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--hide-scrollbars",
                    f"--screenshot={png}",
                    "--window-size=1100,2400",
                    html.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=600,  # a screenshot takes seconds; this only bounds a Chromium that hangs
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            failed.append(f"{name}: Chromium failed: {err}")
            continue
        if missing or not png.exists() or is_blank(png):
            failed.append(f"{name}: missing {missing}" if missing else f"{name}: no picture or a blank one")
        print(f"   {png}")
    for failure in failed:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
