"""Periods: months and ISO weeks parse strictly, and a night owes the reports of its calendar."""

from __future__ import annotations

from datetime import date

import pytest

from flows.reports.periods import ReportError, parse_month, parse_week, previous
from flows.reports.scheduled import due_reports


def test_a_month_is_its_days() -> None:
    month = parse_month("2026-02")
    assert (month.start, month.end, month.last_day) == (
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 2, 28),
    )
    assert previous(parse_month("2026-01")).label == "2025-12"


def test_an_iso_week_runs_monday_to_sunday() -> None:
    week = parse_week("2026-W01")
    assert (week.start, week.last_day) == (date(2025, 12, 29), date(2026, 1, 4))
    assert previous(week).label == "2025-W52"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2026-13", id="month 13"),
        pytest.param("2026-1", id="one digit"),
        pytest.param("10-2026", id="reversed"),
        pytest.param("2026-W46", id="a week"),
    ],
)
def test_a_bad_month_names_the_value(value: str) -> None:
    with pytest.raises(ReportError, match=value):
        parse_month(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2026-W54", id="no week 54"),
        pytest.param("2026-46", id="no W"),
        pytest.param("2026-10", id="a month"),
    ],
)
def test_a_bad_week_names_the_value(value: str) -> None:
    with pytest.raises(ReportError, match=value):
        parse_week(value)


@pytest.mark.parametrize(
    ("night", "due"),
    [
        pytest.param(date(2026, 11, 16), [("weekly", "2026-W46")], id="a monday"),
        pytest.param(date(2026, 11, 1), [("monthly", "2026-10")], id="the first, a sunday"),
        pytest.param(
            date(2026, 6, 1), [("weekly", "2026-W22"), ("monthly", "2026-05")], id="monday the 1st"
        ),
        pytest.param(date(2026, 11, 17), [], id="a tuesday"),
    ],
)
def test_a_night_owes_the_last_complete_week_and_month(
    night: date, due: list[tuple[str, str]]
) -> None:
    assert [(kind, period.label) for kind, period in due_reports(night)] == due
