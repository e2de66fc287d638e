"""Messages that answer several items (one per person and night): which items each answers.

The outbox keeps one row per message, keyed for at-most-once sending; ``ops.message_items``
records the items each combined message answers, written in the same transaction as the
message. An item some earlier message of the kind answered is never answered again, whether it
was alone in its message (its outbox row names it) or one of several (this table names it).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

import duckdb

from flows.loop.rows import as_columns
from notifications import EmailMessage, Outbox

# Asked about some items only (a night's window): the answered ones pile up with every night's
# history, and reading them all each night would cost what history costs.
ANSWERED_SQL = """
select item_id from ops.message_items where kind = ? and list_contains(?, item_id)
union
select item_id from ops.outbox where kind = ? and list_contains(?, item_id)
"""


# The night's rows in one statement (rows.as_columns); ON CONFLICT also drops a pair repeated
# inside the batch.
INSERT_COVERED_SQL = """
insert into ops.message_items (message_key, item_id, kind)
select unnest(?::varchar[]), unnest(?::varchar[]), unnest(?::varchar[])
on conflict do nothing
"""


def answered_items(con: duckdb.DuckDBPyConnection, kind: str, among: Collection[str]) -> set[str]:
    """The items of ``among`` a message of ``kind`` already answers (queued, sent or waiting
    for a decision)."""
    ids = sorted({str(item) for item in among})
    if not ids:
        return set()
    rows = con.execute(ANSWERED_SQL, [kind, ids, kind, ids]).fetchall()
    return {str(row[0]) for row in rows}


def enqueue_with_items(
    outbox: Outbox,
    messages: Sequence[tuple[EmailMessage, Sequence[str]]],
    *,
    run_date: date,
) -> int:
    """Queue the messages and record the items each answers, all or nothing; returns how many
    messages were new."""
    con = outbox.connection
    covered = [
        (message.key, item_id, message.kind)
        for message, item_ids in messages
        for item_id in item_ids
    ]
    con.execute("begin transaction")
    try:
        queued = outbox.enqueue([message for message, _ in messages], run_date=run_date)
        if covered:
            con.execute(INSERT_COVERED_SQL, as_columns(covered))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return queued
