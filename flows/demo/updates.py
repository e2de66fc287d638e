"""A later delivery onto a demo inbox: what lands a night after the first exports.

Survey tools let a respondent add the comment after the score (Delighted, Typeform): a later
NPS export repeats those responses, now with the comment. A Zendesk page updates earlier tickets:
the customer writes again, now threatening to leave for a competitor, and rates support bad.
Loopkeeper must store both as new versions (not duplicates), tag the new words, raise the
account's alert and hand the ticket to its CSM, and still acknowledge each customer once.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flows.demo.nps import HEADER

COMMENTS = (
    "Adding to my score: the export to Excel keeps timing out on big reports.",
    "Forgot to say why: onboarding new users takes far too many clicks.",
    "Follow-up: SSO setup took us two weeks, please add SCIM provisioning.",
    "Why the score: dashboards load slowly every Monday morning.",
)
ESCALATION = (
    "Still broken after three days and nobody has replied. We are evaluating Gainsight and will"
    " move to it at renewal unless this is fixed this week."
)


@dataclass(frozen=True)
class Updates:
    """What the later delivery changed: response ids given a comment, tickets updated."""

    responses: tuple[str, ...]
    tickets: tuple[int, ...]
    files: tuple[Path, ...]


def write_updates(inbox: Path, *, at: datetime, responses: int = 3, tickets: int = 2) -> Updates:
    """Write the later NPS export and Zendesk page into ``inbox`` (a demo inbox), dated ``at``.

    The responses are the latest ones without a comment; the tickets the latest created, still
    open. Both files are whole when written: they are dated ``at``, like the exports they stand for.
    """
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    nps_rows = _latest_without_comment(inbox / "nps", responses)
    nps_file = inbox / "nps" / f"nps-comments-{at:%Y%m%d}.csv"
    with nps_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for number, row in enumerate(nps_rows):
            writer.writerow([*row[:3], COMMENTS[number % len(COMMENTS)], *row[4:]])
    versions, users = _latest_open_tickets(inbox / "tickets", tickets)
    updated = [
        {
            **version,
            "description": ESCALATION,
            "status": "open",
            "priority": "urgent",
            "updated_at": stamp,
            "satisfaction_rating": {"score": "bad", "comment": "No answer for three days."},
        }
        for version in versions
    ]
    page = {
        "tickets": updated,
        "users": [users[v["requester_id"]] for v in updated],
        "count": len(updated),
        "end_of_stream": True,
        "end_time": int(at.timestamp()),
    }
    page_file = inbox / "tickets" / f"tickets-updates-{at:%Y%m%d}.json"
    page_file.write_text(json.dumps(page, ensure_ascii=False) + "\n", encoding="utf-8")
    for path in (nps_file, page_file):
        os.utime(path, (at.timestamp(), at.timestamp()))
    return Updates(
        tuple(row[0] for row in nps_rows),
        tuple(int(v["id"]) for v in updated),
        (nps_file, page_file),
    )


def _latest_without_comment(folder: Path, count: int) -> list[list[str]]:
    rows = []
    # The demo's own exports only: other files dropped in a demo inbox (tries of bad input)
    # may be anything, and are the nightly's to judge, not this writer's.
    for path in sorted(folder.glob("nps-*.csv")):
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            rows += [row for row in reader if len(row) == len(HEADER) and not row[3].strip()]
    return sorted(rows, key=lambda row: (row[4], row[0]))[-count:]


def _latest_open_tickets(
    folder: Path, count: int
) -> tuple[list[dict[str, Any]], dict[Any, dict[str, Any]]]:
    latest: dict[Any, dict[str, Any]] = {}
    users: dict[Any, dict[str, Any]] = {}
    for path in sorted(folder.glob("tickets-0*.json")):
        try:
            page = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # not one of the demo's pages (UnicodeDecodeError is one too)
            continue
        users |= {user["id"]: user for user in page.get("users", [])}
        for version in page.get("tickets", []):
            if version["updated_at"] >= latest.get(version["id"], {}).get("updated_at", ""):
                latest[version["id"]] = version
    still_open = [v for v in latest.values() if v.get("status") != "solved"]
    chosen = sorted(still_open, key=lambda v: (v["created_at"], v["id"]))[-count:]
    return chosen, users
