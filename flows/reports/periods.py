"""The periods a report covers: a calendar month (`YYYY-MM`) or an ISO week (`YYYY-Www`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


class ReportError(ValueError):
    """A report cannot be written (no data for the period, a bad period); the message says why."""


@dataclass(frozen=True)
class Period:
    """A half-open range of days [start, end) and how people name it."""

    label: str
    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time())

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time())

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def parse_month(value: str) -> Period:
    """`2026-10` -> October 2026; raises ReportError naming the value when it is not one."""
    match = _MONTH.fullmatch(value.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ReportError(f"{value!r} is not a month: expected YYYY-MM, e.g. 2026-10")
    return month_period(date(int(match[1]), int(match[2]), 1))


def month_period(first: date) -> Period:
    start = first.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return Period(label=f"{start:%Y-%m}", start=start, end=end)


def parse_week(value: str) -> Period:
    """`2026-W46` -> Monday 2026-11-09 to Sunday 2026-11-15 (ISO 8601 weeks)."""
    match = _WEEK.fullmatch(value.strip())
    if not match:
        raise ReportError(f"{value!r} is not an ISO week: expected YYYY-Www, e.g. 2026-W46")
    try:
        start = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ReportError(
            f"{value!r} is not an ISO week: {match[1]} has no week {match[2]}"
        ) from None
    return week_period(start)


def week_period(day: date) -> Period:
    """The ISO week holding ``day``."""
    start = day - timedelta(days=day.isoweekday() - 1)
    year, week, _ = start.isocalendar()
    return Period(label=f"{year}-W{week:02d}", start=start, end=start + timedelta(days=7))


def previous(period: Period) -> Period:
    """The period of the same kind just before ``period``."""
    if "-W" in period.label:
        return week_period(period.start - timedelta(days=7))
    return month_period(period.start - timedelta(days=1))


def months_back(period: Period, count: int) -> list[Period]:
    """``count`` months ending with ``period``, oldest first."""
    months = [period]
    while len(months) < count:
        months.insert(0, previous(months[0]))
    return months
