"""The loader's shortcuts give the same rows as the long way round.

Validation skips work most exports do not need: the repeated-key pass when every key of a file
is new, trimming when a value has no space or control character at either end, the presence
pattern when text starts with a printable character. Each case here takes the other branch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.sources import SOURCES
from flows.sources.base import ReadResult, Source
from flows.sources.checks import check_batch
from flows.sources.dates import timestamp_sql, timestamp_text_sql
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

HEADER = "Response ID,Email,Score,Comment,Responded At\n"
NPS = next(s for s in SOURCES if s.name == "nps")


def load(tmp_path: Path, files: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    (tmp_path / "nps").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / "nps" / name).write_bytes(text.encode())
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        load_source(con, tmp_path, NPS, loaded_at=datetime(2026, 11, 20, 3))
        return con.execute(sql).fetchall()


def checked(rows: list[tuple[str, str, int, str]]) -> tuple[bool, int]:
    """check_batch over NPS rows of one or more files: (may rows repeat, good rows)."""
    with duckdb.connect() as con:
        con.execute(
            "create table incoming (response_id varchar, email varchar, score varchar,"
            " comment varchar, responded_at varchar, survey_id varchar, ces_score varchar,"
            " csat_score varchar, _record bigint, _file varchar)"
        )
        con.executemany(
            "insert into incoming values (?, ?, '9', null, '2026-11-03', null, null, null, ?, ?)",
            rows,
        )
        got = check_batch(
            con, "incoming", "checked", NPS.rules, now=datetime(2026, 11, 20), key=NPS.key
        )
    return got.may_repeat, got.good


def test_unique_keys_in_one_file_need_no_first_of_each_pass() -> None:
    rows = [("r1", "a@acme.io", 1, "a.csv"), ("r2", "b@acme.io", 2, "a.csv")]
    assert checked(rows) == (False, 2)


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [("r1", "a@acme.io", 1, "a.csv"), ("r1", "a@acme.io", 2, "a.csv")],
            id="a key twice in a file",
        ),
        pytest.param(
            [("r1", "a@acme.io", 1, "a.csv"), ("r2", "b@acme.io", 1, "b.csv")],
            id="two files",
        ),
    ],
)
def test_a_repeated_key_or_a_second_file_may_repeat_rows(
    rows: list[tuple[str, str, int, str]],
) -> None:
    assert checked(rows) == (True, 2)


def test_a_key_repeated_with_other_values_is_quarantined_with_the_row_as_exported(
    tmp_path: Path,
) -> None:
    export = HEADER + "r1,a@acme.io,9,first,2026-11-03T10:00:00Z\nr1, B@Acme.io ,3,,11/3/2026\n"
    got = load(
        tmp_path,
        {"nps.csv": export},
        "select record, reason, content from raw._quarantine",
    )
    assert [(record, reason) for record, reason, _ in got] == [
        (2, "response_id repeats record 1 of this file with different values")
    ]
    # The values as the export wrote them, not as they were normalised for loading.
    assert json.loads(str(got[0][2])) == {
        "response_id": "r1",
        "email": " B@Acme.io ",
        "score": "3",
        "comment": None,
        "responded_at": "11/3/2026",
        "survey_id": None,
        "ces_score": None,
        "csat_score": None,
    }


@pytest.mark.parametrize(
    ("email", "stored"),
    [
        pytest.param("a@acme.io", "a@acme.io", id="nothing to trim"),
        pytest.param(" \tA@acme.io", "a@acme.io", id="leading space and tab"),
        pytest.param("a@acme.io \r", "a@acme.io", id="trailing space and CR"),
    ],
)
def test_values_are_trimmed_only_of_spaces_tabs_and_line_breaks(
    tmp_path: Path, email: str, stored: str
) -> None:
    export = HEADER + f'r1,"{email}",9,ok,2026-11-03T10:00:00Z\n'
    got = load(tmp_path, {"nps.csv": export}, "select email from raw.nps_responses")
    assert got == [(stored,)]


@pytest.mark.parametrize(
    ("response_id", "reason"),
    [
        pytest.param(" \t\r\n ", "response_id is empty", id="only blanks"),
        pytest.param("\x01", None, id="a control character is a value"),
        pytest.param(" r1", None, id="text after a space"),
    ],
)
def test_free_text_is_present_unless_only_blanks(
    tmp_path: Path, response_id: str, reason: str | None
) -> None:
    export = HEADER + f'"{response_id}",a@acme.io,9,ok,2026-11-03T10:00:00Z\n'
    got = load(
        tmp_path,
        {"nps.csv": export},
        "select (select count(*) from raw.nps_responses), (select max(reason) from raw._quarantine)",
    )
    assert got == [(0 if reason else 1, reason)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-11-04 UTC", datetime(2026, 11, 4), id="date and UTC"),
        pytest.param("2026-11-04T09:30:00 gmt", datetime(2026, 11, 4, 9, 30), id="gmt"),
        pytest.param("2026-11-04 09:30 +01:00", datetime(2026, 11, 4, 8, 30), id="spaced offset"),
        pytest.param("2026-11-04\t09:30:00\t-0500", None, id="tab before the time"),
        pytest.param("11/4/2026 21:30", datetime(2026, 11, 4, 21, 30), id="slash 24h"),
        pytest.param("11/4/2026 9:30PM", datetime(2026, 11, 4, 21, 30), id="slash 12h"),
        pytest.param("4/nov/26", datetime(2026, 11, 4), id="jira date"),
        pytest.param("04/NOV/26 9:30 PM", datetime(2026, 11, 4, 21, 30), id="jira 12h"),
        pytest.param("11/4/2026 9:30 PM UTC", None, id="slash date with a zone"),
        pytest.param("11/4/2026 9:30 +0100", None, id="slash date with an offset"),
        pytest.param("2026-11-04 09:30:00 UTC+01", None, id="zone and offset"),
        pytest.param("1730000000 UTC", None, id="epoch with a zone"),
    ],
)
def test_timestamp_shortcuts_read_what_the_full_patterns_read(
    text: str, expected: datetime | None
) -> None:
    # Expected values are what the loader read before the ending and slash tests were added.
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'Asia/Kolkata'")
        got = con.execute(f"select {timestamp_sql(timestamp_text_sql('$1'))}", [text]).fetchall()
    assert got == [(expected,)]


def test_a_new_export_hashed_while_read_loads_once_and_its_copy_is_skipped_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of a new size is hashed while DuckDB reads it; a copy under another name has a
    size already loaded, so it is hashed first and skipped without being read."""
    monkeypatch.setattr("flows.sources.inbox.OVERLAP_BYTES", 0)
    rows = "".join(f"r{i},p{i}@acme.io,{i % 11},fine,2026-11-0{1 + i % 9}\n" for i in range(50))
    (tmp_path / "nps").mkdir()
    (tmp_path / "nps" / "a.csv").write_text(HEADER + rows)
    reads: list[str] = []

    def read(path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
        reads.append(path.name)
        return NPS.read(path, source, con)

    nps = replace(NPS, read=read)
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        first = load_source(con, tmp_path, nps, loaded_at=datetime(2026, 11, 20, 3))
        (tmp_path / "nps" / "b.csv").write_text(HEADER + rows)
        second = load_source(con, tmp_path, nps, loaded_at=datetime(2026, 11, 20, 4))
        stored = con.execute(
            "select count(*), count(distinct _row_hash) from raw.nps_responses"
        ).fetchall()
    assert (first.rows_loaded, first.files_read) == (50, 1)
    assert (second.rows_loaded, second.files_skipped) == (0, 2)
    assert stored == [(50, 50)]
    assert reads == ["a.csv"]


def test_a_loaded_export_read_while_hashed_is_dropped_unloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the size check misses (a `_files` row without the size), the read of a file whose
    content was loaded is dropped: nothing is loaded twice and no staged table is left."""
    monkeypatch.setattr("flows.sources.inbox.OVERLAP_BYTES", 0)
    (tmp_path / "nps").mkdir()
    (tmp_path / "nps" / "a.csv").write_text(HEADER + "r1,a@acme.io,9,fine,2026-11-03\n")
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        load_source(con, tmp_path, NPS, loaded_at=datetime(2026, 11, 20, 3))
        con.execute("update raw._files set size_bytes = -1")
        (tmp_path / "nps" / "copy.csv").write_text(HEADER + "r1,a@acme.io,9,fine,2026-11-03\n")
        again = load_source(con, tmp_path, NPS, loaded_at=datetime(2026, 11, 20, 4))
        temp = con.execute(
            "select table_name from duckdb_tables() where temporary union all"
            " select view_name from duckdb_views() where temporary and not internal"
        ).fetchall()
        stored = con.execute("select count(*) from raw.nps_responses").fetchall()
    assert (again.files_skipped, again.files_read, again.rows_loaded) == (2, 0, 0)
    assert stored == [(1,)]
    assert temp == []


def test_record_numbers_hold_in_an_export_of_many_row_groups(tmp_path: Path) -> None:
    """Validation and the insert run without insertion order; the record numbers quarantined
    rows carry still come from the read, in file order, past DuckDB's 122,880-row groups."""
    bad = {7: "11", 150_001: "n/a", 299_990: "-1"}
    lines = [HEADER]
    for record in range(1, 300_001):
        score = bad.get(record, str(record % 11))
        lines.append(f"r{record},p{record}@acme.io,{score},ok,2026-11-03\n")
    lines.insert(200_000, 'r-short,"only two"\n')  # malformed: data row 200,000
    stored = load(
        tmp_path,
        {"big.csv": "".join(lines)},
        "select record, field from raw._quarantine union all"
        " select _record, response_id from raw.nps_responses"
        " where response_id in ('r6', 'r199999', 'r200000', 'r299999') order by 1",
    )
    assert stored == [
        (6, "r6"),
        (7, "score"),
        (150_001, "score"),
        (199_999, "r199999"),
        (200_000, "row"),
        (200_001, "r200000"),
        (299_991, "score"),
        (300_000, "r299999"),
    ]


NOTE = """---
account: 001A000001
type: qbr
date: 2026-11-03
---
# Feedback
- Exports time out on a full year.
"""


def test_a_note_is_read_once_from_the_file_opened_for_its_hash_and_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes are small and parsed in Python: each is read into memory once, from the file the
    listing opened, and hashed from the same bytes; no name is made to read it through and no
    second read hashes it. A copy is skipped, and a note that cannot be parsed is quarantined
    whole with its head, as the long way round does."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a note was read a second time, by name")

    monkeypatch.setattr("flows.sources.inbox.read_path", never)
    monkeypatch.setattr("flows.sources.inbox.file_sha256", never)
    notes = next(s for s in SOURCES if s.name == "notes")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "qbr-1.md").write_text(NOTE)
    (tmp_path / "notes" / "copy-of-qbr-1.md").write_text(NOTE)
    (tmp_path / "notes" / "broken.md").write_text("no front matter here\n- a bullet\n")
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        got = load_source(con, tmp_path, notes, loaded_at=datetime(2026, 11, 20, 3))
        rows = con.execute("select note_id, item_text from raw.note_items").fetchall()
        files = con.execute("select file, content_sha256 from raw._files order by file").fetchall()
        held = con.execute("select file, record, reason, content from raw._quarantine").fetchall()
    assert (got.files_read, got.files_skipped, got.files_quarantined, got.rows_loaded) == (
        1,
        1,
        1,
        1,
    )
    assert rows in (
        [("qbr-1", "Exports time out on a full year.")],
        [("copy-of-qbr-1", "Exports time out on a full year.")],
    )
    assert hashlib.sha256(NOTE.encode()).hexdigest() in {digest for _, digest in files}
    assert [(file, record) for file, record, _, _ in held] == [("notes/broken.md", 0)]
    assert "no YAML front matter" in held[0][2]
    assert held[0][3].startswith("no front matter here")
