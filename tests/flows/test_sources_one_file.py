"""One file's fault is that file's, and the inbox is a boundary (issue 16, findings 4, 5 and 8).

A file the service cannot open, a line nested past the parser's limit or a reader's own bug
quarantine that file (or line) with the reason; the folder's other files still load. Links and
anything that is not a regular file inside the inbox are refused unread: none of their content
reaches raw, the quarantine or the messages. File names are printed escaped.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import pytest

from flows.sources import SOURCES, inbox
from flows.sources.base import printable
from flows.sources.inbox import EXCERPT_BYTES
from flows.sources.loader import load_source
from flows.stages.summary import RunSummary
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
MEMORY = Path(":memory:")
NPS_HEADER = "Response ID,Email,Score,Comment,Responded At\n"
GOOD_NPS = NPS_HEADER + "r1,a@acme.io,9,fine,2026-11-03T10:00:00Z\n"


def source(name: str):  # type: ignore[no-untyped-def]
    return next(s for s in SOURCES if s.name == name)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def load(root: Path, name: str, **kwargs):  # type: ignore[no-untyped-def]
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        result = load_source(con, root, source(name), loaded_at=LOADED_AT, **kwargs)
        rows = con.execute(
            "select file, record, field, reason, content from raw._quarantine order by file, record"
        ).fetchall()
        loaded = con.execute(f"select count(*) from raw.{source(name).table}").fetchall()[0][0]
        files = con.execute("select file, status from raw._files order by file").fetchall()
    return result, rows, loaded, files


def test_a_file_without_read_permission_is_unreadable_and_the_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tests run as root here, where chmod 000 blocks nothing: the hash's open is refused instead.
    locked = write(tmp_path / "nps" / "umask-077.csv", GOOD_NPS.replace("r1", "r9"))
    write(tmp_path / "nps" / "ok.csv", GOOD_NPS)
    real = inbox.file_sha256

    def sha256(path: Path) -> str:
        if path.name == locked.name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(inbox, "file_sha256", sha256)
    result, rows, loaded, files = load(tmp_path, "nps")
    assert loaded == 1 and result.rows_loaded == 1
    assert result.files_quarantined == 1
    assert [r[:4] for r in rows] == [
        (
            "nps/umask-077.csv",
            0,
            "file",
            "umask-077.csv: cannot be read: permission denied (check the file's owner and mode)",
        )
    ]
    # Not remembered as seen: once its mode is fixed, the next night reads it.
    assert files == [("nps/ok.csv", "loaded")]
    monkeypatch.setattr(inbox, "file_sha256", real)
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        later = load_source(con, tmp_path, source("nps"), loaded_at=LOADED_AT)
    assert later.rows_loaded == 2


def test_an_unreadable_file_is_quarantined_once_however_many_nights_it_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "nps" / "locked.csv", GOOD_NPS)

    def refuse(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(inbox, "file_sha256", refuse)
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        for night in range(3):
            result = load_source(con, tmp_path, source("nps"), loaded_at=LOADED_AT)
            assert result.files_quarantined == 1, f"night {night} must still report it"
        assert con.execute("select count(*) from raw._quarantine").fetchall()[0][0] == 1


def test_a_widget_line_nested_fifty_thousand_deep_is_quarantined_by_line(tmp_path: Path) -> None:
    good = '{"id": "w1", "message": "hello", "created_at": "2026-11-03T10:00:00Z"}\n'
    deep = "[" * 50_000 + "]" * 50_000 + "\n"
    write(tmp_path / "widget" / "events.jsonl", good + deep + good.replace("w1", "w2"))
    _, rows, loaded, _ = load(tmp_path, "widget")
    assert loaded == 2
    assert [r[:4] for r in rows] == [
        ("widget/events.jsonl", 2, "line", "line is nested too deeply to parse")
    ]
    assert len(rows[0][4]) <= 2_000


def test_a_readers_own_error_is_that_files_and_the_night_goes_on(tmp_path: Path) -> None:
    write(tmp_path / "nps" / "a.csv", GOOD_NPS)
    write(tmp_path / "nps" / "b.csv", GOOD_NPS.replace("r1", "r2"))
    nps = source("nps")

    def read(path, src, con):  # type: ignore[no-untyped-def]
        if path.name == "a.csv":
            raise RecursionError("maximum recursion depth exceeded")
        return nps.read(path, src, con)

    from dataclasses import replace

    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        result = load_source(con, tmp_path, replace(nps, read=read), loaded_at=LOADED_AT)
        reasons = con.execute("select file, reason from raw._quarantine").fetchall()
    assert result.rows_loaded == 1
    assert reasons == [("nps/a.csv", "a.csv: cannot be read: nested too deeply to parse")]


def test_a_symlink_to_a_file_outside_the_inbox_is_refused_and_nothing_of_it_is_kept(
    tmp_path: Path,
) -> None:
    secret = write(tmp_path / "outside" / "passwd", "root:x:0:0:root:/root:/bin/bash\n")
    root = tmp_path / "inbox"
    write(root / "accounts" / "ok.csv", "account_id,account_name,tier,arr\na1,Acme,SMB,100\n")
    (root / "accounts" / "passwd.csv").symlink_to(secret)
    result, rows, loaded, files = load(root, "accounts")
    assert loaded == 1
    assert [r[:4] for r in rows] == [
        (
            "accounts/passwd.csv",
            0,
            "file",
            "passwd.csv: a symbolic link, refused unread: the inbox reads only files inside it"
            " (copy the export in)",
        )
    ]
    assert rows[0][4] == ""
    everything = " ".join(result.messages) + repr(rows) + repr(files)
    assert "root:x" not in everything
    assert files == [("accounts/ok.csv", "loaded")]


def test_a_symlink_to_an_nps_export_outside_the_inbox_is_not_loaded(tmp_path: Path) -> None:
    export = write(tmp_path / "elsewhere" / "nps.csv", GOOD_NPS)
    root = tmp_path / "inbox"
    (root / "nps").mkdir(parents=True)
    (root / "nps" / "linked.csv").symlink_to(export)
    result, rows, loaded, _ = load(root, "nps")
    assert loaded == 0 and result.files_quarantined == 1
    assert "symbolic link" in rows[0][3]


def test_a_source_folder_that_links_outside_the_inbox_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "elsewhere" / "nps.csv", GOOD_NPS)
    root = tmp_path / "inbox"
    root.mkdir()
    (root / "nps").symlink_to(tmp_path / "elsewhere")
    _, rows, loaded, _ = load(root, "nps")
    assert loaded == 0
    assert rows[0][:4] == (
        "nps",
        0,
        "file",
        "nps: nps/: the folder is a link or lies outside the inbox",
    )


def test_a_linked_subfolder_is_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "elsewhere" / "nps.csv", GOOD_NPS)
    root = tmp_path / "inbox"
    (root / "nps").mkdir(parents=True)
    (root / "nps" / "more").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    _, rows, loaded, _ = load(root, "nps")
    assert loaded == 0
    assert rows[0][:2] == ("nps/more", 0)
    assert "a link to a folder" in rows[0][3]


def test_a_fifo_in_the_inbox_is_refused_without_opening_it(tmp_path: Path) -> None:
    write(tmp_path / "nps" / "ok.csv", GOOD_NPS)
    os.mkfifo(tmp_path / "nps" / "pipe.csv")
    # Opening a FIFO with no writer blocks forever: the load returning at all shows it was not.
    _, rows, loaded, _ = load(tmp_path, "nps")
    assert loaded == 1
    assert rows[0][:4] == (
        "nps/pipe.csv",
        0,
        "file",
        "pipe.csv: not a regular file (a FIFO, socket or device)",
    )


def test_a_file_that_fails_whole_keeps_only_a_bounded_excerpt(tmp_path: Path) -> None:
    # Missing required columns: the whole file is quarantined, with its head only.
    write(tmp_path / "nps" / "big.csv", "Who,What\n" + "someone,something\n" * 20_000)
    _, rows, _, _ = load(tmp_path, "nps")
    assert rows[0][:3] == ("nps/big.csv", 0, "file")
    assert 0 < len(rows[0][4]) <= EXCERPT_BYTES


def test_partial_and_dot_files_wait_for_their_rename(tmp_path: Path) -> None:
    write(tmp_path / "nps" / "tonight.csv.partial", GOOD_NPS)
    write(tmp_path / "nps" / ".tonight.csv", GOOD_NPS)
    result, rows, loaded, files = load(tmp_path, "nps")
    assert (loaded, rows, files, result.files_read) == (0, [], [], 0)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        pytest.param("evil\nnps    999 rows loaded.csv", "evil\\nnps    999 rows loaded.csv", id="newline"),
        pytest.param("cr\rback.csv", "cr\\rback.csv", id="carriage return"),
        pytest.param("esc\x1b[31mred.csv", "esc\\x1b[31mred.csv", id="terminal escape"),
        pytest.param("rtl\u202egnp.csv", "rtl\\u202egnp.csv", id="right-to-left override"),
        pytest.param("tab\there.csv", "tab\\there.csv", id="tab"),
        pytest.param("nel\x85line.csv", "nel\\x85line.csv", id="C1 next line"),
        pytest.param("ls\u2028line.csv", "ls\\u2028line.csv", id="line separator"),
    ],
)  # fmt: skip
def test_a_file_name_with_control_characters_is_printed_escaped(
    tmp_path: Path, name: str, shown: str
) -> None:
    write(tmp_path / "nps" / name, NPS_HEADER + "r1,not-an-email,9,x,2026-11-03T10:00:00Z\n")
    write(tmp_path / "nps" / f"whole-{name}", "Who\nx\n")
    result, rows, _, _ = load(tmp_path, "nps")
    summary = RunSummary(LOADED_AT.date(), LOADED_AT, Path("w"), Path("m"), loads=[result])
    lines = summary.lines()
    printed = "\n".join(lines)
    assert f"nps/{shown}: record 1: email: email is not an email address" in printed
    assert f"nps/whole-{shown}: quarantined whole file: whole-{shown}: missing" in printed
    assert all(printable(line) == line for line in lines)
    # The stored reason is one printable line too; the file column keeps the real name.
    whole = next(r for r in rows if r[1] == 0)
    assert whole[0] == f"nps/whole-{name}" and whole[3].startswith(f"whole-{shown}: missing")


def test_a_warning_about_a_file_prints_its_name_escaped(tmp_path: Path) -> None:
    write(
        tmp_path / "nps" / "caf\x1b\n.csv",
        (NPS_HEADER + "r1,a@acme.io,9,café,2026-11-03T10:00:00Z\n").encode("latin-1"),
    )
    result, _, loaded, _ = load(tmp_path, "nps")
    assert loaded == 1
    assert result.messages and all(printable(m) == m for m in result.messages)
    assert any(m.startswith("caf\\x1b\\n.csv: ") for m in result.messages)


def test_a_file_still_being_written_waits_for_the_next_run(tmp_path: Path) -> None:
    growing = write(tmp_path / "nps" / "tonight.csv", GOOD_NPS)
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        now = load_source(con, tmp_path, source("nps"), loaded_at=LOADED_AT, settle_seconds=60)
        assert (now.rows_loaded, now.files_waiting, now.files_read) == (0, 1, 0)
        assert now.messages == [
            "nps/tonight.csv: still being written (modified in the last 60 s), left for the next run"
        ]
        # Not remembered as seen: once it has settled, it loads.
        settled = time.time() - 120
        os.utime(growing, (settled, settled))
        later = load_source(con, tmp_path, source("nps"), loaded_at=LOADED_AT, settle_seconds=60)
    assert (later.rows_loaded, later.files_waiting) == (1, 0)


def test_the_demo_inbox_is_whole_when_written_so_a_nightly_right_after_reads_it(
    tmp_path: Path,
) -> None:
    from datetime import date

    from flows.demo import generate_inbox

    demo = generate_inbox(tmp_path, accounts=5, days=2, end=date(2026, 11, 15), seed=1)
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        result = load_source(con, tmp_path, source("nps"), loaded_at=LOADED_AT, settle_seconds=60)
    assert demo.nps_responses > 0
    assert result.files_waiting == 0 and result.rows_loaded == demo.nps_responses


def test_a_huge_malformed_row_keeps_only_a_bounded_excerpt(tmp_path: Path) -> None:
    huge = "r2,b@acme.io,9," + "x" * 200_000 + ",extra,2026-11-03T10:00:00Z\n"
    write(tmp_path / "nps" / "wide.csv", GOOD_NPS + huge)
    _, rows, loaded, _ = load(tmp_path, "nps")
    assert loaded == 1
    assert rows[0][:4] == (
        "nps/wide.csv",
        2,
        "row",
        "row has more fields than the header (an unquoted comma?)",
    )
    assert 0 < len(rows[0][4]) <= 20_000


def test_a_file_of_another_format_is_refused_naming_what_the_folder_reads(
    tmp_path: Path,
) -> None:
    """An Excel workbook or a tab-separated export in nps/ is not silently left unread: whoever
    dropped it there would believe it loaded. Lock files and backups are nobody's data."""
    write(tmp_path / "nps" / "ok.csv", GOOD_NPS)
    write(tmp_path / "nps" / "responses.xlsx", b"PK\x03\x04 a workbook")
    write(tmp_path / "nps" / "responses.tsv", GOOD_NPS.replace(",", "\t"))
    write(tmp_path / "nps" / "README", "what this folder is")
    for litter in ("~$responses.xlsx", "ok.csv~", "Thumbs.db", "tonight.csv.partial"):
        write(tmp_path / "nps" / litter, "x")
    result, rows, loaded, files = load(tmp_path, "nps")
    assert loaded == 1 and files == [("nps/ok.csv", "loaded")]
    assert [row[:4] for row in rows] == [
        (
            "nps/README",
            0,
            "file",
            "README: a file without an extension is not read here: nps/ takes .csv files"
            " (save or export it as .csv)",
        ),
        (
            "nps/responses.tsv",
            0,
            "file",
            "responses.tsv: a .tsv file is not read here: nps/ takes .csv files"
            " (save or export it as .csv)",
        ),
        (
            "nps/responses.xlsx",
            0,
            "file",
            "responses.xlsx: a .xlsx file is not read here: nps/ takes .csv files"
            " (save or export it as .csv)",
        ),
    ]
    assert result.files_quarantined == 3
