"""What the browser tests share: the command line's answers to compare the page with, and ways
to read the page's answer and to wait for the page to settle after an input changes."""

from __future__ import annotations

import json
import math
import re
import shlex
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Browser, Locator, Page, ViewportSize

REPO = Path(__file__).resolve().parents[2]
SYSTEM = REPO / "fixtures" / "systems" / "h100-sxm.json"

# The wide window the tests use unless they look at the narrow page.
WIDE: ViewportSize = {"width": 1280, "height": 900}

# How long a wait on the page may last before the test fails: a guard against a page that never
# gets there, far above what any step needs (the tests wait on conditions, never on time).
GUARD_MS = 60_000

# The page's four time rows, in order, and the field of `gpuwise estimate --json` each shows.
TIME_ROWS: list[tuple[str, tuple[str, str]]] = [
    ("GPU computation", ("gpu", "compute_seconds")),
    ("CPU computation", ("cpu", "seconds")),
    ("GPU total, with transfers", ("gpu", "total_seconds")),
    ("CPU total", ("cpu", "seconds")),
]

# Seconds in each unit `format_seconds` writes.
UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "days": 86_400.0,
    "years": 365.25 * 86_400.0,
}


@dataclass(frozen=True)
class Served:
    """A running `gpuwise serve`."""

    url: str


