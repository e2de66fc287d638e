"""The loader's shortcuts give the same rows as the long way round.

Validation skips work most exports do not need: the repeated-key pass when every key of a file
is new, trimming when a value has no space or control character at either end, the presence
pattern when text starts with a printable character. Each case here takes the other branch.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.sources import SOURCES
from flows.sources.checks import check_batch
from flows.sources.dates import timestamp_sql, timestamp_text_sql
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse

HEADER = "Response ID,Email,Score,Comment,Responded At\n"
NPS = next(s for s in SOURCES if s.name == "nps")


def load(tmp_path: Path, files: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    (tmp_path / "nps").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / "nps" / name).write_bytes(text.encode())
    with open_warehouse(Path(":memory:")) as con:
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
