"""Seen files are skipped unopened when unchanged (the inbox manifest), and any change is noticed.

The manifest only caches hashes: whether a file is new is still its hash among the loaded files.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.sources import SOURCES, inbox
from flows.sources.loader import SourceLoad, load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
NPS_HEADER = "Response ID,Email,Score,Comment,Responded At\n"
NPS = next(s for s in SOURCES if s.name == "nps")


def export(path: Path, text: str, *, age: float = 3600) -> Path:
    """An export written ``age`` seconds ago (older than the manifest's racy margin)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def row(n: int, score: int = 9) -> str:
    return f"r{n},p{n}@acme.io,{score},comment {n},2026-11-03T10:00:00Z\n"


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files hashed (so opened), in order."""
    names: list[str] = []
    real = inbox.file_sha256

    def counting(path: Path) -> str:
        names.append(path.name)
        return real(path)

    monkeypatch.setattr(inbox, "file_sha256", counting)
    return names


def load(con: duckdb.DuckDBPyConnection, root: Path) -> SourceLoad:
    """One night's load: each a minute after the warehouse's last, as nights are."""
    last = con.execute("select max(loaded_at) from raw._files").fetchone()
    stamp = LOADED_AT if last is None or last[0] is None else last[0] + timedelta(minutes=1)
    return load_source(con, root, NPS, loaded_at=stamp)


def test_an_unchanged_inbox_is_skipped_without_hashing_any_file(
    tmp_path: Path, hashed: list[str]
) -> None:
    for n in range(5):
        export(tmp_path / "nps" / f"day-{n}.csv", NPS_HEADER + row(n))
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        first = load(con, tmp_path)
        assert first.rows_loaded == 5 and len(hashed) == 5
        hashed.clear()
        export(tmp_path / "nps" / "day-5.csv", NPS_HEADER + row(5))
        second = load(con, tmp_path)
        assert hashed == ["day-5.csv"]
        assert (second.rows_loaded, second.files_skipped) == (1, 5)
        hashed.clear()
        third = load(con, tmp_path)
        assert hashed == [] and (third.rows_loaded, third.files_skipped) == (0, 6)


def test_an_export_rewritten_in_place_with_its_size_and_mtime_kept_is_read_again(
    tmp_path: Path, hashed: list[str]
) -> None:
    path = export(tmp_path / "nps" / "responses.csv", NPS_HEADER + row(1, score=9))
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        load(con, tmp_path)
        before = path.stat()
        # Same name, same size, modification time put back (cp -p, rsync -t): the change time
        # moves whatever a tool does, so the new content is still found.
        path.write_text(NPS_HEADER + row(1, score=3))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert path.stat().st_size == before.st_size
        hashed.clear()
        again = load(con, tmp_path)
        assert hashed == ["responses.csv"]
        assert again.rows_loaded == 1
        scores = con.execute("select score from raw.nps_responses order by _loaded_at, score")
        assert sorted(r[0] for r in scores.fetchall()) == ["3", "9"]


def test_a_file_renamed_over_an_old_one_is_read_again(tmp_path: Path, hashed: list[str]) -> None:
    path = export(tmp_path / "nps" / "responses.csv", NPS_HEADER + row(1))
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        load(con, tmp_path)
        export(tmp_path / "nps" / ".responses.csv.tmp", NPS_HEADER + row(2))
        os.replace(tmp_path / "nps" / ".responses.csv.tmp", path)
        hashed.clear()
        assert load(con, tmp_path).rows_loaded == 1
        assert hashed == ["responses.csv"]


def test_a_manifest_ahead_of_a_lost_load_does_not_skip_the_file(
    tmp_path: Path, hashed: list[str]
) -> None:
    # The manifest says what a file's hash is, never that it was loaded: a load that did not
    # commit (here, its rows and file record removed) is redone the next night.
    export(tmp_path / "nps" / "responses.csv", NPS_HEADER + row(1))
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        load(con, tmp_path)
        con.execute("delete from raw.nps_responses")
        con.execute("delete from raw._files")
        assert con.execute("select count(*) from raw._inbox_manifest").fetchone() == (1,)
        assert load(con, tmp_path).rows_loaded == 1


def test_a_file_hashed_moments_after_it_was_written_is_hashed_once_more(
    tmp_path: Path, hashed: list[str]
) -> None:
    # Written within the file system clock's tick of its hashing, a same-size rewrite in that
    # tick could keep its times: such an entry is not trusted until hashed again later.
    export(tmp_path / "nps" / "responses.csv", NPS_HEADER + row(1), age=0)
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        load(con, tmp_path)
        hashed.clear()
        assert load(con, tmp_path).files_skipped == 1
        assert hashed == ["responses.csv"]


def test_files_gone_from_the_inbox_leave_the_manifest(tmp_path: Path) -> None:
    for n in range(3):
        export(tmp_path / "nps" / f"day-{n}.csv", NPS_HEADER + row(n))
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        load(con, tmp_path)
        (tmp_path / "nps" / "day-1.csv").unlink()
        load(con, tmp_path)
        files = con.execute("select file from raw._inbox_manifest order by file").fetchall()
        assert files == [("nps/day-0.csv",), ("nps/day-2.csv",)]


def test_the_listing_gives_each_file_in_path_order_with_its_inbox_relative_name(
    tmp_path: Path,
) -> None:
    """Files are read in the order of their paths (a folder's files among its subfolders' by
    name, as paths compare), and named in raw and the manifest relative to the inbox."""
    root = tmp_path / "inbox"
    names = ["z.csv", "sub/b.csv", "a-b.csv", "a/c.csv", "a/deeper/d.csv", "A.csv", "sub.csv"]
    for name in names:
        export(root / "nps" / name, NPS_HEADER + row(1))
    export(root / "nps" / "notes.txt", "not an export")

    files, refused, waiting = inbox.inbox_files(root, NPS)

    expected = sorted(root / "nps" / name for name in names)
    assert [listed.path for listed in files] == expected
    assert [listed.relative for listed in files] == [
        p.relative_to(root).as_posix() for p in expected
    ]
    assert all(
        listed.info.st_size == p.stat().st_size for listed, p in zip(files, expected, strict=True)
    )
    assert [path.name for path, _ in refused] == ["notes.txt"] and waiting == []
