"""Screenshots of the page as people see it: light and dark on a wide screen, and a phone's
narrow screen. Each is a test artefact (target/pictures/serve/) and is checked for what a look
at it would catch: the scheme's colours, text that stands out from its background, and nothing
wider than the screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from serve_support import WIDE, Served, browsing

NARROW: ViewportSize = {"width": 390, "height": 844}

# Each picture: the browser's settings, and the page's background in that scheme.
VIEWS: dict[str, tuple[dict[str, Any], str]] = {
    "light": ({"viewport": WIDE, "color_scheme": "light"}, "rgb(255, 255, 255)"),
    "dark": ({"viewport": WIDE, "color_scheme": "dark"}, "rgb(13, 17, 23)"),
    "narrow": (
        {"viewport": NARROW, "color_scheme": "light", "is_mobile": True, "has_touch": True, "device_scale_factor": 1},
        "rgb(255, 255, 255)",
    ),
}

# A small PNG (under 20 KB) of a whole page would be a blank or broken one.
SMALLEST_PNG = 20_000

# Text whose contrast with what is behind it is checked in each scheme (WCAG AA: 4.5:1).
CONTRASTED = [
    "header p",
    "nav.ops a[aria-current=page]",
    "nav.ops a:not([aria-current])",
    ".field .help",
    "button[type=submit]",
    "#verdict",
    "p.work",
    "#times td",
    "figcaption",
    "#machine-panel p.verdict",
    "#machine-panel p.note a",
    "footer",
]
LEAST_CONTRAST = 4.5

# The colour of an element's text and of the first background behind it that is not clear.
COLOURS = r"""(element) => {
    let behind = element;
    let background = "rgb(255, 255, 255)";
    while (behind) {
        const colour = getComputedStyle(behind).backgroundColor;
        if (!/^rgba\(.*, 0\)$/.test(colour) && colour !== "transparent") {
            background = colour;
            break;
        }
        behind = behind.parentElement;
    }
    return [getComputedStyle(element).color, background];
}"""


def luminance(colour: str) -> float:
    """The relative luminance of a CSS `rgb(r, g, b)` colour (WCAG 2)."""
    channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(text: str, background: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(text), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_readable(page: Page, view: str) -> None:
    """Checks the text CONTRASTED names stands out from its background."""
    for selector in CONTRASTED:
        text, background = page.locator(selector).first.evaluate(COLOURS)
        ratio = contrast(text, background)
        assert ratio >= LEAST_CONTRAST, f"{view}: {selector} is {text} on {background}, {ratio:.1f}:1"


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_a_screenshot_of_each_view(browser: Browser, served: Served, pictures: Path, view: str) -> None:
    settings, background = VIEWS[view]
    with browsing(browser, **settings) as page:
        page.goto(served.url)
        expect(page.locator("#machine-panel p.verdict")).to_be_visible()
        expect(page.locator("figure.chart svg")).to_be_visible()
        page.evaluate("() => document.fonts.ready.then(() => true)")
        assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == background
        assert_readable(page, view)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the {view} page is {overflow} px wider than the window"
        path = pictures / f"{view}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > SMALLEST_PNG, path
