"""The file read is the file listed (issue 16, finding 5, its races): a name swapped for a link,
or a folder swapped for one, between the listing and the read reads nothing from outside the
inbox; a hard link is refused; a file renamed over the listed name waits for the next run."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import flows.sources.inbox as inbox
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema
from tests.flows.test_sources_one_file import GOOD_NPS, LOADED_AT, MEMORY, load, source, write

# An NPS export outside the inbox: if any of it loads, the boundary leaked.
SECRET = GOOD_NPS.replace("r1,a@acme.io,9,fine", "secret-1,ceo@acme.io,0,board minutes")


def everything(result: Any, rows: list[Any], files: list[Any]) -> str:
    return " ".join(result.messages) + repr(rows) + repr(files)


def swap_after_listing(monkeypatch: pytest.MonkeyPatch, swap: Any) -> None:
    """Run ``swap`` right after the inbox is listed, before any file of it is opened."""
    real = inbox.inbox_files

    def listed(*args: Any, **kwargs: Any) -> Any:
        files = real(*args, **kwargs)
        swap()
        return files

    monkeypatch.setattr(inbox, "inbox_files", listed)


def test_a_file_swapped_for_a_symlink_after_the_listing_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = write(tmp_path / "outside" / "board.csv", SECRET)
    root = tmp_path / "inbox"
    export = write(root / "nps" / "export.csv", GOOD_NPS)
    write(root / "nps" / "other.csv", GOOD_NPS.replace("r1", "r2"))

    def swap() -> None:
        export.rename(tmp_path / "aside.csv")
        export.symlink_to(secret)

    swap_after_listing(monkeypatch, swap)
    result, rows, loaded, files = load(root, "nps")
    assert loaded == 1
    assert [r[:4] for r in rows] == [
        (
            "nps/export.csv",
            0,
            "file",
            "export.csv: became a symbolic link after it was listed; refused unread",
        )
    ]
    assert "secret" not in everything(result, rows, files) and rows[0][4] == ""


def test_a_folder_swapped_for_a_symlink_after_the_listing_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "outside" / "sub" / "export.csv", SECRET)
    root = tmp_path / "inbox"
    write(root / "nps" / "sub" / "export.csv", GOOD_NPS)

    def swap() -> None:
        (root / "nps" / "sub").rename(tmp_path / "aside")
        (root / "nps" / "sub").symlink_to(tmp_path / "outside" / "sub")

    swap_after_listing(monkeypatch, swap)
    result, rows, loaded, files = load(root, "nps")
    assert loaded == 0
    assert rows[0][3] == "sub: became a symbolic link after it was listed; refused unread"
    assert "secret" not in everything(result, rows, files)


def test_a_name_swapped_for_a_symlink_while_the_file_is_read_still_reads_the_listed_file(
    tmp_path: Path,
) -> None:
    secret = write(tmp_path / "outside" / "board.csv", SECRET)
    root = tmp_path / "inbox"
    export = write(root / "nps" / "export.csv", GOOD_NPS)
    nps = source("nps")

    def read(path, src, con):  # type: ignore[no-untyped-def]
        # The swap lands after the file was opened, as the reader starts.
        export.rename(tmp_path / "aside.csv")
        export.symlink_to(secret)
        return nps.read(path, src, con)

    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        load_source(con, root, replace(nps, read=read), loaded_at=LOADED_AT)
        ids = con.execute("select response_id from raw.nps_responses").fetchall()
    assert ids == [("r1",)]


def test_a_hard_link_to_a_file_outside_the_inbox_is_refused_unread(tmp_path: Path) -> None:
    secret = write(tmp_path / "outside" / "board.csv", SECRET)
    root = tmp_path / "inbox"
    write(root / "nps" / "ok.csv", GOOD_NPS)
    os.link(secret, root / "nps" / "linked.csv")
    result, rows, loaded, files = load(root, "nps")
    assert loaded == 1
    assert [r[:4] for r in rows] == [
        (
            "nps/linked.csv",
            0,
            "file",
            "linked.csv: has other names on the file system (a hard link), refused unread: the"
            " inbox reads only files of its own (copy the export in)",
        )
    ]
    assert "secret" not in everything(result, rows, files)


def test_a_file_renamed_over_the_listed_name_waits_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "inbox"
    export = write(root / "nps" / "export.csv", GOOD_NPS)
    newer = write(tmp_path / "newer.csv", GOOD_NPS.replace("r1", "r5"))
    swap_after_listing(monkeypatch, lambda: newer.replace(export))
    result, rows, loaded, files = load(root, "nps")
    assert (loaded, rows, files, result.files_waiting) == (0, [], [], 1)
    monkeypatch.undo()
    _, _, loaded, _ = load(root, "nps")
    assert loaded == 1


def test_a_file_the_service_may_not_open_is_unreadable_and_the_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root (the tests here) chmod 000 blocks nothing: the open of the file is refused instead,
    # as the kernel refuses it to a service user for an upload written with umask 077.
    import flows.sources.pinning as pinning

    root = tmp_path / "inbox"
    write(root / "nps" / "umask-077.csv", GOOD_NPS.replace("r1", "r9"))
    write(root / "nps" / "ok.csv", GOOD_NPS)
    real = os.open

    def open_(name: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if name == "umask-077.csv":
            raise PermissionError(13, "Permission denied", name)
        return real(name, flags, *args, **kwargs)

    monkeypatch.setattr(pinning.os, "open", open_)
    _, rows, loaded, files = load(root, "nps")
    assert (loaded, files) == (1, [("nps/ok.csv", "loaded")])
    assert [r[:4] for r in rows] == [
        (
            "nps/umask-077.csv",
            0,
            "file",
            "umask-077.csv: cannot be read: permission denied (check the file's owner and mode)",
        )
    ]
