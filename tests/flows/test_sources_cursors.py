"""Per-source cursors: where each source's exports have got to, only ever moving forward."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from flows.sources import SOURCES
from flows.sources.loader import load_source, load_time
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
NPS = next(s for s in SOURCES if s.name == "nps")
TICKETS = next(s for s in SOURCES if s.name == "tickets")
HEADER = "Response ID,Email,Score,Comment,Responded At\n"


def nps_file(inbox: Path, name: str, *rows: tuple[str, str]) -> None:
    folder = inbox / "nps"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{rid},{rid}@acme.io,8,ok,{at}\n" for rid, at in rows]
    (folder / name).write_text(HEADER + "".join(lines), encoding="utf-8")


def test_zendesk_pages_record_the_export_end_time_and_latest_update(tmp_path: Path) -> None:
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        result = load_source(con, FIXTURES, TICKETS, loaded_at=LOADED_AT)
    assert result.cursors == {
        "max_event_at": "2026-11-04T08:00:00Z",
        "zendesk_end_time": "2026-11-04T08:00:00Z",
    }


def test_late_rows_are_loaded_counted_and_do_not_wind_the_cursor_back(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    nps_file(inbox, "a.csv", ("r1", "2026-11-03T10:00:00Z"), ("r2", "2026-11-06T10:00:00Z"))
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        first = load_source(con, inbox, NPS, loaded_at=LOADED_AT)
        nps_file(inbox, "b.csv", ("r3", "2026-11-01T09:00:00Z"), ("r4", "2026-11-10T09:00:00Z"))
        second = load_source(con, inbox, NPS, loaded_at=datetime(2026, 11, 21, 3))
        nps_file(inbox, "c.csv", ("r5", "2026-10-30T09:00:00Z"))
        third = load_source(con, inbox, NPS, loaded_at=datetime(2026, 11, 22, 3))
        stored = con.execute("select count(*) from raw.nps_responses").fetchall()
    assert (first.rows_late, second.rows_late, third.rows_late) == (0, 1, 1)
    assert first.cursors["max_event_at"] == "2026-11-06T10:00:00Z"
    assert second.cursors["max_event_at"] == third.cursors["max_event_at"] == "2026-11-10T09:00:00Z"
    assert stored == [(5,)]


@pytest.mark.parametrize("name", ["accounts", "roadmap"])
def test_sources_without_event_times_keep_no_event_cursor(tmp_path: Path, name: str) -> None:
    source = next(s for s in SOURCES if s.name == name)
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        result = load_source(con, FIXTURES / "styles", source, loaded_at=LOADED_AT)
    assert "max_event_at" not in result.cursors


def test_each_load_is_stamped_after_every_load_before_it(tmp_path: Path) -> None:
    """A run's loads are stamped with the clock to the second, unless that is not after the
    warehouse's latest load (a re-run within the same second, a clock set back): then the second
    after it. The incremental staging models read the rows loaded after the last build's latest
    load, so a load stamped like the one before would never be staged."""
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        assert load_time(con, datetime(2026, 11, 20, 3, 0, 0, 600_000)) == LOADED_AT
        nps_file(tmp_path / "inbox", "a.csv", ("r1", "2026-11-03"))
        load_source(con, tmp_path / "inbox", NPS, loaded_at=LOADED_AT)
        same_second = load_time(con, datetime(2026, 11, 20, 3, 0, 0, 900_000))
        set_back = load_time(con, datetime(2026, 11, 19, 23, 0, 0))
        later = load_time(con, datetime(2026, 11, 21, 3, 0, 0))
    assert same_second == set_back == datetime(2026, 11, 20, 3, 0, 1)
    assert later == datetime(2026, 11, 21, 3, 0, 0)
