"""Source readers and the loader on real-format fixture files, good and bad."""

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

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)


def source(name: str):  # type: ignore[no-untyped-def]
    return next(s for s in SOURCES if s.name == name)


@pytest.fixture
def warehouse(tmp_path: Path):  # type: ignore[no-untyped-def]
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        yield con


def load(con: duckdb.DuckDBPyConnection, name: str, inbox: Path = FIXTURES):  # type: ignore[no-untyped-def]
    return load_source(con, inbox, source(name), loaded_at=LOADED_AT)


def quarantine(con: duckdb.DuckDBPyConnection, source_name: str) -> list[tuple[str, int, str, str]]:
    return con.execute(
        "select file, record, field, reason from raw._quarantine where source = ? order by file, record",
        [source_name],
    ).fetchall()


def test_nps_good_rows_load_and_bad_rows_are_quarantined_with_reasons(warehouse) -> None:
    result = load(warehouse, "nps")
    rows = warehouse.execute(
        "select response_id, email, score, responded_at from raw.nps_responses order by response_id"
    ).fetchall()
    assert rows == [
        ("r_1", "priya.raman@northwind-logistics.com", "3", "2026-11-03T14:22:05Z"),
        ("r_4", "ivy.chen@quillstone.health", "9", "2026-04-11T09:30:00Z"),
        ("r_7", "ola@bramblefinch.co", "6", "2026-11-06T08:00:00Z"),
    ]
    reasons = {
        (file, record, field): reason
        for file, record, field, reason in quarantine(warehouse, "nps")
    }
    assert reasons[("nps/delighted-export.csv", 2, "score")] == "score is above 10"
    assert reasons[("nps/delighted-export.csv", 3, "score")] == "score is not a number"
    assert reasons[("nps/delighted-export.csv", 5, "email")] == "email is not an email address"
    assert (
        reasons[("nps/delighted-export.csv", 6, "responded_at")] == "responded_at is in the future"
    )
    assert (
        "missing required column(s) response_id, email, responded_at (found: Respondent, Mail, Rating)"
        in reasons[("nps/wrong-headers.csv", 0, "file")]
    )
    assert "empty" in reasons[("nps/empty.csv", 0, "file")]
    assert result.files_quarantined == 2
    assert any("Latin-1" in m for m in result.messages)


def test_multiline_quoted_comment_keeps_its_line_break(warehouse) -> None:
    load(warehouse, "nps")
    comment = warehouse.execute(
        "select comment from raw.nps_responses where response_id = 'r_1'"
    ).fetchone()
    assert comment == ("Exports keep timing out.\r\nLooking at Gainsight.",)


def test_latin1_file_is_decoded_not_mangled(warehouse) -> None:
    load(warehouse, "nps")
    assert warehouse.execute(
        "select comment from raw.nps_responses where response_id = 'r_7'"
    ).fetchone() == ("Café menu is slow",)


def test_every_ticket_version_lands_with_its_requester(warehouse) -> None:
    result = load(warehouse, "tickets")
    rows = warehouse.execute(
        "select ticket_id, status, requester_email, satisfaction_score, _file, _record"
        " from raw.zendesk_tickets order by ticket_id, updated_at"
    ).fetchall()
    assert rows == [
        (
            "501",
            "open",
            "priya.raman@northwind-logistics.com",
            "unoffered",
            "tickets/page-1.json",
            1,
        ),
        ("501", "solved", "priya.raman@northwind-logistics.com", "bad", "tickets/page-2.json", 1),
        ("502", "solved", "ivy.chen@quillstone.health", "good", "tickets/page-1.json", 2),
    ]
    assert result.files_quarantined == 1
    (reason,) = [
        r for f, _, _, r in quarantine(warehouse, "tickets") if f == "tickets/truncated.json"
    ]
    assert reason.startswith("truncated.json: not a readable JSON export")


def test_bad_jsonl_line_is_quarantined_by_line_number(warehouse) -> None:
    load(warehouse, "widget")
    ids = [
        r[0]
        for r in warehouse.execute("select event_id from raw.widget_events order by 1").fetchall()
    ]
    assert ids == ["w1", "w3"]
    assert [(rec, field, reason) for _, rec, field, reason in quarantine(warehouse, "widget")] == [
        (2, "message", "message is empty"),
        (3, "line", "line is not valid JSON: Expecting property name enclosed in double quotes"),
    ]


def test_notes_give_one_item_per_feedback_bullet(warehouse) -> None:
    load(warehouse, "notes")
    rows = warehouse.execute(
        "select account_id, note_type, note_date, item_index, item_text from raw.note_items order by item_index"
    ).fetchall()
    assert rows == [
        (
            "001A000001",
            "qbr",
            "2026-10-28",
            "1",
            "SSO setup took two weeks; they want SCIM provisioning.",
        ),
        (
            "001A000001",
            "qbr",
            "2026-10-28",
            "2",
            "Dashboard load times are a blocker for the ops team, especially on Monday mornings.",
        ),
    ]
    assert [(f, r) for f, r, _, _ in quarantine(warehouse, "notes")] == [("notes/broken.md", 0)]


def test_crm_tier_outside_the_list_is_quarantined(warehouse) -> None:
    load(warehouse, "accounts")
    assert warehouse.execute("select count(*) from raw.crm_accounts").fetchone() == (2,)
    assert [(field, reason) for _, _, field, reason in quarantine(warehouse, "accounts")] == [
        ("tier", "tier must be one of Enterprise, Mid-Market, SMB")
    ]


@pytest.mark.parametrize("name", [s.name for s in SOURCES if s.name != "roadmap"])
def test_loading_the_same_inbox_again_adds_nothing(warehouse, name: str) -> None:
    load(warehouse, name)
    table = source(name).table
    before = warehouse.execute(f"select count(*) from raw.{table}").fetchone()
    second = load(warehouse, name)
    assert second.rows_loaded == 0
    assert warehouse.execute(f"select count(*) from raw.{table}").fetchone() == before


def test_overlapping_export_adds_only_the_new_rows(warehouse, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "tickets").mkdir(parents=True)
    shutil.copy(FIXTURES / "tickets" / "page-1.json", inbox / "tickets" / "a.json")
    load(warehouse, "tickets", inbox)
    # A re-export that overlaps: page 1's content again plus page 2, in one differently named file.
    text = (FIXTURES / "tickets" / "page-1.json").read_text()
    (inbox / "tickets" / "b.json").write_text(
        text.replace('"end_of_stream": false', '"end_of_stream": true')
    )
    shutil.copy(FIXTURES / "tickets" / "page-2.json", inbox / "tickets" / "c.json")
    result = load(warehouse, "tickets", inbox)
    assert (result.rows_loaded, result.rows_duplicate) == (1, 2)
    assert warehouse.execute("select count(*) from raw.zendesk_tickets").fetchone() == (3,)
