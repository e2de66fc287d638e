"""Reading the marts: always the published warehouse, always over a read-only connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from flows.reports.periods import Period, ReportError
from flows.warehouse.connection import open_warehouse, scalar

Row = dict[str, Any]


@contextmanager
def read_marts(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published file; a clear error when it has no marts yet.

    Read-only, so a report runs beside analysts and never blocks (or is blocked by) a nightly,
    which writes its own working copy (flows/warehouse/publish.py).
    """
    with open_warehouse(warehouse, read_only=True) as con:
        present = scalar(
            con,
            "select count(*) from information_schema.tables"
            " where table_schema = 'marts' and table_name = 'fct_loop_health_monthly'",
        )
        if not present:
            raise ReportError(
                f"{warehouse}: the warehouse has no marts yet (run `loopkeeper nightly` first)"
            )
        built = {
            str(name)
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'reports'"
            ).fetchall()
        }
        missing = sorted(report_models() - built)
        if missing:
            raise ReportError(
                f"{warehouse}: the warehouse lacks report models ({', '.join(missing)}); it was"
                " built by an older Loopkeeper: run `loopkeeper nightly` once to build them"
            )
        yield con


def report_models() -> set[str]:
    """The report models the dbt project defines (models/reports), which the reports read."""
    from flows.warehouse.dbt import DBT_PROJECT_DIR

    return {path.stem for path in (DBT_PROJECT_DIR / "models" / "reports").glob("rpt_*.sql")}


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> list[Row]:
    """Every row as a dict; decimals become floats (ARR is decimal(38,2) in the marts)."""
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description or []]
    return [
        {n: float(v) if isinstance(v, Decimal) else v for n, v in zip(names, row, strict=True)}
        for row in result.fetchall()
    ]


def _context(con: duckdb.DuckDBPyConnection) -> Row:
    [row] = rows(con, "select * from reports.rpt_report_context")
    return row


def as_of_date(con: duckdb.DuckDBPyConnection) -> date:
    """The night the published marts were judged at (rpt_report_context)."""
    value: date = _context(con)["as_of_date"]
    return value


def require_items(con: duckdb.DuckDBPyConnection, period: Period, warehouse_name: str) -> None:
    """Fail with the range the warehouse does cover when the period has no feedback at all."""
    found = con.execute(
        "select 1 from marts.fct_feedback where received_at >= ? and received_at < ? limit 1",
        [period.start_at, period.end_at],
    ).fetchall()
    if found:
        return
    context = _context(con)
    first, last = context["first_received_at"], context["last_received_at"]
    covered = f"it covers {first:%Y-%m-%d} to {last:%Y-%m-%d}" if first else "it holds no feedback"
    raise ReportError(f"{warehouse_name}: no feedback received in {period.label} ({covered})")


def ack_sla_hours(con: duckdb.DuckDBPyConnection) -> float:
    """Hours the acknowledge policy allows, as the marts applied it (rpt_report_context)."""
    value = _context(con)["ack_sla_hours"]
    return float(value) if value is not None else 0.0
