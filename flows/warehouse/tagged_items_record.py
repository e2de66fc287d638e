"""Whether tonight's marts build would find any item of ``int_feedback_items_tagged`` changed.

That model joins every visible item to its tags and its theme's label and hashes each row
(``row_version``) to find the items that changed since the last build: 2.2-4.9 s of every first
marts build at a million items, on the critical path, and a night with nothing new finds none.
Its rows depend only on what it reads (``int_feedback_items``, ``raw.feedback_tags`` through
``stg_loopkeeper__feedback_tags``, ``raw.themes`` through ``stg_loopkeeper__themes``) and on the
dbt project, never on the clock (tests/dbt/test_tagged_items_inputs.py checks the project for
that).

So after each marts build that built it, ``record_tagged_items_build`` keeps, in
``ops.tagged_items_build``, the definition and a fingerprint of those three tables as the build
left them (what the model read, even when the same dbt command built ``int_feedback_items``):
per table the row count and an xor of DuckDB's ``hash`` of every row, every column included
(0.4 s at a million items). The next build that updates in place under the same definition and
finds the same fingerprint (``tagged_items_settled``) tells the model so
(LOOPKEEPER_TAGGED_ITEMS_SETTLED, macro ``tagged_items_settled``): it keeps its rows as they are
instead of comparing every one. A row loaded, tagged, relabelled or deleted, or another
definition, means comparing as before.
"""

from __future__ import annotations

import json

import duckdb

from flows.warehouse.records import read_record, table_fingerprint, write_record

TABLE = "ops.tagged_items_build"
# What int_feedback_items_tagged reads (its models' sources, for the two staging views).
INPUTS = ("intermediate.int_feedback_items", "raw.feedback_tags", "raw.themes")
# The selectors of dbt_project/selectors.yml that build it: the nightly's first marts build.
BUILT_BY = ("marts", "marts_before_notify")


def fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The three tables' fingerprint, as JSON; None when one does not exist yet."""
    try:
        # every column of every row: the table aliased, its alias is the row
        parts = {table: table_fingerprint(con, f"{table} as t", "t") for table in INPUTS}
    except duckdb.CatalogException:
        return None
    return json.dumps(parts, sort_keys=True)


def tagged_items_settled(con: duckdb.DuckDBPyConnection, definition: str) -> bool:
    """Whether the last marts build under ``definition`` read what the three tables hold now.

    The row counts are compared first: a night that loaded or tagged anything has other counts
    (milliseconds), and only a night with the same counts hashes every row.
    """
    record = read_record(con, TABLE, "definition, inputs")
    if record is None or record[0] != definition or record[1] is None:
        return False
    kept = json.loads(record[1])
    try:
        for table in INPUTS:
            count = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            if table not in kept or kept[table][0] != count:
                return False
    except duckdb.CatalogException:
        return False
    return fingerprint(con) == record[1]


def forget_tagged_items_build(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the record before a build that may change the model's rows: a build that fails or is
    killed before it records what it read leaves none, never one of an older build."""
    con.execute(f"delete from {TABLE}")


def record_tagged_items_build(con: duckdb.DuckDBPyConnection, *, definition: str) -> None:
    """Keep what the marts build just done read (one row, one transaction); a warehouse without
    the tables yet keeps no record."""
    inputs = fingerprint(con)
    write_record(con, TABLE, [definition, inputs] if inputs is not None else None)
