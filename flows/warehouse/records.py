"""The one-row records a night keeps of what a step read, so the next night can tell nothing
changed: ``ops.stage_build`` (flows.warehouse.stage_record), ``ops.tag_state``
(flows.stages.tag_record) and ``ops.tagged_items_build`` (flows.warehouse.tagged_items_record).
Each holds what the step ran under and a fingerprint of the tables it read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def table_fingerprint(con: duckdb.DuckDBPyConnection, table: str, identity: str) -> list[int]:
    """A table's row count and an xor of its rows' ``hash(identity)``: any row added, deleted or
    changed in those columns moves one of the two."""
    row = con.execute(
        f"select count(*), coalesce(bit_xor(hash({identity})), 0) from {table}"
    ).fetchone()
    return [int(row[0]), int(row[1])] if row else [0, 0]


def read_record(con: duckdb.DuckDBPyConnection, table: str, columns: str) -> tuple[Any, ...] | None:
    """A record's one row (``columns``); None for a warehouse older than the record, or none kept."""
    try:
        rows = con.execute(f"select {columns} from {table}").fetchall()
    except duckdb.CatalogException:
        return None
    return tuple(rows[0]) if len(rows) == 1 else None


def write_record(
    con: duckdb.DuckDBPyConnection, table: str, values: Sequence[object] | None
) -> None:
    """Replace a record's row with ``values`` (None: keep no row), in one transaction."""
    con.begin()
    try:
        con.execute(f"delete from {table}")
        if values is not None:
            marks = ", ".join("?" * len(values))
            con.execute(f"insert into {table} values ({marks})", list(values))
        con.commit()
    except BaseException:
        con.rollback()
        raise
