"""The demo's time window and the random moments inside it, as epoch seconds (UTC)."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

DAY = 86_400

# Feedback follows office hours across European and American time zones (UTC hours 0..23).
_HOUR_WEIGHTS = (2, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 9, 10, 11, 12, 12, 11, 9, 7, 6, 5, 4, 3)
_HOURS = range(24)


class Window:
    """The ``days`` days up to and including ``end``."""

    def __init__(self, end: date, days: int) -> None:
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        self.end_date = end
        self.days = days
        self.first = end - timedelta(days=days - 1)
        self.start = int(
            datetime(self.first.year, self.first.month, self.first.day, tzinfo=UTC).timestamp()
        )
        self.stop = self.start + days * DAY  # exclusive
        weekdays = [(self.first + timedelta(days=i)).weekday() for i in range(days)]
        # Fewer people write on weekends.
        self.day_weights = [0.3 if wd >= 5 else 1.0 for wd in weekdays]

    def date_of(self, ts: int) -> date:
        return self.first + timedelta(days=(ts - self.start) // DAY)

    def moment(self, rng: random.Random, day: int) -> int:
        hour = rng.choices(_HOURS, _HOUR_WEIGHTS)[0]
        return self.start + day * DAY + hour * 3600 + rng.randrange(3600)

    def moments(
        self, rng: random.Random, count: int, weights: list[float] | None = None
    ) -> list[int]:
        """``count`` sorted moments, spread over the days by ``weights`` (weekday-aware by default)."""
        if count <= 0:
            return []
        days = rng.choices(range(self.days), weights or self.day_weights, k=count)
        hours = rng.choices(_HOURS, _HOUR_WEIGHTS, k=count)
        return sorted(
            self.start + d * DAY + h * 3600 + rng.randrange(3600)
            for d, h in zip(days, hours, strict=True)
        )


@lru_cache(maxsize=4096)
def _day_text(day: int) -> str:
    return datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%dT")


def iso(ts: int) -> str:
    """``2026-11-02T09:14:00Z``; strftime per call was the generator's hottest line."""
    day, seconds = divmod(ts, DAY)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{_day_text(day)}{hours:02d}:{minutes:02d}:{seconds:02d}Z"


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw; the normal approximation above 30 keeps big windows fast."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
