"""What the marts read of the tables notify writes, so the build after notify knows what changed.

The night's first marts build reads the ops tables notify writes through three relations: the
items' messages (``int_message_items``, over the outbox and its message items), the escalations
and the closed-loop matches; `tests/flows/test_nightly.py` checks that no model of both marts
builds reaches them another way. When notify leaves all three as the first build read them (a
night that sent only digests and alerts), what that build made from them is what the build
after notify would make again at the same clock, so that build makes only what the first left
out (selector ``marts_after_quiet_notify``): 19 of 39 models at a million items.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.warehouse.connection import open_warehouse

RELATIONS = (
    "intermediate.int_message_items",
    "staging.stg_loopkeeper__escalations",
    "staging.stg_loopkeeper__closed_loop_matches",
)

Fingerprint = tuple[tuple[int, int], ...]


def notify_inputs(warehouse: Path) -> Fingerprint | None:
    """Each relation's row count and xor of its rows' hashes; None when one is missing (a
    warehouse the first build has not made them in), which compares as changed."""
    prints = []
    with open_warehouse(warehouse, read_only=True) as con:
        for relation in RELATIONS:
            try:
                row = con.execute(
                    f"select count(*), coalesce(bit_xor(hash(r)), 0) from {relation} as r"
                ).fetchone()
            except duckdb.CatalogException:
                return None
            prints.append((int(row[0]), int(row[1])) if row else (0, 0))
    return tuple(prints)


def unchanged(before: Fingerprint | None, after: Fingerprint | None) -> bool:
    """Whether notify left the three as they were (never when either could not be read)."""
    return before is not None and before == after
