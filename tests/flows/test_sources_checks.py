"""Row checks run as SQL in DuckDB: what they accept, normalise and quarantine."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.sources import SOURCES
from flows.sources.dates import timestamp_sql, timestamp_text_sql
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
MEMORY = Path(":memory:")
HEADER = "Response ID,Email,Score,Comment,Responded At\n"


def run(tmp_path: Path, source: str, files: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    folder = tmp_path / source
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        load_source(
            con, tmp_path, next(s for s in SOURCES if s.name == source), loaded_at=LOADED_AT
        )
        return con.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-11-04T09:30:00Z", datetime(2026, 11, 4, 9, 30), id="iso utc"),
        pytest.param(
            " 2026-11-04 09:30:00 +0100", datetime(2026, 11, 4, 8, 30), id="spaced offset"
        ),
        pytest.param(
            "2026-11-04T09:30:00,5-05:00",
            datetime(2026, 11, 4, 14, 30, 0, 500000),
            id="comma fraction",
        ),
        pytest.param("2026-11-04 09:30:00 UTC", datetime(2026, 11, 4, 9, 30), id="utc word"),
        pytest.param("2026-11-04", datetime(2026, 11, 4), id="date"),
        pytest.param("2026-11-04Z", datetime(2026, 11, 4), id="date with z"),
        pytest.param("11/4/2026 9:30 PM", datetime(2026, 11, 4, 21, 30), id="us 12h"),
        pytest.param("11/4/2026 21:30:15", datetime(2026, 11, 4, 21, 30, 15), id="us 24h"),
        pytest.param("4/Nov/26 9:30 AM", datetime(2026, 11, 4, 9, 30), id="jira"),
        pytest.param("1730000000", datetime(2024, 10, 27, 3, 33, 20), id="epoch s"),
        pytest.param("1730000000123", datetime(2024, 10, 27, 3, 33, 20), id="epoch ms"),
        pytest.param("13/11/2026", None, id="day first"),
        pytest.param("04/11/26", None, id="two digit year"),
        pytest.param("2026-02-30", None, id="30 february"),
        pytest.param("11/4/2026 13:30 PM", None, id="13 pm"),
        pytest.param("next tuesday", None, id="words"),
    ],
)
def test_timestamps_parse_to_utc_whatever_the_session_time_zone(
    text: str, expected: datetime | None
) -> None:
    with duckdb.connect() as con:
        # A naive value is UTC, never the machine's zone.
        con.execute("set TimeZone = 'America/Los_Angeles'")
        got = con.execute(f"select {timestamp_sql(timestamp_text_sql('$1'))}", [text]).fetchall()
    assert got == [(expected,)]


def test_currency_amounts_load_as_plain_numbers_and_ambiguous_ones_are_quarantined(
    tmp_path: Path,
) -> None:
    export = (
        "Account ID,Account Name,Tier,ARR\n"
        'a1,Acme,SMB,"$412,000"\n'
        'a2,Beta,SMB,"USD 1,250.50"\n'
        "a3,Gamma,SMB,98000\n"
        'a4,Delta,SMB,"412.000,00"\n'
    )
    got = run(
        tmp_path,
        "accounts",
        {"crm.csv": export},
        "select 'raw', account_id, arr from raw.crm_accounts"
        " union all select 'quarantine', record::varchar, reason from raw._quarantine order by 1, 2",
    )
    assert got == [
        ("quarantine", "4", "arr is not a number"),
        ("raw", "a1", "412000"),
        ("raw", "a2", "1250.50"),
        ("raw", "a3", "98000"),
    ]


def test_a_key_repeated_with_other_values_quarantines_every_later_variant(tmp_path: Path) -> None:
    export = HEADER + (
        "r1,a@acme.io,9,first,2026-11-03T10:00:00Z\n"
        "r1,a@acme.io,3,changed,2026-11-03T10:00:00Z\n"
        "r1,a@acme.io,9,first,2026-11-03T10:00:00Z\n"
        "r1,a@acme.io,3,changed,2026-11-03T10:00:00Z\n"
        "r2,b@acme.io,7,,2026-11-03T11:00:00Z\n"
    )
    got = run(
        tmp_path,
        "nps",
        {"nps.csv": export},
        "select 'raw', response_id, score from raw.nps_responses"
        " union all select 'quarantine', record::varchar, reason from raw._quarantine order by 1, 2",
    )
    repeats = "response_id repeats record 1 of this file with different values"
    assert got == [
        ("quarantine", "2", repeats),
        ("quarantine", "4", repeats),
        ("raw", "r1", "9"),
        ("raw", "r2", "7"),
    ]


def test_record_numbers_count_past_malformed_rows(tmp_path: Path) -> None:
    export = HEADER + (
        "r1,a@acme.io,9,ok,2026-11-03T10:00:00Z\n"
        "r2,b@acme.io,9,too,many,fields,2026-11-03T10:00:00Z\n"
        "r3,c@acme.io,9,ok,2026-11-03T10:00:00Z\n"
        "r4,d@acme.io,9,ok,extra,2026-11-03T10:00:00Z\n"
        "r5,e@acme.io,9,ok,2026-11-03T10:00:00Z\n"
    )
    got = run(
        tmp_path,
        "nps",
        {"nps.csv": export},
        "select response_id, _record from raw.nps_responses order by 2",
    )
    assert got == [("r1", 1), ("r3", 3), ("r5", 5)]


def test_a_row_repeated_across_files_of_one_batch_is_stored_once_from_the_first(
    tmp_path: Path,
) -> None:
    row = "r1,a@acme.io,9,same,2026-11-03T10:00:00Z\n"
    got = run(
        tmp_path,
        "nps",
        {"a.csv": HEADER + row, "b.csv": HEADER + "r0,z@acme.io,1,x,2026-11-02T10:00:00Z\n" + row},
        "select response_id, _file, _record from raw.nps_responses order by 1",
    )
    assert got == [("r0", "nps/b.csv", 1), ("r1", "nps/a.csv", 1)]
