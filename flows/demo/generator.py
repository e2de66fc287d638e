"""Writes a whole demo inbox (docs/inbox.md formats) for a seed, byte for byte reproducibly."""

from __future__ import annotations

import csv
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flows.demo.activity import plan
from flows.demo.clock import Window
from flows.demo.notes import write_notes
from flows.demo.nps import responses, write_nps
from flows.demo.people import Account, make_accounts, outsiders
from flows.demo.roadmap import write_roadmap
from flows.demo.summary import DemoSummary
from flows.demo.tickets import write_tickets
from flows.demo.widget import write_widget

FOLDERS = ("accounts", "nps", "tickets", "widget", "notes", "roadmap")
# Feedback volume per account and 30 days at an account's tier median ARR.
TICKETS_PER_30_DAYS = {"Enterprise": 16.0, "Mid-Market": 5.5, "SMB": 1.6}
WIDGET_PER_30_DAYS = {"Enterprise": 14.0, "Mid-Market": 6.5, "SMB": 2.8}
ACCOUNT_HEADER = ("Account ID", "Account Name", "Website", "Tier", "ARR", "Renewal Date", "CSM Name",
                  "CSM Email", "Primary Contact Name", "Primary Contact Email")  # fmt: skip


def write_accounts(folder: Path, accounts: list[Account]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "accounts.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ACCOUNT_HEADER)
        writer.writerows(
            (a.account_id, a.name, a.domain, a.tier, a.arr, a.renewal.isoformat(), a.csm.name, a.csm.email,
             a.primary.name, a.primary.email)
            for a in accounts
        )  # fmt: skip


def _check_empty(out: Path) -> None:
    # Two demo runs mixed in one inbox would double-count; refuse rather than guess what to delete.
    for name in FOLDERS:
        folder = out / name
        if folder.is_dir() and any(folder.iterdir()):
            raise FileExistsError(
                f"{folder} is not empty; generate the demo inbox into a new folder"
            )


def generate_inbox(
    out: Path,
    *,
    accounts: int = 120,
    days: int = 30,
    end: date | None = None,
    seed: int = 7,
    ticket_page_size: int = 1000,
) -> DemoSummary:
    """Write a demo inbox into ``out``: ``accounts`` customers and ``days`` days of feedback up to ``end``.

    ``end`` defaults to yesterday (UTC); everything else is a function of the arguments alone.
    """
    if accounts < 1:
        raise ValueError(f"accounts must be at least 1, got {accounts}")
    if ticket_page_size < 1:
        raise ValueError(f"ticket_page_size must be at least 1, got {ticket_page_size}")
    end = end or datetime.now(UTC).date() - timedelta(days=1)
    window = Window(end, days)
    out = Path(out)
    _check_empty(out)

    # One stream per source, so adding to one source leaves the others' files unchanged.
    def stream(name: str) -> random.Random:
        return random.Random(f"{seed}:{name}")

    customers = make_accounts(stream("accounts"), accounts, end)
    strangers = outsiders(stream("outsiders"), max(5, accounts // 4))
    write_accounts(out / "accounts", customers)

    nps_rows = responses(stream("nps"), customers, strangers, window)
    nps_files = write_nps(out / "nps", nps_rows)
    ticket_items = plan(
        stream("ticket-plan"), customers, strangers, window, TICKETS_PER_30_DAYS, 0.03
    )
    tickets = write_tickets(
        out / "tickets", stream("tickets"), ticket_items, window, ticket_page_size
    )
    widget_items = plan(stream("widget-plan"), customers, [], window, WIDGET_PER_30_DAYS, 0.0)
    widget_events, widget_files = write_widget(
        out / "widget", stream("widget"), widget_items, window
    )
    notes = write_notes(out / "notes", stream("notes"), customers, window)
    roadmap_items = write_roadmap(out / "roadmap", stream("roadmap"), window)

    _date_back(out)
    return DemoSummary(
        accounts=len(customers),
        nps_responses=len(nps_rows),
        tickets=tickets.tickets,
        ticket_versions=tickets.versions,
        widget_events=widget_events,
        note_items=notes.items,
        notes=notes.notes,
        roadmap_items=roadmap_items,
        files_written=2 + nps_files + tickets.files + widget_files + notes.notes,
    )


def _date_back(out: Path) -> None:
    """The demo's exports are whole when written: dated an hour back, so a nightly right after
    does not leave them for the next run as files still arriving (``inbox_settle_seconds``)."""
    delivered = time.time() - 3600
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, (delivered, delivered))
