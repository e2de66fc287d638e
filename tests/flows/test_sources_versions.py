"""Versions, not duplicates (issue 16, finding 1): an item re-delivered with changed content is a
new version, validated like any row and kept beside the old one; the same content again is a
duplicate; the summary and `status` count them apart."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.commands.status import _version_lines
from flows.sources import SOURCES
from flows.sources.dates import DATE_FORMATS_HELP
from flows.sources.loader import load_source
from flows.stages.summary import RunSummary
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

FIRST, SECOND = datetime(2026, 12, 2, 3, 0), datetime(2026, 12, 3, 3, 0)
HEADER = "Response ID,Email,Score,Comment,Responded At,Survey ID\n"
R29 = "r_000029,ivan@glencrest.de,{score},{comment},{at},nps-2026-11\n"
R30 = "r_000030,ola@bramble.co,8,Fine,2026-11-14T11:00:00Z,nps-2026-11\n"


def nps(**values: str) -> str:
    row = {"score": "10", "comment": "", "at": "2026-11-14T10:19:42Z"} | values
    return HEADER + R29.format(**row) + R30


def load(con: duckdb.DuckDBPyConnection, root: Path, name: str, at: datetime):  # type: ignore[no-untyped-def]
    source = next(s for s in SOURCES if s.name == name)
    return load_source(con, root, source, loaded_at=at)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    with open_warehouse(Path(":memory:")) as connection:
        apply_schema(connection)
        yield connection  # type: ignore[misc]


def test_a_first_delivery_holding_two_versions_is_not_called_loaded_before(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # A first night's export already holds an updated item (a ticket changed inside the
    # delivery): nothing was loaded before, and the summary must not say it was.
    (tmp_path / "nps").mkdir()
    (tmp_path / "nps" / "nps-1.csv").write_text(nps())
    (tmp_path / "nps" / "nps-2.csv").write_text(nps(comment="Exports time out since Monday"))
    first = load(con, tmp_path, "nps", FIRST)
    assert (first.rows_loaded, first.rows_versions) == (3, 1)
    lines = RunSummary(FIRST.date(), FIRST, Path("w"), Path("m"), loads=[first]).lines()
    [line] = [line for line in lines if "versions" in line]
    assert "loaded before" not in line
    assert "tonight's or stored" in line


def test_a_comment_added_after_the_score_is_a_new_version_not_a_duplicate(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    (tmp_path / "nps").mkdir()
    (tmp_path / "nps" / "nps-1.csv").write_text(nps())
    load(con, tmp_path, "nps", FIRST)
    (tmp_path / "nps" / "nps-2.csv").write_text(nps(comment="Exports time out since Monday"))
    later = load(con, tmp_path, "nps", SECOND)
    assert (later.rows_loaded, later.rows_versions, later.rows_duplicate) == (1, 1, 1)
    stored = con.execute(
        "select comment, _file from raw.nps_responses where response_id = 'r_000029'"
        " order by _loaded_at"
    ).fetchall()
    assert stored == [(None, "nps/nps-1.csv"), ("Exports time out since Monday", "nps/nps-2.csv")]
    lines = RunSummary(SECOND.date(), SECOND, Path("w"), Path("m"), loads=[later]).lines()
    assert any("1 of them updated versions of items with an earlier row" in line for line in lines)
    assert any("1 rows already stored (identical re-delivery), skipped" in line for line in lines)
    assert _version_lines(con) == [
        "versions:",
        "  nps            1 newer versions of earlier items (2 items, 3 rows; the latest version counts)",
    ]


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        pytest.param({"score": "11"}, "score", "score is above 10", id="score 11"),
        pytest.param({"score": "-1"}, "score", "score is below 0", id="score -1"),
        pytest.param({"score": "n/a"}, "score", "score is not a number", id="score n/a"),
        pytest.param({"at": "31/02/2026 25:61"}, "responded_at", f"responded_at is not a date/time we can read ({DATE_FORMATS_HELP})", id="31 february 25:61"),
        pytest.param({"at": "2099-01-01"}, "responded_at", "responded_at is in the future", id="2099"),
    ],
)  # fmt: skip
def test_an_invalid_changed_redelivery_is_quarantined_and_the_stored_version_stays(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, values: dict[str, str], field: str, reason: str
) -> None:
    (tmp_path / "nps").mkdir()
    (tmp_path / "nps" / "nps-1.csv").write_text(nps())
    load(con, tmp_path, "nps", FIRST)
    (tmp_path / "nps" / "nps-2.csv").write_text(nps(**values))
    later = load(con, tmp_path, "nps", SECOND)
    assert (later.rows_loaded, later.rows_versions, later.rows_quarantined) == (0, 0, 1)
    assert con.execute("select file, record, field, reason from raw._quarantine").fetchall() == [
        ("nps/nps-2.csv", 1, field, reason)
    ]
    assert con.execute(
        "select score, responded_at from raw.nps_responses where response_id = 'r_000029'"
    ).fetchall() == [("10", "2026-11-14T10:19:42Z")]


def test_an_updated_zendesk_ticket_is_a_version_and_a_repeated_page_a_duplicate(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    page = (
        '{{"tickets": [{{"id": 7, "subject": "Export", "description": "{text}", "status": "open",'
        ' "created_at": "2026-11-02T09:00:00Z", "updated_at": "{at}"}}], "users": []}}'
    )
    (tmp_path / "tickets").mkdir()
    (tmp_path / "tickets" / "p1.json").write_text(
        page.format(text="The export is a bit slow", at="2026-11-02T09:00:00Z")
    )
    load(con, tmp_path, "tickets", FIRST)
    (tmp_path / "tickets" / "p2.json").write_text(
        page.format(text="Still broken, moving to Gainsight", at="2026-11-05T09:00:00Z")
    )
    (tmp_path / "tickets" / "p1-again.json").write_text(
        page.format(text="The export is a bit slow", at="2026-11-02T09:00:00Z") + "\n"
    )
    later = load(con, tmp_path, "tickets", SECOND)
    assert (later.rows_loaded, later.rows_versions, later.rows_duplicate) == (1, 1, 1)
