"""`loopkeeper outbox`: the messages that wait for a person, and re-queueing the chosen ones.

The outbox the runs work on lives in the working copy (the published warehouse has last
night's copy of it), so this reads and writes the working copy, under the locks of the
warehouse and its working copy: a decision is never made over a run that is sending from them.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flows.settings.config import Settings
from flows.warehouse.connection import open_warehouse
from flows.warehouse.publish import seed_work_copy, warehouse_lock, work_path
from flows.warehouse.schema import upgrade_warehouse
from notifications import Outbox, OutboxRow
from notifications.outbox import utc_now
from notifications.outbox_decisions import needs_decision, requeue, unknown_keys

# Wide enough to be unique among a warehouse's messages; --requeue takes any unique beginning.
SHORT_KEY_HEX = 12
COMMAND = "loopkeeper outbox"


@dataclass(frozen=True)
class Review:
    """What waits for a decision in one outbox, and how many claims a crashed run left."""

    source: Path
    rows: list[OutboxRow]
    claimed: int

    def lines(self, now: datetime) -> list[str]:
        unknown = sum(row.status == "unknown" for row in self.rows)
        out = [
            f"{len(self.rows)} message(s) wait for a decision ({unknown} unknown,"
            f" {len(self.rows) - unknown} parked) in {self.source}"
        ]
        if self.claimed:
            out.append(
                f"{self.claimed} message(s) were claimed by a run that did not finish: the next"
                " run settles them (sent or not) or lists them here as unknown"
            )
        if not self.rows:
            return out
        out.append(f"  {'key':<{SHORT_KEY_HEX + 16}} {'to':<32} {'status':<8} {'age':>7}  reason")
        for row in self.rows:
            kind, digest = row.message_key.split("-", 1)
            key = f"{kind}-{digest[:SHORT_KEY_HEX]}"
            out.append(
                f"  {key:<{SHORT_KEY_HEX + 16}} {row.to_email:<32} {row.status:<8}"
                f" {age(now - row.created_at):>7}  {row.error or ''}"
            )
        out.append(
            f"An unknown one may have gone out: check with the provider first. Re-queue what"
            f" should go (the next run sends it): `{COMMAND} --requeue KEY...`"
            f" or `{COMMAND} --requeue-all-unknown`."
        )
        return out


def age(elapsed: timedelta) -> str:
    """``3d 4h``, ``5h 12m`` or ``12m``: how long a message has waited."""
    minutes = max(int(elapsed.total_seconds() // 60), 0)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"


def _working_copy(settings: Settings) -> Path:
    """The runs' outbox; seeded from the published warehouse on the first use after an upgrade."""
    work = work_path(settings.warehouse, settings.work_dir)
    seed_work_copy(settings.warehouse, work)
    if not work.exists():
        raise FileNotFoundError(
            f"{settings.warehouse}: no warehouse here yet (run `loopkeeper nightly` first)"
        )
    # A warehouse of an older layout (the first command after an upgrade) gets its new columns.
    upgrade_warehouse(work)
    return work


def review(settings: Settings) -> Review:
    """The messages waiting for a decision, read under the warehouse's locks."""
    with warehouse_lock(settings):
        work = _working_copy(settings)
        with open_warehouse(work) as con:
            claimed = Outbox(con).counts_by_status()["claimed"]
            return Review(work, needs_decision(con), claimed)


def requeue_messages(settings: Settings, keys: list[str], *, all_unknown: bool) -> list[str]:
    """Put the chosen unknown or parked messages back to pending; returns their whole keys."""
    with warehouse_lock(settings):
        work = _working_copy(settings)
        with open_warehouse(work) as con:
            chosen = [*keys, *(unknown_keys(con) if all_unknown else [])]
            if not chosen:
                return []
            return requeue(con, chosen, decided_by=getpass.getuser(), now=utc_now())
