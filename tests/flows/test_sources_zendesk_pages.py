"""Zendesk pages read as a group in one scan give what each page read alone gives, and a bad
page in a group is quarantined whole while the group's other pages load."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.sources import inbox, loader, zendesk
from flows.sources.base import ReadResult, Staged
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
MEMORY = Path(":memory:")
TABLES = ("raw.zendesk_tickets", "raw._files", "raw._quarantine", "raw._cursors")


def ticket(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "id": number,
        "subject": f"Subject {number}",
        "description": "Exports time out.",
        "status": "open",
        "priority": "high",
        "tags": ["export", "bug"],
        "requester_id": 7,
        "created_at": "2026-11-02T09:14:00Z",
        "updated_at": "2026-11-02T11:40:12Z",
        "satisfaction_rating": {"score": "bad", "comment": "Slow."},
    } | changes


USERS = [{"id": 7, "name": "Ann Lee", "email": "ann@acme.io"}]

# Pages whose values are not the usual strings: the grouped read must read them as the JSON
# path functions of the one-page read do.
ODD_PAGES = {
    "numbers-and-objects": {
        "tickets": [
            ticket(4.0, subject=12, description={"a": [1, 2]}, status=True),
            ticket(5, tags=None, satisfaction_rating=None),
            ticket(6, tags="a b", satisfaction_rating="good", requester_id="7"),
            ticket(7, tags=[1, None, {"k": 1}]),
            {key: value for key, value in ticket(8).items() if key != "tags"},
            42,
            None,
        ],
        "users": USERS,
        "end_time": "1793707204",
    },
    "no users": {"tickets": [ticket(9)], "end_time": 1793707201},
    "no tickets": {"tickets": [], "users": [], "end_time": 1793707203},
    "fractional end time": {"tickets": [ticket(10)], "users": USERS, "end_time": 1793707205.5},
    "no end time": {"tickets": [ticket(11)], "users": USERS},
}


def rows_of(con: duckdb.DuckDBPyConnection, result: ReadResult) -> list[tuple[Any, ...]]:
    rows = result.rows
    if isinstance(rows, Staged):
        listed = ", ".join([*zendesk.SOURCE.columns, "_record"])
        found = con.execute(f"select {listed} from {rows.table}").fetchall()
        return sorted(found, key=lambda row: row[-1])
    assert not isinstance(rows, list)
    frame = rows.astype(object).where(rows.notna(), None)
    return sorted(
        (tuple(row) for row in frame[[*zendesk.SOURCE.columns, "_record"]].to_numpy()),
        key=lambda row: row[-1],
    )


def page_files() -> list[Path]:
    """The fixture pages that are pages (their rows may still fail validation)."""
    bad = FIXTURES / "bad" / "tickets"
    names = ("created-unreadable", "rating-unknown", "status-unknown", "updated-missing")
    return sorted((FIXTURES / "tickets").glob("page-*.json")) + [bad / f"{n}.json" for n in names]


@pytest.mark.parametrize(
    "text",
    [
        *[pytest.param(p.read_text(), id=p.name) for p in page_files()],
        *[pytest.param(json.dumps(page), id=name) for name, page in ODD_PAGES.items()],
    ],
)
def test_a_page_read_in_a_group_matches_the_page_read_alone(tmp_path: Path, text: str) -> None:
    (tmp_path / "page.json").write_text(text)
    with duckdb.connect() as con:
        grouped = zendesk.read.many([(tmp_path / "page.json", "page.json")], zendesk.SOURCE, con)
        alone = zendesk.read_alone(tmp_path / "page.json", zendesk.SOURCE, con)
        assert grouped[0] is not None, "a plain page is read by the group"
        assert rows_of(con, grouped[0]) == rows_of(con, alone)
        assert grouped[0].cursors == alone.cursors


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"tickets": [{"id": 1}', id="truncated"),
        pytest.param('[{"tickets": []}]', id="a list of pages"),
        pytest.param('{"tickets": []}\n{"tickets": []}', id="two pages in one file"),
        pytest.param('{"results": []}', id="no tickets"),
        pytest.param('\ufeff{"tickets": []}', id="byte order mark"),
        pytest.param(json.dumps({"tickets": [ticket(1)], "users": USERS * 2}), id="user twice"),
        pytest.param(json.dumps({"tickets": [ticket(1)], "users": [{}]}), id="user without id"),
    ],
)
def test_a_file_that_is_not_plainly_a_page_is_left_to_the_one_page_reader(
    tmp_path: Path, text: str
) -> None:
    (tmp_path / "page.json").write_text(text, encoding="utf-8")
    with duckdb.connect() as con:
        got = zendesk.read.many([(tmp_path / "page.json", "page.json")], zendesk.SOURCE, con)
    assert got == [None]


def write_pages(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for page in range(1, count + 1):
        tickets = [ticket(page * 100 + n, subject=f"Page {page} ticket {n}") for n in range(3)]
        document = {"tickets": tickets, "users": USERS, "end_time": 1793707200 + page}
        (folder / f"tickets-{page:03}.json").write_text(json.dumps(document))


def load(inbox: Path) -> tuple[loader.SourceLoad, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        result = load_source(con, inbox, zendesk.SOURCE, loaded_at=LOADED_AT)
        stored = con.execute(
            "select _file, _record, ticket_id, subject, _row_hash from raw.zendesk_tickets"
            " order by _file, _record"
        ).fetchall()
        files = con.execute(
            "select file, status, rows_loaded, rows_quarantined, error from raw._files order by file"
        ).fetchall()
    return result, stored, files


def test_a_truncated_page_among_many_is_quarantined_whole_and_the_others_load(
    tmp_path: Path,
) -> None:
    write_pages(tmp_path / "tickets", 6)
    shutil.copy(FIXTURES / "tickets" / "truncated.json", tmp_path / "tickets" / "tickets-004.json")
    result, stored, files = load(tmp_path)
    assert (result.files_read, result.files_quarantined, result.rows_loaded) == (5, 1, 15)
    assert {name for name, *_ in stored} == {f"tickets/tickets-00{n}.json" for n in (1, 2, 3, 5, 6)}
    assert files[3][:4] == ("tickets/tickets-004.json", "quarantined", 0, 1)
    assert files[3][4].startswith("tickets-004.json: not a readable JSON export: Invalid Input")
    assert result.cursors["zendesk_end_time"] == "2026-11-03T12:00:06Z"


def test_small_groups_and_batches_store_what_one_group_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pages(tmp_path / "tickets", 7)
    shutil.copy(tmp_path / "tickets" / "tickets-002.json", tmp_path / "tickets" / "again.json")
    whole = load(tmp_path)
    # Groups of two pages and a batch written every four rows: a group never straddles a batch.
    monkeypatch.setattr(inbox, "GROUP_FILES", 2)
    monkeypatch.setattr(loader, "BATCH_ROWS", 4)
    split = load(tmp_path)
    assert split[1:] == whole[1:]
    assert (split[0].rows_loaded, split[0].files_skipped) == (whole[0].rows_loaded, 1) == (21, 1)


def test_a_folder_loads_in_groups_as_it_loads_page_by_page(tmp_path: Path) -> None:
    folder = tmp_path / "tickets"
    write_pages(folder, 3)
    for name, page in ODD_PAGES.items():
        (folder / f"{name.replace(' ', '-')}.json").write_text(json.dumps(page))
    for path in [*(FIXTURES / "tickets").iterdir(), *(FIXTURES / "bad" / "tickets").iterdir()]:
        shutil.copy(path, folder / f"{path.parent.name}-{path.name}")

    def everything(source: Any) -> list[list[tuple[Any, ...]]]:
        with open_warehouse(MEMORY) as con:
            apply_schema(con)
            load_source(con, tmp_path, source, loaded_at=LOADED_AT)
            return [
                con.execute(f"select * from {table} order by all").fetchall() for table in TABLES
            ]

    grouped = everything(zendesk.SOURCE)
    assert grouped == everything(replace(zendesk.SOURCE, read=zendesk.read_alone))
    assert len(grouped[0]) > 15 and len(grouped[2]) > 5
