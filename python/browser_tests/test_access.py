"""Keyboard and screen-reader basics: every control has a label, the answer is a live region,
the page has one top heading, every control is reached with Tab, and focus is visible."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

# The most Tab presses from the top of the page to the Estimate button (the form has about 30
# stops with its sections closed): a bound on the walk, so a focus trap fails rather than hangs.
MOST_TABS = 120

LABEL_OF = """(control) => {
    const label = control.labels && control.labels[0];
    return label ? label.textContent.trim() : "";
}"""

FOCUSED = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    return {
        id: e.dataset.stop || "",
        tag: e.tagName.toLowerCase(),
        text: (e.textContent || "").trim(),
        outline: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        left: box.left,
        top: box.top,
    };
}"""

ROLES = {"select": "combobox", "checkbox": "checkbox"}


def test_the_page_has_one_top_heading_a_language_and_a_live_answer(page: Page) -> None:
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    results = page.locator("#results")
    expect(results).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("region", name="The answer")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Operation")).to_be_visible()
    expect(page.locator("nav.ops [aria-current=page]")).to_have_text("matmul")
    chart = page.locator("figure.chart").get_by_role("img", name=re.compile(r"^Chart of GPU and CPU time"))
    expect(chart).to_have_count(1)


def test_every_input_and_choice_has_a_label(page: Page) -> None:
    controls = page.locator("#calculator :is(input:not([type=hidden]), select)")
    assert controls.count() > 20
    for i in range(controls.count()):
        control = controls.nth(i)
        label = control.evaluate(LABEL_OF)
        handle = control.element_handle()
        assert label, control.evaluate("(e) => e.outerHTML")
        # Found by its label as Playwright reads labels, and named by it as screen readers are
        # (closed sections included: opening them shows the same controls).
        by_label = page.get_by_label(label)
        assert by_label.evaluate_all("(found, one) => found.includes(one)", handle), label
        kind = control.evaluate("(e) => e.tagName === 'SELECT' ? 'select' : e.type")
        role: Any = ROLES.get(kind, "textbox")
        by_role = page.get_by_role(role, name=re.compile(rf"^{re.escape(label)}"), include_hidden=True)
        assert by_role.evaluate_all("(found, one) => found.includes(one)", handle), (role, label)


def tab_walk(page: Page) -> list[dict[str, Any]]:
    """Presses Tab from the top of the page until the Estimate button has focus; what had focus
    at each stop."""
    page.evaluate(
        """() => document.querySelectorAll("a, input, select, button, summary")
            .forEach((e, i) => { e.dataset.stop = String(i); })"""
    )
    stops: list[dict[str, Any]] = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if stops[-1]["tag"] == "button":
            return stops
    raise AssertionError(f"Estimate not reached in {MOST_TABS} Tabs: {stops}")


def test_tab_reaches_every_control_with_a_visible_focus(page: Page) -> None:
    stops = tab_walk(page)
    first = stops[0]
    assert first["text"] == "Skip to the answer", first
    assert first["left"] >= 0 and first["top"] >= 0, "the skip link shows when it has focus"
    for stop in stops:
        assert stop["outline"] == "solid" and stop["width"] >= 2, stop
    reached = {stop["id"] for stop in stops}
    shown = page.locator("#calculator :is(input:not([type=hidden]), select, summary, a):visible")
    wanted = shown.evaluate_all("(all) => all.map((e) => e.dataset.stop)")
    assert set(wanted) <= reached, sorted(set(wanted) - reached)


def test_the_skip_link_leads_to_the_answer(page: Page) -> None:
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the answer")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#results$"))
    expect(page.locator("#results")).to_be_in_viewport()
