"""The warehouse's own tables (``raw.*``, ``ops.*``): their DDL, in the SQL files beside this.

One home for every table Loopkeeper writes itself; dbt builds the rest from them. The files
are idempotent (``create ... if not exists``, ``alter table ... add column if not exists``),
so applying them to a warehouse of any earlier layout upgrades it in place and keeps its rows;
a column added later is an ``alter`` appended to its file, never an edit of the ``create``.

They are applied once per run, before its first step (``flows/nightly.py``), and by the
commands that open the runs' working copy on their own (``loopkeeper quarantine``,
``loopkeeper outbox``); the connections a run's steps open do not run DDL. The files live
in ``flows/`` because only ``flows/`` wires the warehouse: ``notifications/`` works on the
``ops`` tables it is handed and creates none (DESIGN.md's rooms).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.warehouse.connection import open_warehouse

SCHEMA_DIR = Path(__file__).parent


class SchemaError(RuntimeError):
    """A schema file could not be applied; the warehouse is left as it was."""


def schema_files() -> list[Path]:
    """The schema files, in the order they are applied (by name: ``raw`` after ``ops_*``)."""
    return sorted(SCHEMA_DIR.glob("*.sql"))


def apply_schema(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create the missing tables and columns in one transaction; returns what it added.

    What it added (``schema.table`` or ``schema.table.column``) is empty on a warehouse that
    was up to date, so a run can say when it upgraded one.
    """
    before = _columns(con)
    con.execute("begin transaction")
    try:
        for path in schema_files():
            for statement in con.extract_statements(path.read_text(encoding="utf-8")):
                try:
                    con.execute(statement)
                except duckdb.Error as exc:
                    first = statement.query.strip().splitlines()[0]
                    raise SchemaError(f"{path.name}: `{first}` failed: {exc}") from exc
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    after = _columns(con)
    tables_before = {table for table, _ in before}
    added_tables = sorted({table for table, _ in after} - tables_before)
    added_columns = sorted(
        f"{table}.{column}" for table, column in after - before if table in tables_before
    )
    return added_tables + added_columns


def upgrade_warehouse(path: Path) -> list[str]:
    """Open the warehouse file (created when missing), apply the schema, close it."""
    with open_warehouse(path) as con:
        return apply_schema(con)


def _columns(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    rows = con.execute(
        "select table_schema || '.' || table_name, column_name from information_schema.columns"
        " where table_schema in ('raw', 'ops') and table_catalog = current_database()"
    ).fetchall()
    return {(table, column) for table, column in rows}
