"""CRM exports with renewal outcomes: the three new columns load through the accounts reader
(its aliases or a team's column mapping), bad values are quarantined by file, row and field,
and an export without them loads as before."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.sources import SOURCES
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
ACCOUNTS = next(s for s in SOURCES if s.name == "accounts")


@pytest.fixture
def warehouse(tmp_path: Path):  # type: ignore[no-untyped-def]
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        yield con


def renewals(
    con: duckdb.DuckDBPyConnection,
) -> list[tuple[str, str | None, str | None, str | None]]:
    return con.execute(
        "select account_id, renewal_outcome, renewal_outcome_date, arr_after_renewal"
        " from raw.crm_accounts order by account_id"
    ).fetchall()


def test_renewal_outcomes_load_and_bad_values_are_quarantined_by_row_and_field(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    load_source(warehouse, FIXTURES / "renewals", ACCOUNTS, loaded_at=LOADED_AT)

    assert renewals(warehouse) == [
        ("001A000001", "Renewed", "2026-03-31", "430000"),
        ("001A000002", "churned", "2026-01-15", "0"),
        ("001A000003", "Downgraded", "2026-05-01", "41000"),
        ("001A000004", None, None, None),
    ]
    quarantined = warehouse.execute(
        "select file, record, field, reason from raw._quarantine order by record"
    ).fetchall()
    assert quarantined == [
        ("accounts/hubspot-companies.csv", 5, "renewal_outcome",
         "renewal_outcome must be one of renewed, churned, downgraded"),
        ("accounts/hubspot-companies.csv", 6, "renewal_outcome_date",
         "renewal_outcome_date is in the future"),
        ("accounts/hubspot-companies.csv", 7, "arr_after_renewal",
         "arr_after_renewal is not a number"),
    ]  # fmt: skip


def test_an_export_without_renewal_columns_still_loads(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    result = load_source(warehouse, FIXTURES, ACCOUNTS, loaded_at=LOADED_AT)

    assert result.rows_loaded == 2
    assert [row[1:] for row in renewals(warehouse)] == [(None, None, None)] * 2


def test_a_teams_own_renewal_headers_are_read_through_its_column_mapping(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox" / "accounts"
    folder.mkdir(parents=True)
    (folder / "crm.csv").write_text(
        "Account ID,Account Name,Tier,ARR,Contract Result,Decided,New ARR\n"
        "a1,Acme,SMB,0,Churned,2026-06-30,0\n",
        encoding="utf-8",
    )
    columns = {
        "Contract Result": "renewal_outcome",
        "Decided": "renewal_outcome_date",
        "New ARR": "arr_after_renewal",
    }
    load_source(warehouse, tmp_path / "inbox", ACCOUNTS, loaded_at=LOADED_AT, columns=columns)

    assert renewals(warehouse) == [("a1", "Churned", "2026-06-30", "0")]


def test_an_account_exported_again_without_renewal_columns_is_not_loaded_twice(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Rows stored before the columns existed keep their hash: the same account re-exported by
    # an old export is the same fact, not a new version.
    first = load_source(warehouse, FIXTURES, ACCOUNTS, loaded_at=LOADED_AT)
    folder = tmp_path / "inbox" / "accounts"
    folder.mkdir(parents=True)
    text = (FIXTURES / "accounts" / "crm-report.csv").read_text(encoding="utf-8")
    (folder / "again.csv").write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    again = load_source(warehouse, tmp_path / "inbox", ACCOUNTS, loaded_at=LOADED_AT)

    assert (first.rows_loaded, again.rows_loaded) == (2, 0)
