"""The reports' Markdown twins are pasted into memos: a hostile CRM or customer value stays text."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from flows.reports.monthly_figures import monthly_figures
from flows.reports.periods import parse_month, parse_week
from flows.reports.queries import read_marts
from flows.reports.render import MARKDOWN
from flows.reports.weekly_figures import weekly_figures

HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) | **x**"


def hostile(value: Any) -> Any:
    """Every text field of the figures (account, CSM, theme, quote...) replaced by ``HOSTILE``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            changes[field.name] = HOSTILE if isinstance(current, str) else hostile(current)
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [hostile(item) for item in value]
    return value


def assert_inert(markdown: str) -> None:
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<img" not in html and "<a " not in html and "<strong>x" not in html
    assert "onerror=alert(1)" in html  # shown as text, not dropped
    # Every table keeps its columns: a pipe in a value does not open a new cell.
    for table in html.split("<table>")[1:]:
        head, body = table.split("</thead>", 1)
        columns = head.count("<th>") + head.count("<th ")
        rows = body.split("</table>", 1)[0].split("<tr>")[1:]
        assert rows and all(row.count("<td") == columns for row in rows)


@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_an_account_named_like_html_stays_text_in_the_markdown_report(
    report_warehouse: Path, kind: str
) -> None:
    with read_marts(report_warehouse) as con:
        if kind == "weekly":
            figures: Any = weekly_figures(con, parse_week("2026-W46"), "test")
        else:
            figures = monthly_figures(con, parse_month("2026-10"), "test")
    figures = hostile(figures)
    markdown = MARKDOWN.get_template(f"{kind}.md.j2").render(
        **({"w": figures} if kind == "weekly" else {"f": figures})
    )
    assert_inert(markdown)
