"""A night's clock: the night of D is judged as of midnight starting D in the team's timezone.

What a night does is stamped with the wall clock (`utc_now`): when it loaded the exports,
escalated a theme, claimed and sent a message. `clock_set_to` moves that clock for a run of
past nights (`loopkeeper bench --nights`), so each sends at its own night's hour, as a
scheduled nightly would have, rather than all on the day the bench ran: the next night then
sees those sends behind it, once, not still ahead of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How far the clock is moved from the wall clock (`clock_set_to`).
_shift = timedelta(0)


def as_of_for(run_date: date, timezone: str) -> datetime:
    """UTC instant (naive) at which the night of ``run_date`` judges ages and SLA clocks."""
    local = datetime.combine(run_date, time.min, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC).replace(tzinfo=None)


def today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def utc_now() -> datetime:
    """Now, naive UTC: the wall clock, unless a run set it (`clock_set_to`)."""
    return datetime.now(UTC).replace(tzinfo=None) + _shift


def utc_now_aware() -> datetime:
    """`utc_now` with its timezone (an email's Date header)."""
    return utc_now().replace(tzinfo=UTC)


@contextmanager
def clock_set_to(moment: datetime) -> Iterator[None]:
    """Within the block, `utc_now` reads ``moment`` (naive UTC) now and runs on from there."""
    global _shift
    before = _shift
    _shift = moment - datetime.now(UTC).replace(tzinfo=None)
    try:
        yield
    finally:
        _shift = before
