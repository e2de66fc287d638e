"""Opening the warehouse: one read-write DuckDB connection per step, closed before the next."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb


@contextmanager
def open_warehouse(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connect, creating the file on first use; always close after.

    Runs no DDL: a run applies the warehouse's schema once, before its first step
    (flows.warehouse.schema), not on every connection its steps open.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse here yet (run `loopkeeper nightly` first)")
    con = duckdb.connect(str(path), read_only=read_only)
    # DuckDB draws its own progress bar on long queries; the CLI reports progress itself.
    con.execute("set enable_progress_bar = false")
    try:
        yield con
    finally:
        con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> Any:
    """First value of a one-row query. Fetches every row: DuckDB 2.0 refuses further work on a
    connection whose previous result was only partly fetched (``fetchone`` leaves it open)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