@dataclass(frozen=True)
class Cli:
    """The gpuwise binary, run with the server's variables and recorded machine."""

    binary: Path
    env: dict[str, str]

    def run_json(self, args: list[str]) -> Any:
        """`gpuwise ARGS` parsed as JSON (ARGS must ask for JSON)."""
        done = subprocess.run(
            [str(self.binary), *args], capture_output=True, text=True, env=self.env, check=False, timeout=120
        )
        assert done.returncode == 0, f"gpuwise {shlex.join(args)} failed ({done.returncode}):\n{done.stderr}"
        return json.loads(done.stdout)

    def estimate(self, command: str, **changes: str) -> dict[str, Any]:
        """The JSON of the `gpuwise estimate ...` command the page shows (which names the
        server's recorded machine), with the options `changes` names set (`gpu="l4"`)."""
        given = options(command)
        given.update({f"--{key.replace('_', '-')}": value for key, value in changes.items()})
        assert given.get("--system") == str(SYSTEM), f"the page's command names the server's machine: {command}"
        words = [word for option, value in given.items() for word in (option, value) if word is not None]
        result: dict[str, Any] = self.run_json(["estimate", *words, "--json"])
        return result

    def doctor_headline(self) -> str:
        """The first line `gpuwise doctor` prints for the server's recorded machine."""
        done = subprocess.run(
            [str(self.binary), "doctor", "--system", str(SYSTEM)],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[0].strip()

    def gpus(self) -> list[dict[str, Any]]:
        """The built-in GPU table (`gpuwise estimate --list-gpus --json`)."""
        table: list[dict[str, Any]] = self.run_json(["estimate", "--list-gpus", "--json"])["gpus"]
        return table


@contextmanager
def browsing(browser: Browser, **settings: Any) -> Iterator[Page]:
    """A page in a fresh browser profile with `settings` (Playwright's context options; a wide
    window in the light scheme unless they say otherwise), closed afterwards."""
    context = browser.new_context(**{"viewport": WIDE, "color_scheme": "light", **settings})
    context.set_default_timeout(GUARD_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def options(command: str) -> dict[str, str | None]:
    """The options of a `gpuwise estimate ...` command, in order: `{"--op": "matmul", ...}`,
    None for a flag."""
    words = shlex.split(command)
    assert words[:2] == ["gpuwise", "estimate"], command
    given: dict[str, str | None] = {}
    for word in words[2:]:
        if word.startswith("--"):
            given[word] = None
        else:
            last = next(reversed(given))
            assert given[last] is None, f"two values for {last} in {command}"
            given[last] = word
    return given


def same_number(shown: float, expected: float) -> bool:
    """True when two raw numbers agree to 1e-12 (relative): the page and the command line run
    the same model, so they agree exactly apart from how a float is written."""
    return math.isclose(shown, expected, rel_tol=1e-12, abs_tol=0.0)


def control(page: Page, role: Literal["textbox", "combobox", "checkbox"], label: str) -> Locator:
    """The form control of `role` whose accessible name starts with the words `label` (a size
    field's name is its label, then what it measures: `M rows of A and of the product`)."""
    name = re.compile(rf"^{re.escape(label)}(\s|$)")
    return page.locator("#calculator").get_by_role(role, name=name)


def command(page: Page) -> str:
    """The `gpuwise estimate ...` command the page says gives the same estimate."""
    return page.locator("code#command").inner_text().strip()


def times(page: Page) -> list[float]:
    """The raw seconds of the time table's four rows, in the order of TIME_ROWS."""
    rows = page.locator("table#times tbody tr")
    names = [" ".join(text.split()) for text in rows.locator("th").all_inner_texts()]
    assert names == [name for name, _ in TIME_ROWS]
    return [float(value) for value in _attribute_values(page, "table#times td[data-seconds]", "data-seconds")]


def _attribute_values(page: Page, selector: str, attribute: str) -> list[str]:
    """`attribute` of every element `selector` matches, in order."""
    values: list[str] = page.locator(selector).evaluate_all(
        "(elements, name) => elements.map((e) => e.getAttribute(name))", attribute
    )
    return values


def expected_times(estimate: dict[str, Any]) -> list[float]:
    """The four rows' seconds as `gpuwise estimate --json` gives them."""
    return [float(estimate[part][field]) for _, (part, field) in TIME_ROWS]


def assert_matches_cli(page: Page, cli: Cli) -> dict[str, Any]:
    """Checks every raw number of the page's answer against `gpuwise estimate --json` run with
    the command the page shows; returns that JSON."""
    estimate = cli.estimate(command(page))
    shown = times(page)
    expected = expected_times(estimate)
    assert all(same_number(s, e) for s, e in zip(shown, expected)), (shown, expected)
    speedup = float(page.locator("dd#speedup").get_attribute("data-speedup") or "nan")
    assert same_number(speedup, float(estimate["speedup"])), (speedup, estimate["speedup"])
    return estimate


def updates(page: Page) -> int:
    """How many times the script has put a new answer in place."""
    count: int = page.evaluate("() => Number(document.body.dataset.updates || 0)")
    return count


def settle(page: Page, before: int) -> None:
    """Waits until the script has answered the form as it is now: an update after `before`,
    the address holding the form's inputs, and no update under way. (An answer to an earlier
    state of the form leaves the address behind the form, so it does not count.)"""
    page.wait_for_function(
        """(before) => {
            const form = document.getElementById("calculator");
            const results = document.getElementById("results");
            const wanted = new URLSearchParams(new FormData(form)).toString();
            return Number(document.body.dataset.updates || 0) > before
                && location.search === `?${wanted}`
                && results !== null && !results.hasAttribute("aria-busy");
        }""",
        arg=before,
    )


def query_pairs(url: str) -> list[tuple[str, str]]:
    """The key-value pairs of `url`'s query, blanks kept."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def shown_seconds(text: str) -> tuple[float, float]:
    """A time as `format_seconds` writes it (`1.39 ms`) read back: the seconds, and half a unit
    of the last digit shown (how far the value it was written from may be)."""
    match = re.fullmatch(r"(\d+(?:\.(\d+))?) (\w+)", text.strip())
    assert match, f"not a time: {text!r}"
    scale = UNITS[match.group(3)]
    decimals = len(match.group(2) or "")
    return float(match.group(1)) * scale, 0.5 * 10.0**-decimals * scale


def shown_speedup(text: str) -> tuple[float, float]:
    """A speedup as the page writes it (`41x`, `3.5x`, `0.35x`): the value and half a unit of
    the last digit shown."""
    match = re.fullmatch(r"(\d+(?:\.(\d+))?)x", text.strip())
    assert match, f"not a speedup: {text!r}"
    decimals = len(match.group(2) or "")
    return float(match.group(1)), 0.5 * 10.0**-decimals


def rounds_to(text: str, value: float, *, speedup: bool = False) -> bool:
    """True when `text` is `value` rounded as the page writes it."""
    shown, half = shown_speedup(text) if speedup else shown_seconds(text)
    return abs(shown - value) <= half * (1 + 1e-9) + 1e-15 * abs(value)
