"""Exports as each tool writes them load into the same raw columns; loads are idempotent."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.sources import SOURCES
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

STYLES = Path(__file__).parents[1] / "fixtures" / "sources" / "styles"
LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with open_warehouse(tmp_path_factory.mktemp("styles") / "w.duckdb") as con:
        apply_schema(con)
        for source in SOURCES:
            load_source(con, STYLES, source, loaded_at=LOADED_AT)
        yield con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def test_typeform_surveymonkey_and_delighted_headers_map_to_one_shape(warehouse) -> None:
    assert rows(
        warehouse,
        "select response_id, email, score, responded_at from raw.nps_responses order by 1",
    ) == [
        ("11801", "cy@acme.io", "10", "2026-11-04T09:05:10Z"),
        ("dl_1", "dee@acme.io", "6", "2026-11-05T13:00:00Z"),
        ("tf_1", "ann@acme.io", "9", "2026-11-04T08:30:00Z"),
        ("tf_2", "bo@acme.io", "4", "2025-11-04T08:00:00Z"),
    ]


def test_comments_keep_newlines_and_markup_as_text(warehouse) -> None:
    assert rows(warehouse, "select comment from raw.nps_responses where response_id = 'tf_1'") == [
        ("Love it.\r\nBut <script>alert(1)</script> the exports",)
    ]


def test_names_and_subjects_become_one_line(warehouse) -> None:
    assert rows(
        warehouse,
        "select distinct requester_name, subject from raw.zendesk_tickets"
        " where ticket_id = '900' order by 2",
    ) == [("Eve Stone", "Login fails <b>again</b>")]
    assert rows(
        warehouse, "select account_name from raw.crm_accounts where account_id = '001S'"
    ) == [("Acme Corp",)]


def test_zendesk_pages_and_csv_export_share_the_folder(warehouse) -> None:
    assert rows(
        warehouse,
        "select ticket_id, status, updated_at, tags, priority, satisfaction_score"
        " from raw.zendesk_tickets order by ticket_id, updated_at",
    ) == [
        ("900", "open", "2026-11-02T10:00:00Z", "sso,login", "high", None),
        ("900", "solved", "2026-11-03T14:00:00Z", "sso,login", "high", "good"),
        ("901", "pending", "2026-11-04T09:00:00Z", "billing,invoice", None, "Offered"),
    ]


def test_salesforce_footer_is_skipped_and_hubspot_headers_map(warehouse) -> None:
    assert rows(
        warehouse, "select account_id, tier, arr, renewal_date from raw.crm_accounts order by 1"
    ) == [("001S", "Enterprise", "250000", "2027-03-31"), ("7001", "SMB", "9800", None)]
    assert rows(warehouse, "select count(*) from raw._quarantine where source = 'accounts'") == [
        (0,)
    ]


def test_jira_linear_and_productboard_statuses_map_to_ours(warehouse) -> None:
    assert rows(
        warehouse,
        "select item_id, status, theme_keywords, created_at from raw.roadmap_items order by 1",
    ) == [
        ("LIN-7", "shipped", "export;performance", "2026-06-02"),
        ("LK-1", "in progress", "sso;scim", "2026-06-01"),
        ("LK-2", "declined", "", "2026-05-01"),
        ("LK-9", "planned", "security;compliance", "2026-11-04"),
        ("pb-3", "planned", None, "2026-07-01"),
    ]


def counts(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [rows(con, f"select count(*) from raw.{s.table}")[0][0] for s in SOURCES]  # type: ignore[misc]


def test_three_loads_of_one_inbox_give_the_counts_of_one(tmp_path: Path) -> None:
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        for source in SOURCES:
            load_source(con, STYLES, source, loaded_at=LOADED_AT)
        once = counts(con)
        for _ in range(2):
            for source in SOURCES:
                assert load_source(con, STYLES, source, loaded_at=LOADED_AT).rows_loaded == 0
        assert counts(con) == once


def test_overlapping_exports_load_the_union_and_a_corrected_file_loads(tmp_path: Path) -> None:
    nps = next(s for s in SOURCES if s.name == "nps")
    (tmp_path / "nps").mkdir()
    header = "Response ID,Email,Score,Comment,Responded At\n"
    a = "a1,a@acme.io,9,,2026-11-01T10:00:00Z\n"
    b = "b1,b@acme.io,7,,2026-11-02T10:00:00Z\n"
    (tmp_path / "nps" / "week-1.csv").write_text(
        header + a + "c1,c@acme.io,eleven,,2026-11-02T10:00:00Z\n"
    )
    (tmp_path / "nps" / "week-1-2.csv").write_text(header + a + b)
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        first = load_source(con, tmp_path, nps, loaded_at=LOADED_AT)
        assert (first.rows_loaded, first.rows_duplicate, first.rows_quarantined) == (2, 1, 1)
        (tmp_path / "nps" / "week-1-fixed.csv").write_text(
            header + a + "c1,c@acme.io,10,,2026-11-02T10:00:00Z\n"
        )
        second = load_source(con, tmp_path, nps, loaded_at=LOADED_AT)
        assert (second.files_read, second.rows_loaded) == (1, 1)
        assert rows(con, "select response_id from raw.nps_responses order by 1") == [
            ("a1",),
            ("b1",),
            ("c1",),
        ]


def test_a_team_column_mapping_reads_their_headers(tmp_path: Path) -> None:
    nps = next(s for s in SOURCES if s.name == "nps")
    shutil.copytree(STYLES.parent / "bad" / "nps", tmp_path / "nps", dirs_exist_ok=True)
    for other in (tmp_path / "nps").iterdir():
        if other.name != "renamed-columns.csv":
            other.unlink()
    mapping = {
        "Respondent": "response_id",
        "Mail": "email",
        "NPS Rating": "score",
        "When": "responded_at",
    }
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        result = load_source(con, tmp_path, nps, loaded_at=LOADED_AT, columns=mapping)
    assert (result.rows_loaded, result.files_quarantined) == (1, 0)
    with pytest.raises(
        ValueError, match=r"columns\.nps: nps_score not a column of raw\.nps_responses"
    ):
        load_source(con, tmp_path, nps, loaded_at=LOADED_AT, columns={"Rating": "nps_score"})
