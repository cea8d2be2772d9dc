"""The page with JavaScript off: a plain form the server answers, mistakes included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from serve_support import Cli, Served, assert_matches_cli, browsing, control, query_pairs


@pytest.fixture
def plain(browser: Browser, served: Served) -> Iterator[Page]:
    """The calculator in a browser that runs no script."""
    with browsing(browser, java_script_enabled=False) as page:
        page.goto(served.url)
        yield page


def submit(page: Page) -> None:
    """Presses Estimate and waits for the server's page."""
    with page.expect_navigation():
        page.get_by_role("button", name="Estimate").click()


def test_the_form_submits_and_the_server_answers(plain: Page, cli: Cli) -> None:
    for label, size in (("M", "1024"), ("N", "512"), ("K", "2Ki")):
        control(plain, "textbox", label).fill(size)
    control(plain, "combobox", "GPU").select_option("h200")
    control(plain, "checkbox", "Data already on the GPU").check()
    submit(plain)
    pairs = query_pairs(plain.url)
    assert [value for key, value in pairs if key == "shape"] == ["1024", "512", "2Ki"], pairs
    assert ("gpu", "h200") in pairs and ("resident", "on") in pairs, pairs
    estimate = assert_matches_cli(plain, cli)
    assert (estimate["shape"], estimate["gpu"]["name"], estimate["scenario"]["resident"]) == (
        [1024, 512, 2048],
        "h200",
        True,
    )
    expect(control(plain, "checkbox", "Data already on the GPU")).to_be_checked()


def test_a_mistake_is_shown_by_the_server(plain: Page, cli: Cli) -> None:
    repeats = control(plain, "textbox", "Repeats")
    repeats.fill("-1")
    submit(plain)
    expect(plain.get_by_role("alert")).to_have_text("Repeats cannot be negative, got `-1`")
    expect(repeats).to_have_attribute("aria-invalid", "true")
    expect(repeats).to_have_value("-1")
    repeats.fill("2")
    submit(plain)
    expect(plain.get_by_role("alert")).to_have_count(0)
    assert_matches_cli(plain, cli)


def test_the_operation_tabs_are_links(plain: Page, cli: Cli) -> None:
    with plain.expect_navigation():
        plain.locator("nav.ops").get_by_role("link", name="elementwise", exact=True).click()
    expect(plain.locator("nav.ops [aria-current=page]")).to_have_text("elementwise")
    estimate = assert_matches_cli(plain, cli)
    assert estimate["op"] == "elementwise"
