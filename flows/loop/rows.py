"""Reading mart rows as plain Python values, and feedback items from them; writing rows back.

``feedback_items`` is the seam between the marts and the loop: each fct_feedback row a step
reads becomes a typed ``FeedbackItem`` here, once (its intents read by the library's one
parser), and the steps and the notifications library take the typed item from then on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from notifications import FeedbackItem, RejectedItem
from notifications.feedback_item import FIELDS, OPTIONAL_FIELDS

log = logging.getLogger(__name__)

# fct_feedback's columns plus `text`, the name the notifications library reads the words under.
FEEDBACK_COLUMNS = "fct_feedback.*, fct_feedback.feedback_text as text"

# Only the fct_feedback columns a FeedbackItem is made from (the library's fields; `text` is
# feedback_text, and matched_text comes from fct_closed_loop_matches): for a step that reads
# items for nothing else. A third of fct_feedback's columns: reading the 110,860 items of a
# million-item warehouse's 480 biggest themes took 3.5 s this way against 5.4 s with them all.
ITEM_COLUMNS = ", ".join(
    [
        *(
            f"fct_feedback.{name}"
            for name in (*FIELDS, *OPTIONAL_FIELDS)
            if name not in ("text", "matched_text")
        ),
        "fct_feedback.feedback_text as text",
    ]
)


def fetch_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> list[dict[str, Any]]:
    """Rows as dicts of Python values (datetimes, dates, lists, None; not pandas' NaN and NaT),
    decimals as floats."""
    cursor = con.execute(sql, list(params))
    columns = cursor.description or []
    names = [column[0] for column in columns]
    # Money columns are DECIMAL in the marts; the library reads amounts as floats. Only those
    # columns are looked at: testing every value took ~40% of reading 29,000 stale-item rows
    # of ~60 columns on a million-item warehouse.
    money = [column[0] for column in columns if str(column[1]).startswith("DECIMAL")]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows if money else ():
        for name in money:
            if (value := row[name]) is not None:
                row[name] = float(value)
    return rows


def feedback_items(
    rows: Iterable[dict[str, Any]],
) -> tuple[list[FeedbackItem], list[RejectedItem]]:
    """Items built from fct_feedback rows; a row that cannot be read is rejected with why."""
    items: list[FeedbackItem] = []
    rejected: list[RejectedItem] = []
    for row in rows:
        try:
            items.append(FeedbackItem.from_mapping(row))
        except ValueError as error:
            rejected.append(RejectedItem(str(row.get("item_id")), str(error)))
    return items, rejected


def log_rejected(what: str, rejected: Iterable[RejectedItem]) -> None:
    for bad in rejected:
        log.warning("%s not composed for %s: %s", what, bad.item_id, bad.reason)


def as_columns(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """Rows as one list per column: the parameters of a statement that writes them all at once
    by unnesting the lists (``select unnest(?::varchar[]), ...``). DuckDB runs an
    ``executemany`` as one statement per row: 7,500 rows took 12 s, against 0.02 s unnested."""
    return [list(column) for column in zip(*rows, strict=True)]
