"""The reports a night owes: the weekly one on Mondays, the monthly one on the first of a month.

Both cover the last complete period before the night (the night of D is judged as of midnight
starting D, so Monday's night has all of the week before, and the 1st's night all of last month).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flows.reports.periods import month_period, week_period
from flows.reports.write import write_monthly_report, write_weekly_report


def write_due_reports(warehouse: Path, reports_dir: Path, run_date: date) -> list[Path]:
    """Write the reports due on ``run_date`` into ``reports_dir``; the HTML and Markdown paths.

    Reads the published ``warehouse``, so call it after the night has been published. A period
    without feedback raises ReportError, like the CLI.
    """
    written: list[Path] = []
    yesterday = run_date - timedelta(days=1)
    if run_date.isoweekday() == 1:
        week = week_period(yesterday)
        out = write_weekly_report(warehouse, week, reports_dir / f"weekly-{week.label}.html")
        written += [out.html, out.markdown]
    if run_date.day == 1:
        month = month_period(yesterday)
        out = write_monthly_report(warehouse, month, reports_dir / f"monthly-{month.label}.html")
        written += [out.html, out.markdown]
    return written
