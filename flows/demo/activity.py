"""Who speaks up when: feedback moments per account, scaled by tier, size and unhappiness."""

from __future__ import annotations

import random
from dataclasses import dataclass

from flows.demo.area import Area
from flows.demo.clock import Window, poisson
from flows.demo.compose import AREAS, Tone
from flows.demo.people import Account, Person

# An unhappy account's complaints bunch up in one bad stretch of this many days.
BURST_DAYS = 7
BURST_FACTOR = 5.0


@dataclass(frozen=True)
class Activity:
    """One moment someone gives feedback, with what the text should be about."""

    at: int
    person: Person
    account: Account | None
    area: Area
    tier: str
    at_risk: bool
    mood: float


def day_weights(rng: random.Random, account: Account, window: Window) -> list[float]:
    weights = list(window.day_weights)
    if account.at_risk:
        start = rng.randrange(max(1, window.days - BURST_DAYS + 1))
        for day in range(start, min(window.days, start + BURST_DAYS)):
            weights[day] *= BURST_FACTOR
    return weights


def area_for(rng: random.Random, account: Account | None) -> Area:
    if account is not None and account.at_risk and rng.random() < 0.6:
        return account.pain
    return rng.choice(AREAS)


def tone_for(rng: random.Random, mood: float) -> Tone:
    negative = min(0.9, max(0.03, 0.28 - 0.4 * mood))
    positive = min(0.9, max(0.03, 0.42 + 0.35 * mood))
    draw = rng.random()
    return "negative" if draw < negative else "positive" if draw < negative + positive else "mixed"


def plan(
    rng: random.Random,
    accounts: list[Account],
    outsiders: list[Person],
    window: Window,
    per_30_days: dict[str, float],
    outsider_share: float,
) -> list[Activity]:
    """Feedback moments for every account (plus a few outsiders), sorted by time."""
    moments: list[Activity] = []
    for account in accounts:
        rate = per_30_days[account.tier] * account.activity * (1.6 if account.at_risk else 1.0)
        count = poisson(rng, rate * window.days / 30)
        weights = day_weights(rng, account, window)
        for at in window.moments(rng, count, weights):
            person = account.primary if rng.random() < 0.2 else rng.choice(account.contacts)
            area = area_for(rng, account)
            moments.append(
                Activity(at, person, account, area, account.tier, account.at_risk, account.mood)
            )
    if outsiders and moments:
        for at in window.moments(rng, round(len(moments) * outsider_share)):
            moments.append(
                Activity(at, rng.choice(outsiders), None, rng.choice(AREAS), "SMB", False, 0.0)
            )
    moments.sort(key=lambda m: (m.at, m.person.uid))
    return moments
