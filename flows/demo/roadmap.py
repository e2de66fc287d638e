"""The product roadmap export: what customers asked for, plus a few ideas of product's own."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from flows.demo.area import Idea
from flows.demo.clock import Window
from flows.demo.compose import AREAS

# Roadmap items nobody in the feedback asks for in these words; real roadmaps carry such items too.
OWN_IDEAS = (
    Idea("Dark mode", ("dark mode", "theme"), ()),
    Idea("Keyboard shortcuts", ("keyboard", "shortcut", "hotkey"), ()),
    Idea("Bulk edit", ("bulk edit", "mass update", "bulk"), ()),
    Idea("EU data residency", ("eu", "data residency", "gdpr"), ()),
    Idea("Undo for deletes", ("undo", "restore", "trash"), ()),
    Idea("AI summaries", ("summary", "ai", "summarize"), ()),
    Idea("Custom fields v2", ("custom field", "field types", "picklist"), ()),
    Idea("Accessibility audit fixes", ("accessibility", "screen reader", "contrast"), ()),
)
HEADER = (
    "Item ID",
    "Title",
    "Theme Keywords",
    "Status",
    "Effort",
    "Created At",
    "Target Date",
    "Shipped At",
)
STATUSES = ("shipped", "in progress", "planned", "declined")
STATUS_WEIGHTS = (30, 25, 30, 15)


def _row(rng: random.Random, idea: Idea, status: str, window: Window, in_window: bool) -> list[str]:
    end, first = window.end_date, window.first
    shipped: date | None = None
    target: date | None = None
    if status == "shipped":
        if in_window:
            shipped = first + timedelta(days=rng.randrange(window.days))
        else:
            shipped = first - timedelta(days=rng.randint(10, 240))
        target = shipped + timedelta(days=rng.randint(-20, 10))
    elif status == "in progress":
        target = end + timedelta(days=rng.randint(5, 120))
    elif status == "planned":
        target = end + timedelta(days=rng.randint(30, 300))
    created = (shipped or end) - timedelta(days=rng.randint(45, 420))
    return [idea.title, ";".join(idea.keywords), status, str(rng.randint(1, 5)), created.isoformat(),
            target.isoformat() if target else "", shipped.isoformat() if shipped else ""]  # fmt: skip


def roadmap_rows(rng: random.Random, window: Window) -> list[list[str]]:
    """25-40 items; at least two asked-for items shipped inside the window."""
    asked = [idea for area in AREAS for idea in area.ideas]
    ideas = asked + rng.sample(OWN_IDEAS, rng.randint(2, len(OWN_IDEAS)))
    shipped_now = set(rng.sample(range(len(asked)), 3))
    rows = []
    for i, idea in enumerate(ideas):
        status = "shipped" if i in shipped_now else rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        in_window = i in shipped_now or rng.random() < 0.2
        rows.append(_row(rng, idea, status, window, in_window))
    rows.sort(key=lambda row: (row[4], row[0]))  # the tool numbers items in creation order
    return [[f"RM-{101 + n}", *row] for n, row in enumerate(rows)]


def write_roadmap(folder: Path, rng: random.Random, window: Window) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    rows = roadmap_rows(rng, window)
    with (folder / "roadmap.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)
