"""The dbt project built in-process over a small hand-written raw layer, then read back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    return dict(con.execute(sql).fetchall())


def test_int_feedback_items_holds_one_row_per_visible_item(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    item_ids = [
        row[0]
        for row in warehouse.execute(
            "select item_id from intermediate.int_feedback_items"
        ).fetchall()
    ]

    assert sorted(item_ids) == sorted([
        "nps:r1", "nps:r2", "nps:r3",
        "note:n1:1", "note:n1:2",
        "ticket:50231",
        "widget:wfb_1", "widget:wfb_2",
    ])  # fmt: skip


def test_ticket_latest_version_wins(warehouse: duckdb.DuckDBPyConnection) -> None:
    row = warehouse.execute(
        "select ticket_status, csat_rating, csat_comment, feedback_text"
        " from marts.fct_feedback where item_id = 'ticket:50231'"
    ).fetchone()

    tags = warehouse.execute(
        "select ticket_tags from staging.stg_zendesk__tickets where ticket_id = '50231'"
    ).fetchone()

    assert row == ("solved", "bad", "Took three days.", "Export fails\n\nIt times out.")
    assert tags == (["export", "bug"],)


@pytest.mark.parametrize(
    ("item_id", "account_id", "method"),
    [
        pytest.param("nps:r1", "001A", "contact_email", id="nps from a primary contact"),
        pytest.param("nps:r2", "002B", "email_domain", id="nps matched by website domain"),
        pytest.param("nps:r3", None, "none", id="nps from a free-mail address stays unmatched"),
        pytest.param("ticket:50231", "002B", "contact_email", id="ticket requester is a contact"),
        pytest.param("widget:wfb_1", "003C", "account_id", id="widget states its account"),
        pytest.param(
            "widget:wfb_2", "001A", "email_domain", id="unknown stated account falls back to domain"
        ),
        pytest.param("note:n1:2", "001A", "account_id", id="note states its account"),
    ],
)
def test_account_matching(
    warehouse: duckdb.DuckDBPyConnection, item_id: str, account_id: str | None, method: str
) -> None:
    row = warehouse.execute(
        "select account_id, account_match_method, is_account_matched"
        " from intermediate.int_feedback_items where item_id = ?",
        [item_id],
    ).fetchone()

    assert row == (account_id, method, account_id is not None)


def test_renamed_account_shows_its_new_name(warehouse: duckdb.DuckDBPyConnection) -> None:
    names = _column(
        warehouse,
        "select 'dim', account_name from marts.dim_accounts where account_id = '001A'"
        " union all select item_id, account_name from marts.fct_feedback where item_id = 'nps:r1'",
    )

    assert names == {"dim": "Northwind Freight", "nps:r1": "Northwind Freight"}


def test_note_contact_is_the_accounts_primary_contact(warehouse: duckdb.DuckDBPyConnection) -> None:
    contacts = _column(
        warehouse,
        "select item_id, contact_email from marts.fct_feedback where source = 'note'",
    )

    assert contacts == {
        "note:n1:1": "priya.raman@northwind-logistics.com",
        "note:n1:2": "priya.raman@northwind-logistics.com",
    }


def test_offset_timestamp_is_stored_in_utc(warehouse: duckdb.DuckDBPyConnection) -> None:
    received_at = warehouse.execute(
        "select received_at from marts.fct_feedback where item_id = 'nps:r2'"
    ).fetchone()

    assert received_at == (datetime(2026, 11, 4, 8, 0),)


def test_nps_category(warehouse: duckdb.DuckDBPyConnection) -> None:
    categories = _column(
        warehouse, "select item_id, nps_category from marts.fct_feedback where source = 'nps'"
    )

    assert categories == {"nps:r1": "detractor", "nps:r2": "promoter", "nps:r3": "passive"}


@pytest.mark.parametrize(
    ("item_id", "status"),
    [
        pytest.param("widget:wfb_1", "met", id="acknowledgment sent within 24 h"),
        pytest.param("nps:r1", "met", id="handed to its CSM within 24 h, ack still pending"),
        pytest.param("ticket:50231", "breached", id="never acknowledged past due"),
        pytest.param("nps:r3", "open", id="not acknowledged but not yet due"),
    ],
)
def test_ack_sla_status(warehouse: duckdb.DuckDBPyConnection, item_id: str, status: str) -> None:
    row = warehouse.execute(
        "select ack_sla_status from marts.fct_feedback where item_id = ?", [item_id]
    ).fetchone()

    assert row == (status,)


def test_latest_tagging_is_the_items_tags(warehouse: duckdb.DuckDBPyConnection) -> None:
    row = warehouse.execute(
        "select model_version, intents, competitors, severity, is_tagged"
        " from marts.fct_feedback where item_id = 'nps:r1'"
    ).fetchone()

    assert row == ("tagger-2", ["bug", "competitor"], ["Gainsight"], "high", True)


def test_detractor_with_competitor_mention_is_at_risk(warehouse: duckdb.DuckDBPyConnection) -> None:
    risk = {
        account_id: flags
        for account_id, *flags in warehouse.execute(
            "select account_id, is_detractor, has_churn_or_competitor_mention_90d, is_at_risk"
            " from marts.dim_accounts"
        ).fetchall()
    }

    assert risk == {
        "001A": [True, True, True],
        "002B": [False, False, False],
        "003C": [False, False, False],
    }


def test_crm_values_are_typed_and_cleaned(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select account_id, account_domain, tier, arr, days_to_renewal"
        " from marts.dim_accounts order by account_id"
    ).fetchall()

    assert rows == [
        ("001A", "northwind-logistics.com", "Enterprise", Decimal("415000.00"), 141),
        ("002B", "contoso-health.io", "Mid-Market", Decimal("98500.00"), 35),
        ("003C", "tailspin.dev", "SMB", Decimal("12000.00"), 203),
    ]


def test_age_days_counts_whole_days_to_as_of(warehouse: duckdb.DuckDBPyConnection) -> None:
    ages = _column(
        warehouse,
        "select item_id, age_days from marts.fct_feedback"
        " where item_id in ('ticket:50231', 'widget:wfb_1')",
    )

    assert ages == {"ticket:50231": 7, "widget:wfb_1": 0}


def test_nps_monthly_by_tier(warehouse: duckdb.DuckDBPyConnection) -> None:
    scores = _column(warehouse, "select nps_month_tier_key, nps from marts.fct_nps_monthly")

    assert scores == {
        "2026-11:Enterprise": -100.0,
        "2026-11:Mid-Market": 100.0,
        "2026-11:Unmatched": 0.0,
    }


@pytest.mark.parametrize(
    ("keys", "failing"),
    [
        pytest.param(["A1", "A2"], [], id="unique and present"),
        pytest.param(["A1", "A2", "A2", None], [("A2", 2), (None, 1)], id="repeated and null"),
    ],
)
def test_primary_key_test_fails_on_a_repeated_or_missing_key(
    warehouse: duckdb.DuckDBPyConnection, keys: list[str | None], failing: list[tuple[Any, int]]
) -> None:
    """The project's `primary_key` data test, as dbt compiled it for stg_crm__accounts, run on
    rows of our own."""
    (database,) = warehouse.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()[0]
    target = Path(database).parent / "target" / "compiled"
    compiled = next(target.rglob("primary_key_stg_crm__accounts_account_id*.sql")).read_text()
    relation = f"{Path(database).stem}.staging.stg_crm__accounts"
    con = duckdb.connect()
    con.execute(f"attach ':memory:' as {Path(database).stem}")
    con.execute(f"create schema {Path(database).stem}.staging")
    con.execute(f"create table {relation} (account_id varchar)")
    con.executemany(f"insert into {relation} values (?)", [[k] for k in keys])

    assert sorted(con.execute(compiled).fetchall(), key=str) == sorted(failing, key=str)
