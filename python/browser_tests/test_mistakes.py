"""Bad input in a real browser: the page says what is wrong in the words the JSON API uses, as an
alert, marks the field for screen readers, and answers again once the input is fixed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect
from serve_support import Cli, Served, assert_matches_cli, control, settle, updates


def api_error(page: Page, served: Served) -> dict[str, Any]:
    """What `/api/estimate` answers for the page's inputs: a 400 with the input and message."""
    response = page.request.get(f"{served.url}api/estimate?{urlsplit(page.url).query}")
    assert response.status == 400, response.text()
    error: dict[str, Any] = response.json()["error"]
    return error


def assert_refused(page: Page, served: Served, input_name: str, fields: Locator) -> None:
    """Checks the page's alert is the API's message about `input_name`, and `fields` are marked."""
    alert = page.locator("#results").get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_have_attribute("id", "error")
    expect(alert).to_have_attribute("data-input", input_name)
    assert api_error(page, served) == {"input": input_name, "message": alert.inner_text()}
    expect(page.locator("#results #verdict")).to_have_count(0)
    for i in range(fields.count()):
        expect(fields.nth(i)).to_have_attribute("aria-invalid", "true")
        expect(fields.nth(i)).to_have_attribute("aria-describedby", "error")


def assert_answered(page: Page, cli: Cli) -> None:
    """Checks the page answers again: no alert, no field marked, the numbers right."""
    expect(page.locator("#results").get_by_role("alert")).to_have_count(0)
    expect(page.locator("#calculator [aria-invalid]")).to_have_count(0)
    expect(page.locator("#results #verdict")).to_be_visible()
    assert_matches_cli(page, cli)


def test_negative_repeats_are_refused_then_fixed(page: Page, served: Served, cli: Cli) -> None:
    repeats = control(page, "textbox", "Repeats")
    before = updates(page)
    repeats.fill("-1")
    settle(page, before)
    assert_refused(page, served, "repeats", repeats)
    expect(page.get_by_role("alert")).to_have_text("Repeats cannot be negative, got `-1`")
    before = updates(page)
    repeats.fill("3")
    settle(page, before)
    assert_answered(page, cli)


def test_a_size_that_is_not_a_number_is_refused_then_fixed(page: Page, served: Served, cli: Cli) -> None:
    sizes = page.locator("#calculator input[name=shape]")
    before = updates(page)
    for label, size in (("M", "8"), ("N", "8"), ("K", "ab")):
        control(page, "textbox", label).fill(size)
    settle(page, before)
    assert_refused(page, served, "shape", sizes)
    expect(page.get_by_role("alert")).to_contain_text("got `ab`")
    before = updates(page)
    control(page, "textbox", "K").fill("8")
    settle(page, before)
    assert_answered(page, cli)


def test_an_unknown_gpu_in_the_address_is_refused_then_fixed(page: Page, served: Served, cli: Cli) -> None:
    page.goto(f"{served.url}?op=matmul&shape=8,8,8&gpu=no-such-gpu")
    gpu = control(page, "combobox", "GPU")
    expect(gpu).to_have_value("no-such-gpu")
    assert_refused(page, served, "gpu", gpu)
    expect(page.get_by_role("alert")).to_contain_text("no-such-gpu")
    before = updates(page)
    gpu.select_option("h100-pcie")
    settle(page, before)
    assert_answered(page, cli)
