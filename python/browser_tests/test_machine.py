"""This machine's panel: doctor's answer for the recorded H100 machine the server was given, and
"Check again" with and without JavaScript."""

from __future__ import annotations

import json

from playwright.sync_api import Browser, Page, expect
from serve_support import SYSTEM, Cli, Served, browsing


def recorded_gpus() -> list[str]:
    """The GPU names the recorded machine lists."""
    system = json.loads(SYSTEM.read_text())
    system = system.get("system", system)
    return [device["name"] for device in system["devices"]]


def test_the_panel_shows_doctors_headline_and_the_recorded_gpus(page: Page, cli: Cli) -> None:
    panel = page.locator("#machine-panel")
    expect(panel.locator("p.verdict")).to_have_text(cli.doctor_headline())
    expect(panel.locator("p.note")).to_contain_text(f"Checked snapshot {SYSTEM}")
    names = recorded_gpus()
    assert names, "the fixture lists GPUs"
    for name in names:
        expect(panel.get_by_role("table", name="GPUs")).to_contain_text(name)
    expect(page.get_by_role("heading", name="This machine")).to_be_visible()


def test_check_again_replaces_the_panel_in_place(page: Page, cli: Cli) -> None:
    panel = page.locator("#machine-panel")
    verdict = panel.locator("p.verdict")
    expect(verdict).to_be_visible()
    address = page.url
    verdict.evaluate("(element) => { element.dataset.old = 'yes'; }")
    panel.get_by_role("link", name="Check again").click()
    expect(panel.locator("p.verdict:not([data-old])")).to_have_text(cli.doctor_headline())
    expect(panel).not_to_have_attribute("aria-busy", "true")
    assert page.url == address, "the script checks again without leaving the page"


def test_check_again_without_script_opens_the_machines_page(browser: Browser, served: Served, cli: Cli) -> None:
    with browsing(browser, java_script_enabled=False) as page:
        page.goto(f"{served.url}machine")
        with page.expect_navigation():
            page.get_by_role("link", name="Check again").click()
        assert page.url == f"{served.url}machine?refresh=1"
        expect(page.locator("#machine-panel p.verdict")).to_have_text(cli.doctor_headline())
        with page.expect_navigation():
            page.get_by_role("link", name="The calculator").click()
        expect(page.locator("#calculator")).to_be_visible()
