"""Reading the marts: always the published warehouse, always over a read-only connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
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


def as_of_date(con: duckdb.DuckDBPyConnection) -> date:
    """The night the published marts were judged at: dim_accounts measures renewals from it."""
    value = scalar(
        con,
        "select max(renewal_date - cast(days_to_renewal as integer)) from marts.dim_accounts"
        " where renewal_date is not null",
    )
    if value is None:
        value = scalar(con, "select max(received_at) from marts.fct_feedback")
        value = value.date() + timedelta(days=1) if value is not None else date.today()
    return value if isinstance(value, date) else value.date()


def require_items(con: duckdb.DuckDBPyConnection, period: Period, warehouse_name: str) -> None:
    """Fail with the range the warehouse does cover when the period has no feedback at all."""
    count = scalar(
        con,
        "select count(*) from marts.fct_feedback where received_at >= ? and received_at < ?",
        [period.start_at, period.end_at],
    )
    if count:
        return
    first, last = con.execute(
        "select min(received_at), max(received_at) from marts.fct_feedback"
    ).fetchall()[0]
    covered = f"it covers {first:%Y-%m-%d} to {last:%Y-%m-%d}" if first else "it holds no feedback"
    raise ReportError(f"{warehouse_name}: no feedback received in {period.label} ({covered})")


def ack_sla_hours(con: duckdb.DuckDBPyConnection) -> float:
    """Hours the acknowledge policy allows, as the marts applied it (ack_due_at - received_at)."""
    value = scalar(
        con,
        "select median(epoch(ack_due_at - received_at)) / 3600 from marts.fct_feedback_sla",
    )
    return float(value) if value is not None else 0.0
