"""Whether every item is tagged already, without hashing every item's text again.

Telling the items a model version has not tagged for their current text takes an md5 of every
item's text (``find_untagged``), and folding in the tags written before texts were kept joins
every tag: 2.6-3.5 s of a night with nothing new at a million items, to find nothing.

After a tag step that left every item tagged, ``record_all_tagged`` keeps, in ``ops.tag_state``,
the model version and a fingerprint of what the step's checks read: the items' ids and texts,
the tags' ids, versions and text hashes (per table, the row count and an xor of
DuckDB's ``hash`` of those columns: 0.3-0.4 s at a million items). A night whose
fingerprint and version are the same has nothing to tag. A new or changed text, an item gone, a
tag or kept text added or deleted, or another model version means checking as before.
"""

from __future__ import annotations

import json

import duckdb

from flows.warehouse.records import read_record, table_fingerprint, write_record

TABLE = "ops.tag_state"


def fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """What the untagged check and the stamp step read, as JSON; None before the first stage
    build (no items table yet)."""
    parts = {
        "intermediate.int_feedback_items": "item_id, feedback_text",
        "raw.feedback_tags": "item_id, model_version, text_hash",
    }
    try:
        seen = {table: table_fingerprint(con, table, columns) for table, columns in parts.items()}
    except duckdb.CatalogException:
        return None
    return json.dumps(seen, sort_keys=True)


def all_tagged(con: duckdb.DuckDBPyConnection, version: str) -> bool:
    """Whether the last tag step that left every item tagged under ``version`` read what the
    warehouse holds now."""
    kept = read_record(con, TABLE, "model_version, inputs")
    if kept is None or kept[0] != version or kept[1] is None:
        return False
    return fingerprint(con) == kept[1]


def record_all_tagged(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Keep that every item is tagged under ``version`` now (one row, one transaction)."""
    write_record(con, TABLE, [version, fingerprint(con)])
