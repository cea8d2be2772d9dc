"""How fast `gpuwise serve` answers, beside `gpuwise estimate --json` for the same inputs.

Starts `gpuwise serve --port 0 --system SYSTEM`, then in one run:
- sends estimate requests (`/api/estimate`, several operations and sizes) and page requests
  (`/`, the whole page with its chart and this machine's panel), and reads the server's own time
  from each answer's `Server-Timing` header, and the round trip seen by the client;
- runs `gpuwise estimate --json` with the same inputs as separate processes (what a notebook
  or script pays per answer without the server);
- when Playwright and Chromium are available (scripts/browser-tests' environment), loads the
  page in headless Chromium and reads its first contentful paint.
Prints a Markdown table; targets: an estimate in under 5 ms of server time, the page's first
render in under 200 ms.

Usage: python benches/serve_latency.py [--binary target/release/gpuwise] [--system FILE]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Inputs as the command line takes them; the server takes the same keys.
CASES = [
    {"op": "matmul", "shape": "4096,4096,4096", "gpu": "h100-sxm"},
    {"op": "matmul", "shape": "1024,1024,1024", "dtype": "bf16", "gpu": "auto"},
    {"op": "conv2d", "shape": "32,64,56,56,64,3,3", "padding": "1", "gpu": "a100-80gb"},
    {"op": "fft", "shape": "1048576", "batch": "8", "gpu": "l4"},
    {"op": "elementwise", "shape": "100000000", "gpu": "h100-sxm", "repeats": "100"},
]


def query(case: dict[str, str]) -> str:
    """The case as a query string."""
    return "&".join(f"{key}={value}" for key, value in case.items())


def argv(case: dict[str, str]) -> list[str]:
    """The case as `gpuwise estimate` options."""
    return [word for key, value in case.items() for word in (f"--{key.replace('_', '-')}", value)]


def fetch(url: str) -> tuple[float, float]:
    """Server time and round trip of GET `url`, in milliseconds."""
    started = time.perf_counter()
    with urllib.request.urlopen(url) as reply:
        reply.read()
        timing = reply.headers.get("Server-Timing", "")
    round_trip = (time.perf_counter() - started) * 1e3
    match = re.search(r"dur=([0-9.]+)", timing)
    if not match:
        raise SystemExit(f"no Server-Timing header from {url}")
    return float(match.group(1)), round_trip


def summary(values: list[float]) -> str:
    """`median / 95th percentile` in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered):.2f} / {p95:.2f}"


# The page's first contentful paint, ms after navigation began (null if none within 5 s).
PAINT = """() => new Promise((resolve) => {
    new PerformanceObserver((list) => {
        const paint = list.getEntriesByName("first-contentful-paint")[0];
        if (paint) resolve(paint.startTime);
    }).observe({ type: "paint", buffered: true });
    setTimeout(() => resolve(null), 5000);
})"""


def first_paint(url: str) -> list[float]:
    """First contentful paint of the page in headless Chromium, ms, over a few loads."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 (optional)
    except ImportError:
        return []
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return []
    paints = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        for _ in range(5):
            page = browser.new_page()
            page.goto(url)
            paint = page.evaluate(PAINT)
            if paint is not None:
                paints.append(float(paint))
            page.close()
        browser.close()
    return paints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(REPO / "target/release/gpuwise"))
    parser.add_argument("--system", default=str(REPO / "fixtures/systems/h100-sxm.json"))
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    server = subprocess.Popen(
        [args.binary, "serve", "--port", "0", "--system", args.system],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.search(r"http://\S+", line)
        if not found:
            raise SystemExit(f"gpuwise serve printed no address: {line!r}")
        base = found.group(0)
        fetch(f"{base}machine")  # waits for this machine's check to finish
        api_server, api_trip, page_server, page_trip, cli = [], [], [], [], []
        for _ in range(args.rounds):
            for case in CASES:
                server_ms, trip_ms = fetch(f"{base}api/estimate?{query(case)}")
                api_server.append(server_ms)
                api_trip.append(trip_ms)
            server_ms, trip_ms = fetch(base)
            page_server.append(server_ms)
            page_trip.append(trip_ms)
        for case in CASES:
            for _ in range(max(3, args.rounds // 8)):
                started = time.perf_counter()
                subprocess.run(
                    [args.binary, "estimate", "--json", "--system", args.system, *argv(case)],
                    check=True,
                    capture_output=True,
                )
                cli.append((time.perf_counter() - started) * 1e3)
        paints = first_paint(base)
    finally:
        server.terminate()
        server.wait()
    print("| what | median / p95 (ms) | samples | target |")
    print("|---|---|---|---|")
    print(f"| `/api/estimate`, server time | {summary(api_server)} | {len(api_server)} | < 5 ms |")
    print(f"| `/api/estimate`, round trip (client) | {summary(api_trip)} | {len(api_trip)} | |")
    print(f"| `/` whole page, server time | {summary(page_server)} | {len(page_server)} | |")
    print(f"| `/` whole page, round trip (client) | {summary(page_trip)} | {len(page_trip)} | |")
    print(f"| `gpuwise estimate --json`, new process | {summary(cli)} | {len(cli)} | |")
    if paints:
        print(f"| page's first contentful paint (Chromium) | {summary(paints)} | {len(paints)} | < 200 ms |")
    else:
        print("| page's first contentful paint | not measured: Playwright or Chromium missing | | < 200 ms |")
    ratio = statistics.median(cli) / statistics.median(api_trip)
    print(f"\nAn answer from the server takes 1/{ratio:.0f} of a `gpuwise estimate --json` process (medians).")


if __name__ == "__main__":
    main()
