"""Widget files read as a group in one scan give what Python's line-by-line read gives; a file
the group cannot read the same way is left to the line-by-line reader."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.sources import loader, widget
from flows.sources.base import ReadResult, Staged
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)


def event(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "event": "feedback.submitted",
        "id": f"wfb_{number}",
        "account_id": "001A000001",
        "user": {"email": "sam@acme.io", "name": "Sam Ortiz"},
        "message": f"Keyboard shortcuts please ({number})",
        "page_url": "https://app.example.com/reports/42",
        "created_at": "2026-11-04T16:03:11Z",
    } | changes


def lines(*events: dict[str, Any]) -> str:
    return "".join(json.dumps(e) + "\n" for e in events)


PLAIN = {
    "crlf line ends": lines(event(1), event(2)).replace("\n", "\r\n"),
    "blank lines": f"{json.dumps(event(3))}\n\n  \n{json.dumps(event(4))}\n",
    "no final newline": f"{json.dumps(event(5))}\n{json.dumps(event(6))}",
    "whole numbers": lines(event(7, id=12345, account_id=-0), event(8, id=2**64 - 1)),
    "user not an object": lines(event(9, user="sam"), event(10, user=None), event(11, user=[1])),
    "no user": lines({k: v for k, v in event(12).items() if k != "user"}),
    "unicode": lines(event(13, message="Zoë ✓ \u2028 😀", user={"name": "A\r\nB"})),
    "escaped nul": lines(event(14, message="a\u0000b")),
}

NOT_PLAIN = {
    "true": lines(event(1, message=True)),
    "an object": lines(event(2, page_url={"a": 1})),
    "a fraction": lines(event(3, id=1.0)),
    "a number past 64 bits": lines(event(3, id=2**64)),
    "trailing comma": json.dumps(event(4))[:-1] + ",}\n",
    "key twice": json.dumps(event(5))[:-1] + ', "id": "again"}\n',
    "user key twice": json.dumps(event(6)).replace('"name": ', '"name": "x", "name": ') + "\n",
    "lone carriage return": f"{json.dumps(event(7))}\r{json.dumps(event(8))}\n",
    "NaN": json.dumps(event(9))[:-1] + ', "message": NaN}\n',
    "byte order mark": "\ufeff" + lines(event(10)),
    "tab inside a string": '{"id": "w1", "message": "a\tb"}\n',
    "broken line": lines(event(11)) + "{not json}\n",
    "a list": lines(event(12)) + "[1, 2]\n",
    "only blank lines": "\n  \n",
    "empty": "",
}


def outcome(con: duckdb.DuckDBPyConnection, result: ReadResult) -> list[dict[str, Any]]:
    if isinstance(result.rows, Staged):
        listed = ", ".join([*widget.SOURCE.columns, "_record"])
        cursor = con.execute(f"select {listed} from {result.rows.table} order by _record")
        names = [c[0] for c in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert isinstance(result.rows, list)
    return [{k: row[k] for k in [*widget.SOURCE.columns, "_record"]} for row in result.rows]


@pytest.mark.parametrize("text", [pytest.param(t, id=name) for name, t in PLAIN.items()])
def test_a_plain_file_read_in_a_group_matches_the_line_by_line_read(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(text.encode())
    with duckdb.connect() as con:
        grouped = widget.read.many([(path, path.name)], widget.SOURCE, con)[0]
        assert grouped is not None, "a plain file is read by the group"
        alone = widget.read_alone(path, widget.SOURCE, con)
        assert not alone.rejects
        assert outcome(con, grouped) == outcome(con, alone)


@pytest.mark.parametrize("text", [pytest.param(t, id=name) for name, t in NOT_PLAIN.items()])
def test_a_file_that_is_not_plain_is_left_to_the_line_by_line_reader(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(text.encode())
    with duckdb.connect() as con:
        assert widget.read.many([(path, path.name)], widget.SOURCE, con) == [None]


def load(inbox: Path, source: Any) -> list[list[tuple[Any, ...]]]:
    with open_warehouse(Path(":memory:")) as con:
        load_source(con, inbox, source, loaded_at=LOADED_AT)
        return [
            con.execute(f"select * from {table} order by all").fetchall()
            for table in ("raw.widget_events", "raw._files", "raw._quarantine", "raw._cursors")
        ]


def test_a_folder_loads_in_groups_as_it_loads_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "widget"
    folder.mkdir()
    for name, text in {**PLAIN, **NOT_PLAIN}.items():
        (folder / f"{name.replace(' ', '-')}.jsonl").write_bytes(text.encode())
    for path in [*(FIXTURES / "bad" / "widget").glob("*.jsonl"), *(FIXTURES / "widget").iterdir()]:
        shutil.copy(path, folder / f"fixture-{path.name}")
    one_by_one = load(tmp_path, replace(widget.SOURCE, read=widget.read_alone))
    # Groups of three files and a batch written every five rows: a group never straddles one.
    monkeypatch.setattr(loader, "GROUP_FILES", 3)
    monkeypatch.setattr(loader, "BATCH_ROWS", 5)
    grouped = load(tmp_path, widget.SOURCE)
    assert grouped == one_by_one
    assert len(grouped[0]) > 20 and len(grouped[2]) > 10
