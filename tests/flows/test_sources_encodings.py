"""Encodings people have (issue 16, finding 7): UTF-8 with or without BOM, UTF-16, Windows-1252
and Latin-1 load; a UTF-8 file with a few stray bytes loads its good rows and quarantines the
rows holding them, naming the byte offset."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from flows.sources import SOURCES, encodings
from flows.sources.encodings import scan_utf8
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
NPS_HEADER = "Response ID,Email,Score,Comment,Responded At\n"
SMART = "\u201cExport\u201d costs \u20ac5 \u2013 too slow\u2026 na\u00efve"


def load(root: Path, name: str):  # type: ignore[no-untyped-def]
    source = next(s for s in SOURCES if s.name == name)
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        result = load_source(con, root, source, loaded_at=LOADED_AT)
        rows = con.execute(
            "select file, record, field, reason from raw._quarantine order by record"
        ).fetchall()
        stored = con.execute(f"select * from raw.{source.table} order by _record").df()
    return result, rows, stored


def put(root: Path, name: str, file: str, data: bytes) -> None:
    (root / name).mkdir(parents=True, exist_ok=True)
    (root / name / file).write_bytes(data)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        pytest.param("cp1252", b"", id="windows-1252"),
        pytest.param("cp1252", b"\xef\xbb\xbf", id="windows-1252 behind a UTF-8 BOM"),
        pytest.param("utf-8", b"", id="utf-8"),
        pytest.param("utf-8", b"\xef\xbb\xbf", id="utf-8 with BOM"),
        pytest.param("utf-16", b"", id="utf-16 (Excel unicode text)"),
    ],
)
def test_an_nps_export_in_a_common_encoding_loads_every_row_with_its_text(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    text = NPS_HEADER + f"r1,a@acme.io,9,{SMART},2026-11-03T10:00:00Z\n"
    text += "r2,b@acme.io,3,plain,2026-11-03T10:00:00Z\n"
    put(tmp_path, "nps", "export.csv", prefix + text.encode(encoding))
    result, rows, stored = load(tmp_path, "nps")
    assert rows == [] and result.rows_loaded == 2
    assert list(stored["comment"]) == [SMART, "plain"]


def test_latin1_bytes_windows_1252_leaves_undefined_are_kept_as_latin1(tmp_path: Path) -> None:
    put(
        tmp_path,
        "nps",
        "old.csv",
        (NPS_HEADER + "r1,a@acme.io,9,caf\xe9 \x81,2026-11-03T10:00:00Z\n").encode("latin-1"),
    )
    result, rows, stored = load(tmp_path, "nps")
    assert rows == [] and list(stored["comment"]) == ["caf\xe9 \x81"]
    assert any("read as Windows-1252" in m for m in result.messages)


def test_a_utf8_file_with_stray_bytes_loads_its_good_rows_and_names_each_offset(
    tmp_path: Path,
) -> None:
    head = (NPS_HEADER + "r1,a@acme.io,9,caf\u00e9 \U0001f600 fine,2026-11-03T10:00:00Z\n").encode()
    bad_one = b"r2,b@acme.io,9,broken \xff here,2026-11-03T10:00:00Z\n"
    middle = "r3,c@acme.io,7,na\u00efve,2026-11-03T10:00:00Z\n".encode()
    bad_two = b"r4,d@acme.io,2,cut \xe2\x82 off,2026-11-03T10:00:00Z\n"
    tail = "r5,e@acme.io,10,\u20ac ok,2026-11-03T10:00:00Z\n".encode()
    data = head + bad_one + middle + bad_two + tail
    put(tmp_path, "nps", "damaged.csv", data)
    result, rows, stored = load(tmp_path, "nps")
    assert list(stored["response_id"]) == ["r1", "r3", "r5"]
    assert list(stored["comment"]) == ["caf\u00e9 \U0001f600 fine", "na\u00efve", "\u20ac ok"]
    first, second = data.index(b"\xff"), data.index(b"\xe2\x82 ")
    assert rows == [
        ("nps/damaged.csv", 2, "row", f"row has bytes that are not UTF-8 (byte offset {first})"),
        ("nps/damaged.csv", 4, "row", f"row has bytes that are not UTF-8 (byte offset {second})"),
    ]
    assert result.rows_loaded == 3 and result.rows_quarantined == 2


@pytest.mark.parametrize(
    ("name", "file", "text", "column", "expected"),
    [
        pytest.param("accounts", "accounts.csv", "Account ID,Account Name,Tier,ARR\na1,Caf\u00e9 \u2013 M\u00fcller,SMB,100\n", "account_name", "Caf\u00e9 \u2013 M\u00fcller", id="accounts"),
        pytest.param("tickets", "tickets.csv", "ID,Subject,Created at,Updated at\n7,\u201cBroken\u201d export,2026-11-03T10:00:00Z,2026-11-03T10:00:00Z\n", "subject", "\u201cBroken\u201d export", id="zendesk csv"),
        pytest.param("roadmap", "items.csv", "Key,Summary,Status\nP-1,Export \u2013 faster\u2026,Done\n", "title", "Export \u2013 faster\u2026", id="roadmap csv"),
    ],
)  # fmt: skip
def test_windows_1252_exports_of_other_sources_load(
    tmp_path: Path, name: str, file: str, text: str, column: str, expected: str
) -> None:
    put(tmp_path, name, file, text.encode("cp1252"))
    result, rows, stored = load(tmp_path, name)
    assert rows == [] and result.rows_loaded == 1
    assert list(stored[column]) == [expected]


def test_a_widget_line_with_stray_bytes_is_quarantined_by_line_and_offset(tmp_path: Path) -> None:
    good = '{"id": "w1", "message": "caf\u00e9", "created_at": "2026-11-03T10:00:00Z"}\n'.encode()
    bad = b'{"id": "w2", "message": "caf\xe9", "created_at": "2026-11-03T10:00:00Z"}\n'
    put(tmp_path, "widget", "events.jsonl", good + bad + good.replace(b"w1", b"w3"))
    _, rows, stored = load(tmp_path, "widget")
    assert list(stored["event_id"]) == ["w1", "w3"]
    offset = len(good) + bad.index(b"\xe9")
    assert rows == [
        (
            "widget/events.jsonl",
            2,
            "line",
            f"line has bytes that are not UTF-8 (byte offset {offset})",
        )
    ]


def test_a_note_typed_in_windows_1252_loads(tmp_path: Path) -> None:
    note = "---\naccount: 001A\ntype: qbr\ndate: 2026-11-03\n---\n# Feedback\n- \u201cExports\u201d are slow \u2013 caf\u00e9\n"
    put(tmp_path, "notes", "2026-11-03-qbr.md", note.encode("cp1252"))
    result, rows, stored = load(tmp_path, "notes")
    assert rows == [] and list(stored["item_text"]) == [
        "\u201cExports\u201d are slow \u2013 caf\u00e9"
    ]
    assert any("read as Windows-1252" in m for m in result.messages)


def test_stray_byte_offsets_are_exact_across_read_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 7-byte chunk splits multi-byte characters: the offsets still count bytes of the file.
    monkeypatch.setattr(encodings, "CHUNK_BYTES", 7)
    data = "\u00e9\u20ac\n".encode() + b"ab\xffc\n" + "\U0001f600\n".encode() + b"\xfe"
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    scan = scan_utf8(path)
    assert scan.faults == [(data.index(b"\xff"), 2), (data.index(b"\xfe"), 4)]
    assert scan.decoded_beyond_ascii == 3 and scan.is_damaged_utf8
