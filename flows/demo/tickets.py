"""Support tickets as a Zendesk incremental export: each update of a ticket is a new version."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.demo import ticket_text
from flows.demo.activity import Activity
from flows.demo.areas_platform import BILLING
from flows.demo.clock import Window, iso
from flows.demo.compose import Slots
from flows.demo.names import ZENDESK_URL
from flows.demo.people import Person

INTENTS = (
    "bug",
    "question",
    "performance",
    "usability",
    "feature_request",
    "pricing",
    "documentation",
)
INTENT_WEIGHTS = (38, 24, 11, 8, 7, 6, 6)
PRIORITIES = ("urgent", "high", "normal", "low")
PRIORITY_WEIGHTS = {"bug": (7, 25, 55, 13), "performance": (6, 30, 52, 12)}
CALM_PRIORITY = (1, 10, 60, 29)
SOLVE_HOURS = {"urgent": 5.0, "high": 18.0, "normal": 36.0, "low": 70.0}


@dataclass(frozen=True)
class TicketCounts:
    tickets: int
    versions: int
    files: int


def _lognormal_hours(rng: random.Random, median: float, sigma: float = 0.9) -> int:
    return int(median * 3600 * math.exp(rng.gauss(0, sigma)))


def _ticket(rng: random.Random, item: Activity, window: Window) -> list[tuple[int, dict[str, Any]]]:
    """All versions of one ticket that happened before the export (the window's end)."""
    angry = item.at_risk or rng.random() < 0.04
    intents = [rng.choices(INTENTS, INTENT_WEIGHTS)[0]]
    if angry and rng.random() < 0.35:
        intents.append("churn_risk")
    if angry and rng.random() < 0.25:
        intents.append("competitor")
    priority = rng.choices(PRIORITIES, PRIORITY_WEIGHTS.get(intents[0], CALM_PRIORITY))[0]
    area = BILLING if intents[0] == "pricing" else item.area
    slots = Slots(rng, area)
    first, _, last = item.person.name.partition(" ")
    base: dict[str, Any] = {
        "id": 0,
        "subject": ticket_text.subject(rng, intents[0], slots, priority),
        "description": ticket_text.description(rng, intents, slots, priority, first, last),
        "status": "new",
        "priority": priority,
        "tags": sorted({area.key, intents[0], f"tier_{item.tier.lower().replace('-', '_')}"}),
        "requester_id": item.person.uid,
        "created_at": iso(item.at),
        "updated_at": iso(item.at),
        "satisfaction_rating": {"score": "unoffered"},
    }
    stamps = [(item.at, base)]
    solved = item.at + _lognormal_hours(rng, SOLVE_HOURS[priority] * (1.6 if angry else 1.0))
    reply = item.at + _lognormal_hours(rng, 2.5, 1.0)
    if reply < solved and rng.random() < 0.6:
        stamps.append((reply, {"status": rng.choice(("open", "pending"))}))
    offered = rng.random() < 0.85
    stamps.append(
        (
            solved,
            {
                "status": "solved",
                "satisfaction_rating": {"score": "offered" if offered else "unoffered"},
            },
        )
    )
    if offered and rng.random() < 0.45:
        slow = solved - item.at > 72 * 3600
        good = rng.random() > 0.08 + (0.15 if slow else 0) + (0.35 if angry else 0)
        comment = ticket_text.csat_comment(rng, good, slots)
        rating = {"score": "good" if good else "bad", "comment": comment}
        stamps.append((solved + _lognormal_hours(rng, 8.0), {"satisfaction_rating": rating}))
    versions, state = [], base
    for at, change in stamps:
        if at >= window.stop:
            break
        state = {**state, **change, "updated_at": iso(at)}
        versions.append((at, state))
    return versions


def write_tickets(
    folder: Path, rng: random.Random, items: list[Activity], window: Window, page_size: int
) -> TicketCounts:
    """Write the export pages (``tickets-000001.json`` ...) and say what they hold."""
    folder.mkdir(parents=True, exist_ok=True)
    users: dict[int, Person] = {}
    timeline: list[tuple[int, int, dict[str, Any]]] = []
    for number, item in enumerate(sorted(items, key=lambda a: a.at), start=40_001):
        users[item.person.uid] = item.person
        for at, version in _ticket(rng, item, window):
            version["id"] = number
            timeline.append((at, number, version))
    timeline.sort(key=lambda row: (row[0], row[1]))
    pages = [timeline[i : i + page_size] for i in range(0, len(timeline), page_size)] or [[]]
    for index, page in enumerate(pages, start=1):
        end_time = page[-1][0] if page else window.start
        requesters = sorted({v["requester_id"] for _, _, v in page})
        document = {
            "tickets": [v for _, _, v in page],
            "users": [
                {"id": u, "name": users[u].name, "email": users[u].email} for u in requesters
            ],
            "count": len(page),
            "next_page": f"{ZENDESK_URL}?start_time={end_time}&include=users",
            "end_of_stream": index == len(pages),
            "end_time": end_time,
        }
        (folder / f"tickets-{index:06d}.json").write_text(
            json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return TicketCounts(len(items), len(timeline), len(pages))
