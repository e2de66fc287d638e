"""QBR and CSM call notes in CSM shorthand: markdown with YAML front matter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flows.demo.activity import area_for, tone_for
from flows.demo.clock import DAY, Window, poisson
from flows.demo.compose import Slots
from flows.demo.people import Account

QBR_EVERY_DAYS = {"Enterprise": 90, "Mid-Market": 180}
CALLS_PER_30_DAYS = {"Enterprise": 2.0, "Mid-Market": 0.7, "SMB": 0.12}
IMPACT = ("", "", "", " - blocker", " - nice to have", " (raised by {team})", " - 2nd time raised",
          "; workaround shared", " - asked for ETA", " !!")  # fmt: skip
GENERIC = {
    "negative": ("renewal at risk - CFO questioning value", "evaluating {competitor}, demo booked",
                 "champion leaving in {month}, no successor yet", "pushback on {pct}% uplift at renewal",
                 "usage down ~{n}0% QoQ", "exec sponsor frustrated w/ support response times",
                 "asked about downgrading to fewer seats", "mentioned cancelling if no fix by renewal"),
    "mixed": ("happy w/ core product, support slow lately", "adoption ok in {team}, low elsewhere",
              "want roadmap visibility before renewal", "price ok if {name} issues get fixed"),
    "positive": ("champion very happy, wants case study", "expanding to {n} more teams next Q",
                 "exec sponsor called out time savings", "open to being a reference",
                 "{team} now live and loving it", "praised support, esp. {agent}"),
}  # fmt: skip
NEXT_STEPS = ("send workaround by Fri", "loop in PM re: {idea}", "schedule exec sync before renewal",
              "share roadmap for {idea}", "book training for new admins", "follow up on open tickets",
              "send usage report", "intro to solutions engineer")  # fmt: skip


@dataclass(frozen=True)
class NoteCounts:
    notes: int
    items: int


def _bullets(rng: random.Random, account: Account, count: int) -> list[str]:
    bullets = []
    for _ in range(count):
        tone = tone_for(rng, account.mood)
        slots = Slots(rng, area_for(rng, account))
        if tone != "positive" and rng.random() < 0.65:
            text = rng.choice(slots.area.shorthand).format_map(slots) + rng.choice(
                IMPACT
            ).format_map(slots)
        else:
            text = rng.choice(GENERIC[tone]).format_map(slots)
        bullets.append(text)
    return bullets


def _note(rng: random.Random, account: Account, kind: str, day: date) -> tuple[str, int]:
    others = rng.sample(account.contacts, min(len(account.contacts), rng.randint(1, 3)))
    attendees = ", ".join([account.csm.name, *(p.name for p in others)])
    feedback = _bullets(rng, account, rng.randint(2, 5) if kind == "qbr" else rng.randint(1, 3))
    initials = "".join(part[0] for part in account.csm.name.split())
    idea = rng.choice(account.pain.ideas).title
    steps = [
        f"{initials} to " + step.format(idea=idea)
        for step in rng.sample(NEXT_STEPS, rng.randint(1, 3))
    ]
    title = f"Q{(day.month - 1) // 3 + 1} QBR" if kind == "qbr" else "CSM call"
    health = "red" if account.mood < -0.4 else "yellow" if account.mood < 0.05 else "green"
    lines = [
        "---", f"account: {account.account_id}", f"type: {kind}", f"date: {day.isoformat()}",
        f"author: {account.csm.email}", f"attendees: [{attendees}]", "---",
        f"# {title} — {account.name}", "",
        f"Renewal {account.renewal.isoformat()}, ARR ${account.arr:,}, health {health}.", "",
        "## Feedback", *(f"- {b}" for b in feedback), "",
        "## Next steps", *(f"- {s}" for s in steps), "",
    ]  # fmt: skip
    return "\n".join(lines), len(feedback)


def _dates(rng: random.Random, account: Account, window: Window) -> list[tuple[str, int]]:
    every = QBR_EVERY_DAYS.get(account.tier)
    planned = []
    if every:
        phase = rng.randrange(every)
        for day in range(
            (every - (window.start // DAY + phase) % every) % every, window.days, every
        ):
            # Nobody holds a QBR on a weekend: move it to the Friday before (or the Monday after).
            weekday = window.date_of(window.start + day * DAY).weekday()
            moved = day - (weekday - 4) if weekday >= 5 else day
            moved = moved if moved >= 0 else day + 7 - weekday
            if moved < window.days:
                planned.append(("qbr", moved))
    calls = poisson(rng, CALLS_PER_30_DAYS[account.tier] * window.days / 30)
    planned += [
        ("csm_call", d) for d in rng.choices(range(window.days), window.day_weights, k=calls)
    ]
    return planned


def write_notes(
    folder: Path, rng: random.Random, accounts: list[Account], window: Window
) -> NoteCounts:
    folder.mkdir(parents=True, exist_ok=True)
    notes = items = 0
    for account in accounts:
        written: set[str] = set()
        for kind, day_index in _dates(rng, account, window):
            day = window.date_of(window.start + day_index * DAY)
            name = f"{day.isoformat()}-{account.account_id}-{kind}.md"
            if name in written:  # one call per account and day is plenty
                continue
            written.add(name)
            text, bullets = _note(rng, account, kind, day)
            (folder / name).write_text(text, encoding="utf-8")
            notes, items = notes + 1, items + bullets
    return NoteCounts(notes, items)
