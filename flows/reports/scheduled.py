"""The reports a night owes: the weekly one on Mondays, the monthly one on the first of a month.

Both cover the last complete period before the night (the night of D is judged as of midnight
starting D, so Monday's night has all of the week before, and the 1st's night all of last month).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flows.reports.periods import Period, month_period, week_period
from flows.reports.write import write_monthly_report, write_weekly_report


def due_reports(run_date: date) -> list[tuple[str, Period]]:
    """("weekly" | "monthly", period) for each report the night of ``run_date`` owes."""
    yesterday = run_date - timedelta(days=1)
    due: list[tuple[str, Period]] = []
    if run_date.isoweekday() == 1:
        due.append(("weekly", week_period(yesterday)))
    if run_date.day == 1:
        due.append(("monthly", month_period(yesterday)))
    return due


def write_due_reports(warehouse: Path, reports_dir: Path, run_date: date) -> list[Path]:
    """Write the reports due on ``run_date`` into ``reports_dir``; the HTML and Markdown paths.

    Reads the published ``warehouse``, so call it after the night has been published. A period
    without feedback raises ReportError, like the CLI.
    """
    written: list[Path] = []
    for kind, period in due_reports(run_date):
        write = write_weekly_report if kind == "weekly" else write_monthly_report
        out = write(warehouse, period, reports_dir / f"{kind}-{period.label}.html")
        written += [out.html, out.markdown]
    return written
