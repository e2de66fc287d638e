"""NPS survey exports: each contact is invited every 90 days; some answer, fewer comment."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from flows.demo.activity import area_for
from flows.demo.clock import DAY, Window, iso
from flows.demo.compose import Tone, short_comment, verbatim
from flows.demo.people import Account, Person

CYCLE_DAYS = 90
RESPONSE_RATE = {"Enterprise": 0.26, "Mid-Market": 0.3, "SMB": 0.33}
# Tier -> (share of promoters, share of detractors) for an account of average mood.
BASE_MIX = {"Enterprise": (0.57, 0.15), "Mid-Market": (0.54, 0.17), "SMB": (0.46, 0.24)}
AVERAGE_MOOD = 0.12
DETRACTOR_SCORES = (0, 1, 2, 3, 4, 5, 6)
DETRACTOR_WEIGHTS = (3, 2, 3, 5, 6, 10, 14)
HEADER = ("Response ID", "Email", "Score", "Comment", "Responded At", "Survey ID")


@dataclass(frozen=True)
class Response:
    at: int
    email: str
    score: int
    comment: str
    survey: str


def score_for(rng: random.Random, tier: str, mood: float) -> int:
    promoters, detractors = BASE_MIX[tier]
    shift = mood - AVERAGE_MOOD
    promoters = min(0.9, max(0.03, promoters + 0.4 * shift))
    detractors = min(0.9, max(0.03, detractors - 0.45 * shift))
    draw = rng.random()
    if draw < promoters:
        return 10 if rng.random() < 0.45 else 9
    if draw < promoters + detractors:
        return rng.choices(DETRACTOR_SCORES, DETRACTOR_WEIGHTS)[0]
    return 8 if rng.random() < 0.55 else 7


def comment_for(rng: random.Random, score: int, account: Account | None) -> str:
    tone: Tone = "positive" if score >= 9 else "mixed" if score >= 7 else "negative"
    if rng.random() < {"positive": 0.5, "mixed": 0.45, "negative": 0.25}[tone]:
        return ""
    if rng.random() < 0.2:
        return short_comment(rng, tone)
    at_risk = account is not None and account.at_risk
    churn = 0.1 + (0.35 if at_risk else 0) + (0.15 if score <= 3 else 0)
    competitor = 0.1 + (0.3 if at_risk else 0)
    text = verbatim(rng, tone, area_for(rng, account), churn=churn, competitor=competitor)
    # Survey tools keep the line breaks people type.
    return text.replace(". ", ".\n", 1) if rng.random() < 0.08 else text


def _survey(ts: int) -> str:
    return "nps-" + iso(ts)[:7]


def responses(
    rng: random.Random, accounts: list[Account], outsiders: list[Person], window: Window
) -> list[Response]:
    rows = []
    first_day = window.start // DAY
    for account in accounts:
        for person in account.contacts:
            phase = rng.randrange(CYCLE_DAYS)
            for day in range(
                (CYCLE_DAYS - (first_day + phase) % CYCLE_DAYS) % CYCLE_DAYS,
                window.days,
                CYCLE_DAYS,
            ):
                if rng.random() >= RESPONSE_RATE[account.tier]:
                    continue
                invited = window.start + day * DAY
                delay = rng.choice((0, 0, 0, 1, 1, 2, 4, 6)) * DAY
                at = window.moment(rng, day) + delay
                if at < window.stop:
                    score = score_for(rng, account.tier, account.mood)
                    rows.append(
                        Response(
                            at,
                            person.email,
                            score,
                            comment_for(rng, score, account),
                            _survey(invited),
                        )
                    )
    for _ in range(round(len(rows) * 0.025) if outsiders else 0):
        day = rng.randrange(window.days)
        at, score = window.moment(rng, day), score_for(rng, "SMB", AVERAGE_MOOD)
        rows.append(
            Response(
                at, rng.choice(outsiders).email, score, comment_for(rng, score, None), _survey(at)
            )
        )
    rows.sort(key=lambda r: (r.at, r.email))
    return rows


def write_nps(folder: Path, rows: list[Response]) -> int:
    """One CSV per survey month; returns the number of files written."""
    folder.mkdir(parents=True, exist_ok=True)
    by_survey: dict[str, list[tuple[int, Response]]] = defaultdict(list)
    for number, row in enumerate(rows, start=1):
        by_survey[row.survey].append((number, row))
    for survey, numbered in sorted(by_survey.items()):
        with (folder / f"{survey}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(
                (f"r_{n:06d}", r.email, r.score, r.comment, iso(r.at), r.survey)
                for n, r in numbered
            )
    return len(by_survey)
