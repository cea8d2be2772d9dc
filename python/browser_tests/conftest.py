"""Fixtures of the browser tests: `gpuwise serve` started on a free port with a recorded H100
machine as "this machine", Debian's headless Chromium driven by Playwright, and a fresh page of
the calculator for each test.

The binary, Chromium and the screenshots' folder come from the environment scripts/browser-tests
sets (GPUWISE_BIN, GPUWISE_CHROMIUM, GPUWISE_PICTURES), with defaults for a run by hand.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
from serve_support import GUARD_MS, REPO, SYSTEM, Cli, Served, browsing

# How long the server may take to say where it listens, and to stop: guards against a hang,
# not measurements (a working server needs a fraction of a second for either).
START_LIMIT_S = 60.0
STOP_LIMIT_S = 30.0

expect.set_options(timeout=GUARD_MS)


def _binary() -> Path:
    """The gpuwise binary under test."""
    path = Path(os.environ.get("GPUWISE_BIN", REPO / "target" / "debug" / "gpuwise"))
    if not path.is_file():
        pytest.exit(f"{path} is missing: build it with `cargo build -p gpuwise --locked`", returncode=2)
    return path


def _chromium() -> str:
    """Debian's Chromium (Playwright's own browser builds are not downloaded)."""
    path = os.environ.get("GPUWISE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.exit("no Chromium: scripts/chromium finds or installs one", returncode=2)
    return path


@pytest.fixture(scope="session")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The variables the server and the command line both run with: the same ones, and no
    machine profile (a developer's own `gpuwise bench --calibrate` would change the numbers)."""
    env = dict(os.environ)
    env["GPUWISE_PROFILE"] = str(tmp_path_factory.mktemp("profile") / "none.json")
    return env


@pytest.fixture(scope="session")
def cli(environment: dict[str, str]) -> Cli:
    """`gpuwise` on the command line, on the same recorded machine as the server."""
    return Cli(binary=_binary(), env=environment)


def _read_url(process: subprocess.Popen[str]) -> str:
    """The address the server prints on its first line."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=START_LIMIT_S):
            process.kill()
            pytest.fail(f"gpuwise serve printed nothing in {START_LIMIT_S:.0f} s")
    line = process.stdout.readline().strip()
    prefix, _, rest = line.partition("http://")
    assert prefix == "Serving the calculator at ", line
    assert rest.endswith("/ (Ctrl-C stops it)"), line
    return "http://" + rest.removesuffix(" (Ctrl-C stops it)")


@pytest.fixture(scope="session")
def served(cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`gpuwise serve --port 0 --system h100-sxm.json`, stopped with Ctrl-C (SIGINT) at the end,
    which must end it cleanly: exit status 0 and `Stopped.`."""
    stderr_path = tmp_path_factory.mktemp("serve") / "stderr.txt"
    # Run from the repository with the path as a person types it: the page shows it.
    command = [str(cli.binary), "serve", "--port", "0", "--system", str(SYSTEM.relative_to(REPO))]
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=cli.env, cwd=REPO)
    try:
        yield Served(url=_read_url(process))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=STOP_LIMIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        finally:
            if process.stdout is not None:
                process.stdout.close()
    said = stderr_path.read_text()
    assert code == 0, f"gpuwise serve exited with {code} on SIGINT; it said:\n{said}"
    assert said.rstrip().endswith("Stopped."), said


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless Chromium from Debian's package."""
    chromium = playwright.chromium.launch(executable_path=_chromium(), headless=True)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser, served: Served) -> Iterator[Page]:
    """The calculator as a new visitor sees it (the default matmul example), in a fresh browser
    profile with a wide window in the light scheme."""
    with browsing(browser) as fresh:
        fresh.goto(served.url)
        yield fresh


@pytest.fixture(scope="session")
def pictures() -> Path:
    """Where screenshots go."""
    folder = Path(os.environ.get("GPUWISE_PICTURES", REPO / "target" / "pictures" / "serve"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
