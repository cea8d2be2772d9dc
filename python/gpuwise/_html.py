"""Small HTML helpers for the notebook views."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

SEVERITY_COLOURS = {"error": "#b00020", "warning": "#b26a00", "info": "#1f5fa8"}


def badge(ok: bool, text: str) -> str:
    colour = "#1b7f3b" if ok else "#b00020"
    mark = "&#10003;" if ok else "&#10007;"
    return f'<div style="font-weight:600;color:{colour};margin:4px 0">{mark} {escape(text)}</div>'


def table(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    head = "".join(f'<th style="text-align:left;padding:2px 10px">{escape(str(h))}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="padding:2px 10px">{escape(str(c))}</td>' for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def finding(f: dict[str, Any]) -> str:
    colour = SEVERITY_COLOURS.get(f.get("severity", ""), "#444")
    return (
        f'<li><span style="color:{colour};font-weight:600">{escape(f.get("code", ""))} '
        f"{escape(f.get('severity', ''))}</span> {escape(f.get('title', ''))}"
        f'<br><span style="color:#555">{escape(f.get("detail", ""))}</span>'
        f"<br><b>Fix:</b> {escape(f.get('fix', ''))}</li>"
    )
