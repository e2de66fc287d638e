"""Composes customer verbatims: intent frames x area phrases x openers/closers, then typos."""

from __future__ import annotations

import random
from typing import Literal

from flows.demo.area import Area
from flows.demo.areas_platform import PLATFORM_AREAS
from flows.demo.areas_product import PRODUCT_AREAS
from flows.demo.foreign import LANGUAGES
from flows.demo.intents import (
    CLOSERS,
    COMPETITORS,
    FRAMES,
    MONTHS,
    OPENERS,
    SHORT,
    TEAMS,
    VERY,
)
from flows.demo.names import SUPPORT_AGENTS
from flows.demo.typos import add_typos

Tone = Literal["negative", "mixed", "positive"]

AREAS: tuple[Area, ...] = PRODUCT_AREAS + PLATFORM_AREAS

# What a complaint is mostly about; weights are relative.
COMPLAINTS = ("bug", "performance", "usability", "pricing", "documentation", "feature_request")
COMPLAINT_WEIGHTS = (34, 18, 16, 10, 6, 16)


_AREA_BANKS = {"problem": "problems", "slow": "slow", "confusing": "confusing", "task": "tasks",
               "praise": "praise", "thing": "things", "name": "names"}  # fmt: skip


class Slots(dict[str, str]):
    """Slot values drawn on first use, so one text names one thing consistently."""

    def __init__(self, rng: random.Random, area: Area) -> None:
        super().__init__()
        self.rng = rng
        self.area = area

    def __missing__(self, key: str) -> str:
        rng, area = self.rng, self.area
        if key == "ask":
            phrase = rng.choice(rng.choice(area.ideas).asks)
        elif key in _AREA_BANKS:
            phrase = rng.choice(getattr(area, _AREA_BANKS[key]))
        else:
            phrase = _generic(key, rng)
        value = phrase.format_map(self) if "{" in phrase else phrase
        self[key] = value
        return value


def _generic(key: str, rng: random.Random) -> str:
    if key == "competitor":
        return rng.choice(COMPETITORS)
    if key == "team":
        return rng.choice(TEAMS)
    if key == "very":
        return rng.choice(VERY)
    if key == "n":
        return str(rng.randint(2, 9))
    if key == "pct":
        return str(rng.choice((8, 10, 12, 15, 20, 25, 30, 40)))
    if key == "month":
        return rng.choice(MONTHS)
    if key == "agent":
        return rng.choice(SUPPORT_AGENTS)
    raise KeyError(f"unknown slot {{{key}}} in a demo phrase")


# Slots that carry a sentence's point: drawn afresh for each sentence so two never repeat.
_FRESH = ("problem", "slow", "confusing", "ask", "task", "praise")


def sentence(intent: str, slots: Slots) -> str:
    for key in _FRESH:
        slots.pop(key, None)
    text = slots.rng.choice(FRAMES[intent]).format_map(slots)
    return text[0].upper() + text[1:]


def intents_for(tone: Tone, rng: random.Random, churn: float, competitor: float) -> list[str]:
    """Pick the intents one text expresses, consistent with its tone."""
    if tone == "positive":
        picked = ["praise"]
        if rng.random() < 0.35:
            picked.append("feature_request")
        elif rng.random() < 0.25:
            picked.append("praise")
        return picked
    first = rng.choices(COMPLAINTS, COMPLAINT_WEIGHTS)[0]
    if tone == "mixed":
        return ["praise_mild", first] if rng.random() < 0.6 else [first, "praise_mild"]
    picked = [first]
    if rng.random() < 0.35:
        picked.append(rng.choices(COMPLAINTS, COMPLAINT_WEIGHTS)[0])
    if rng.random() < competitor:
        picked.append("competitor")
    if rng.random() < churn:
        picked.append("churn_risk")
    return picked


def verbatim(
    rng: random.Random,
    tone: Tone,
    area: Area,
    *,
    intents: list[str] | None = None,
    churn: float = 0.05,
    competitor: float = 0.05,
    typo_rate: float = 0.12,
    foreign_rate: float = 0.03,
) -> str:
    """One customer comment of one or several sentences."""
    if rng.random() < foreign_rate:
        return foreign(rng, tone, area)
    slots = Slots(rng, area)
    chosen = intents if intents is not None else intents_for(tone, rng, churn, competitor)
    body = " ".join(sentence(intent, slots) for intent in chosen)
    text = rng.choice(OPENERS[tone]) + body + rng.choice(CLOSERS[tone])
    return add_typos(text, rng) if rng.random() < typo_rate else text


def short_comment(rng: random.Random, tone: Tone) -> str:
    return rng.choice(SHORT[tone])


def foreign(rng: random.Random, tone: Tone, area: Area) -> str:
    language = rng.choice(LANGUAGES)
    word = language.areas[area.key]
    bank = {"negative": language.negative, "mixed": language.mixed, "positive": language.positive}[
        tone
    ]
    parts = [rng.choice(bank)]
    if rng.random() < 0.4:
        parts.append(rng.choice(language.asks))
    text = " ".join(parts).format(x=word)
    return text[0].upper() + text[1:]
