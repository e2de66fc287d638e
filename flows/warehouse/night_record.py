"""What a night leaves on record in the warehouse beside its marts.

- The night it holds, written into the working copy just before it is published: `status` says
  "night of 2026-12-03 published at …" from it, and a backfill reads it so it never moves the
  published night backwards without being asked.
- The stages its marts showed (raw.feedback_stages_reached), so they never move back.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from flows.warehouse.connection import open_warehouse

TABLE = "ops.published_night"


def record_night(con: duckdb.DuckDBPyConnection, night: date, as_of: datetime) -> None:
    """The night (and its as_of, UTC) the warehouse holds from now on; one row."""
    con.execute(f"delete from {TABLE}")
    con.execute(f"insert into {TABLE} values (?, ?)", [night, as_of.replace(tzinfo=None)])


def record_stages(con: duckdb.DuckDBPyConnection, night: date) -> int:
    """Add the stages the night's marts show and the record lacks; returns how many were new.

    Read back by int_feedback_stage_events, so a stage once reached stays reached.
    """
    before = con.execute("select count(*) from raw.feedback_stages_reached").fetchone()
    # The stages already on record are left out by a join, not one key lookup each: a night
    # at a million items shows ~3.2 million stages, nearly all recorded (2.0 s against 0.6 s).
    con.execute(
        "insert into raw.feedback_stages_reached"
        " select shown.item_id, shown.stage, shown.entered_at, ?"
        " from marts.fct_feedback_stages as shown"
        " where not exists (select 1 from raw.feedback_stages_reached as kept"
        " where kept.item_id = shown.item_id and kept.stage = shown.stage)"
        " on conflict do nothing",
        [night],
    )
    after = con.execute("select count(*) from raw.feedback_stages_reached").fetchone()
    return int(after[0] if after else 0) - int(before[0] if before else 0)


def night_held(con: duckdb.DuckDBPyConnection) -> date | None:
    """The night recorded in this warehouse; None before the first one (or an older warehouse,
    read read-only and so never upgraded)."""
    exists = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'ops' and table_name = 'published_night'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute(f"select max(night) from {TABLE}").fetchone()
    return row[0] if row else None


def published_night(warehouse: Path) -> date | None:
    """The night the published warehouse holds, read read-only; None when there is none yet."""
    if not warehouse.exists():
        return None
    with open_warehouse(warehouse, read_only=True) as con:
        return night_held(con)
