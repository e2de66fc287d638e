"""The outbox rows a person decides about, and putting back the ones they choose.

An ``unknown`` row may or may not have gone out (a crash mid-send, a timeout after the request
left); a ``parked`` one was refused as it was (a 4xx, an invalid field). Neither is ever sent
again on its own: customer email is at most once. A person looks (``loopkeeper outbox``),
checks with the provider or fixes the data, and re-queues the ones that should go.
Parks for a suppressed address are policy, not a question, and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from notifications.outbox import SUPPRESSED_PREFIX, utc_now
from notifications.outbox_schema import ROW_COLUMNS, OutboxRow

if TYPE_CHECKING:
    import duckdb

NEEDS_DECISION = (
    f"(status = 'unknown' or (status = 'parked' and error not like '{SUPPRESSED_PREFIX}%'))"
)


def needs_decision(con: duckdb.DuckDBPyConnection) -> list[OutboxRow]:
    """Unknown and parked rows (suppressions aside), oldest first."""
    rows = con.execute(
        f"select {ROW_COLUMNS} from ops.outbox where {NEEDS_DECISION}"
        " order by created_at, message_key"
    ).fetchall()
    return [OutboxRow(*row) for row in rows]


def count_needing_decision(con: duckdb.DuckDBPyConnection) -> int:
    """How many rows wait for a person."""
    rows = con.execute(f"select count(*) from ops.outbox where {NEEDS_DECISION}").fetchall()
    return int(rows[0][0])


def unknown_keys(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every message key whose outcome is unknown, oldest first."""
    rows = con.execute(
        "select message_key from ops.outbox where status = 'unknown'"
        " order by created_at, message_key"
    ).fetchall()
    return [key for (key,) in rows]


class RequeueError(ValueError):
    """A key given to re-queue matches no unknown or parked message, or more than one."""


def requeue(
    con: duckdb.DuckDBPyConnection,
    keys: Iterable[str],
    *,
    decided_by: str,
    now: datetime | None = None,
) -> list[str]:
    """Put unknown or parked rows back to pending, all or none; returns their whole keys.

    ``keys`` are whole message keys or unique beginnings of them (as ``loopkeeper outbox``
    prints them). The reason a row waited stays in its error, after who re-queued it and when.
    """
    found: list[str] = []
    for given in dict.fromkeys(keys):
        matches = [
            key
            for (key,) in con.execute(
                "select message_key from ops.outbox where starts_with(message_key, ?)"
                " and status in ('unknown', 'parked')",
                [given],
            ).fetchall()
        ]
        if len(matches) != 1:
            found_text = "matches no unknown or parked message" if not matches else "is ambiguous"
            raise RequeueError(
                f"{given}: {found_text}"
                + (f" ({len(matches)} messages start with it)" if matches else "")
            )
        found.append(matches[0])
    note = f"requeued by {decided_by} at {(now or utc_now()):%Y-%m-%d %H:%M} UTC"
    con.begin()
    try:
        for key in found:
            con.execute(
                "update ops.outbox set status = 'pending', claimed_at = null,"
                " error = ? || coalesce('; it was ' || status || ': ' || error, '')"
                " where message_key = ?",
                [note, key],
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return found
