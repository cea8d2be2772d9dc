"""The calculator in a real browser: what a new page shows, typing and choosing by keyboard,
shared addresses, the operation tabs, GPUs side by side and the rule of thumb; every number the
page shows is checked against `gpuwise estimate --json` run with the command the page gives."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from serve_support import (
    SYSTEM,
    Cli,
    Served,
    assert_matches_cli,
    browsing,
    command,
    control,
    options,
    query_pairs,
    rounds_to,
    same_number,
    settle,
    times,
    updates,
)


def assert_options(page: Page, expected: dict[str, str | None]) -> None:
    """Checks the page's command line gives the options `expected` holds (and maybe others)."""
    given = options(command(page))
    assert {option: given.get(option, "(not given)") for option in expected} == expected, command(page)


def test_a_new_page_answers_the_matmul_example_as_the_command_line_does(page: Page, cli: Cli) -> None:
    assert command(page) == f"gpuwise estimate --op matmul --shape 4096,4096,4096 --system {SYSTEM}"
    estimate = assert_matches_cli(page, cli)
    speedup = estimate["speedup"]
    verdict = page.locator("p#verdict").inner_text()
    shown = re.search(r"(\d+(?:\.\d+)?x) (faster|slower) on the GPU", verdict)
    assert shown, verdict
    assert shown.group(2) == ("faster" if speedup >= 1 else "slower")
    assert rounds_to(shown.group(1), speedup if speedup >= 1 else 1 / speedup, speedup=True), (verdict, speedup)
    texts = page.locator("table#times td[data-seconds]").all_inner_texts()
    assert all(rounds_to(text, value) for text, value in zip(texts, times(page))), texts
    break_even = "x".join(str(n) for n in estimate["break_even"]["shape"])
    expect(page.locator("dd#break-even")).to_contain_text(f"matmul {break_even}")


def test_the_chart_draws_both_curves_your_size_and_the_break_even(page: Page, cli: Cli) -> None:
    estimate = cli.estimate(command(page))
    chart = page.locator("figure.chart div[role=img]")
    label = chart.get_attribute("aria-label") or ""
    assert label.startswith("Chart of GPU and CPU time per call against matrix size"), label
    assert "Break-even: matmul" in label
    svg = chart.locator("svg")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200, box
    # Each curve is a line of many points (the model at sizes around yours); the marks are dots.
    points = svg.locator("polyline").evaluate_all("(lines) => lines.map((l) => l.points.numberOfItems)")
    assert sum(1 for n in points if n >= 20) >= 2, points
    assert svg.locator("circle").count() >= 2
    words = " ".join(" ".join(text.split()) for text in svg.locator("text").all_text_contents())
    for mark in ("your size", "break-even", "CPU:", "GPU incl. copies:"):
        assert mark in words, (mark, words)
    at_your_size = re.search(r"GPU ([\d.]+ [a-z]+), CPU ([\d.]+ [a-z]+)", words)
    assert at_your_size, words
    assert rounds_to(at_your_size.group(1), estimate["gpu"]["total_seconds"])
    assert rounds_to(at_your_size.group(2), estimate["cpu"]["seconds"])


def test_every_answer_says_how_long_the_server_took(served: Served, page: Page) -> None:
    for address in ("", "results?op=fft&shape=1024", "api/estimate?op=fft&shape=1024", "style.css"):
        response = page.request.get(served.url + address)
        assert response.ok, address
        assert re.fullmatch(r"app;dur=\d+(\.\d+)?", response.headers["server-timing"]), response.headers


def test_typing_sizes_and_choosing_by_keyboard_updates_the_answer_and_the_address(page: Page, cli: Cli) -> None:
    before = updates(page)
    control(page, "textbox", "M").focus()
    for size in ("2048", "8192", "1Ki"):  # M, then N and K after a Tab each
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(size)
        page.keyboard.press("Tab")
    dtype = control(page, "combobox", "Number format")
    dtype.focus()
    page.keyboard.press("ArrowDown")  # f32 -> tf32
    page.keyboard.press("ArrowDown")  # tf32 -> bf16
    expect(dtype).to_have_value("bf16")
    control(page, "combobox", "GPU").select_option("a100-80gb")
    settle(page, before)
    assert_options(page, {"--op": "matmul", "--shape": "2048,8192,1Ki", "--dtype": "bf16", "--gpu": "a100-80gb"})
    estimate = assert_matches_cli(page, cli)
    assert (estimate["shape"], estimate["dtype"], estimate["gpu"]["name"]) == ([2048, 8192, 1024], "bf16", "a100-80gb")
    pairs = query_pairs(page.url)
    assert [value for key, value in pairs if key == "shape"] == ["2048", "8192", "1Ki"], pairs
    assert ("dtype", "bf16") in pairs and ("gpu", "a100-80gb") in pairs, pairs


