"""Writing a report: figures from the published warehouse, then FILE.html and FILE.md beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.reports.monthly_figures import monthly_figures
from flows.reports.periods import Period
from flows.reports.queries import read_marts
from flows.reports.render import render_monthly, render_weekly
from flows.reports.weekly_figures import weekly_figures


@dataclass(frozen=True)
class Written:
    html: Path
    markdown: Path


def markdown_path(html: Path) -> Path:
    return html.with_suffix(".md")


def _write(out: Path, html: str, markdown: str) -> Written:
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name, then renamed: a reader never opens half a report.
    for path, text in ((out, html), (markdown_path(out), markdown)):
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    return Written(html=out, markdown=markdown_path(out))


def write_monthly_report(warehouse: Path, month: Period, out: Path) -> Written:
    """The monthly loop-health report of ``month``; raises ReportError or FileNotFoundError."""
    with read_marts(warehouse) as con:
        figures = monthly_figures(con, month, str(warehouse))
    return _write(out, *render_monthly(figures))


def write_weekly_report(warehouse: Path, week: Period, out: Path) -> Written:
    """The weekly voice-of-the-customer report of ``week``."""
    with read_marts(warehouse) as con:
        figures = weekly_figures(con, week, str(warehouse))
    return _write(out, *render_weekly(figures))
