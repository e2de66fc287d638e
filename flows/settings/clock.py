"""A night's clock: the night of D is judged as of midnight starting D in the team's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def as_of_for(run_date: date, timezone: str) -> datetime:
    """UTC instant (naive) at which the night of ``run_date`` judges ages and SLA clocks."""
    local = datetime.combine(run_date, time.min, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC).replace(tzinfo=None)


def today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()