def test_a_shared_address_shows_the_same_answer_with_and_without_script(page: Page, browser: Browser, cli: Cli) -> None:
    before = updates(page)
    control(page, "textbox", "Repeats").fill("100")
    control(page, "checkbox", "Host buffers are pageable").check()
    control(page, "combobox", "CPU").select_option("epyc-9654")
    settle(page, before)
    shared, shown, said = page.url, times(page), command(page)
    assert_options(page, {"--shape": "4096,4096,4096", "--cpu": "epyc-9654", "--pageable": None, "--repeats": "100"})
    assert_matches_cli(page, cli)
    for script in (True, False):
        with browsing(browser, java_script_enabled=script) as other:
            other.goto(shared)
            assert times(other) == shown, script
            assert command(other) == said, script
            expect(control(other, "textbox", "Repeats")).to_have_value("100")
            expect(control(other, "checkbox", "Host buffers are pageable")).to_be_checked()
            expect(control(other, "combobox", "CPU")).to_have_value("epyc-9654")


def switch_to(page: Page, op: str, *, by_keyboard: bool = False) -> None:
    """Follows the operation tab `op` (a plain link), by mouse or by keyboard."""
    tab = page.locator("nav.ops").get_by_role("link", name=op, exact=True)
    with page.expect_navigation():
        if by_keyboard:
            tab.focus()
            page.keyboard.press("Enter")
        else:
            tab.click()
    expect(page.locator("nav.ops [aria-current=page]")).to_have_text(op)


def test_the_operation_tabs_switch_and_keep_the_shared_inputs(page: Page, cli: Cli) -> None:
    before = updates(page)
    control(page, "combobox", "Number format").select_option("f64")
    settle(page, before)
    for op, by_keyboard in (("conv2d", False), ("fft", True), ("custom", False)):
        switch_to(page, op, by_keyboard=by_keyboard)
        expect(page.locator("p#verdict")).to_be_visible()
        expect(control(page, "combobox", "Number format")).to_have_value("f64")
        assert_options(page, {"--op": op, "--dtype": "f64"})
        estimate = assert_matches_cli(page, cli)
        assert (estimate["op"], estimate["dtype"]) == (op, "f64")
    assert_options(page, {"--flops": "1e12", "--bytes-in": "1e9", "--bytes-out": "1e9"})


def test_gpus_side_by_side_match_the_command_line_for_each_gpu(page: Page, cli: Cli) -> None:
    table = {gpu["name"]: gpu["display"] for gpu in cli.gpus()}
    chosen = ["a100-80gb", "l4"]
    assert all(name in table for name in chosen), sorted(table)
    page.get_by_text("Compare GPUs side by side").click()
    before = updates(page)
    for name in chosen:
        control(page, "checkbox", table[name]).check()
    settle(page, before)
    rows = page.locator("table#compare tbody tr[data-gpu]")
    main = cli.estimate(command(page))
    assert rows.evaluate_all("(rows) => rows.map((r) => r.dataset.gpu)") == [main["gpu"]["name"], *chosen]
    for i, name in enumerate(chosen, start=1):
        row = rows.nth(i)
        expect(row.locator("th")).to_have_text(table[name])
        estimate = cli.estimate(command(page), gpu=name)
        seconds = float(row.locator("td[data-seconds]").get_attribute("data-seconds") or "nan")
        speedup = float(row.locator("td[data-speedup]").get_attribute("data-speedup") or "nan")
        assert same_number(seconds, estimate["gpu"]["total_seconds"]), (name, seconds)
        assert same_number(speedup, estimate["speedup"]), (name, speedup)
    first = float(rows.nth(0).locator("td[data-seconds]").get_attribute("data-seconds") or "nan")
    assert same_number(first, main["gpu"]["total_seconds"])
    assert query_pairs(page.url).count(("compare", "l4")) == 1


def test_the_rule_of_thumb_shows_the_command_lines_seed_model(page: Page, cli: Cli) -> None:
    page.get_by_text("What the core-count rule of thumb says").click()
    before = updates(page)
    control(page, "checkbox", "Show the rule of thumb").check()
    control(page, "textbox", "CPU factor").fill("2")
    settle(page, before)
    assert_options(page, {"--rule-of-thumb": None, "--cpu-factor": "2"})
    estimate = cli.estimate(command(page))
    seed = estimate["seed_model"]
    assert seed["inputs"]["cpu_factor"] == 2.0
    answer = seed["answer"]
    expected = {
        "GPU computation": (answer["gpu_ms"] / 1e3, estimate["gpu"]["compute_seconds"]),
        "CPU computation": (answer["cpu_ms"] / 1e3, estimate["cpu"]["seconds"]),
        "Data transfer": (answer["transfer_ms"] / 1e3, estimate["gpu"]["transfer_seconds"]),
        "Total GPU": (answer["total_gpu_ms"] / 1e3, estimate["gpu"]["total_seconds"]),
        "Speedup": (answer["speedup"], estimate["speedup"]),
    }
    rows = page.locator("table#rule-of-thumb tbody tr")
    expect(rows).to_have_count(len(expected))
    for i, (what, (rule, model)) in enumerate(expected.items()):
        row = rows.nth(i)
        expect(row.locator("th")).to_have_text(what)
        cells = row.locator("td").all_inner_texts()
        is_speedup = what == "Speedup"
        assert rounds_to(cells[0], rule, speedup=is_speedup), (what, cells[0], rule)
        assert rounds_to(cells[1], model, speedup=is_speedup), (what, cells[1], model)
    why = page.locator("#results table#rule-of-thumb ~ ul").first.locator("li").all_inner_texts()
    assert why == seed["why"]
