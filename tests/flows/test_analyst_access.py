"""Analysts read the published warehouse while nightly runs write: no lock errors, no half-built marts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from flows.commands.status import render_status
from flows.demo import generate_inbox
from flows.nightly import nightly
from flows.settings.config import Settings
from flows.stages.summary import RunSummary
from flows.stages.validate import GateFailed
from flows.warehouse.publish import (
    PublishError,
    RunInProgress,
    publish,
    run_in_progress,
    run_lock,
    seed_work_copy,
    spare_path,
    wal_path,
    work_path,
)

MARTS_DIR = Path(__file__).parents[2] / "dbt_project" / "models" / "marts"
MARTS = sorted(p.stem for p in MARTS_DIR.rglob("*.sql"))

# One analyst, in its own process as a real one would be. Mode "fresh" connects read-only, reads
# every mart, disconnects, again and again; mode "held" keeps one connection open across
# publishes. Each read prints one JSON line; any exception is printed as an error, not raised.
# DuckDB draws a progress bar on stdout for a query slower than 2 s (a loaded machine): it would
# put lines that are not JSON between the reads, so the reader turns it off.
READER = r"""
import json, os, sys, time
import duckdb

path, stop, mode, marts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")

def connect():
    con = duckdb.connect(path, read_only=True)
    con.execute("set enable_progress_bar = false")
    return con

def read(con):
    present = {t for (t,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    ).fetchall()}
    missing = [m for m in marts if m not in present]
    counts = {m: con.execute(f"select count(*) from marts.{m}").fetchall()[0][0]
              for m in marts if m in present}
    [(untagged,)] = con.execute(
        "select count(*) from marts.fct_feedback where model_version is null").fetchall()
    [(tagged,)] = con.execute(
        "select count(distinct item_id) from raw.feedback_tags").fetchall()
    return {"missing": missing, "counts": counts, "untagged": untagged, "tagged": tagged}

held = None
while True:
    last = os.path.exists(stop)  # one more read after the writer is done
    if os.path.exists(path):
        try:
            if mode == "held":
                held = held or connect()
                print(json.dumps(read(held)), flush=True)
            else:
                with connect() as con:
                    print(json.dumps(read(con)), flush=True)
        except Exception as exc:
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
    if last:
        break
    time.sleep(0.25)
"""


def _start_reader(path: Path, stop: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(stop), mode, ",".join(MARTS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _arrives_first(file: Path, cutoff: str) -> bool:
    """Accounts, roadmap and the daily widget and notes files dated before ``cutoff``."""
    folder = file.parent.name
    if folder == "widget":  # widget-2026-11-06.jsonl
        return file.stem.removeprefix("widget-") < cutoff
    if folder == "notes":  # 2026-11-09-001A000006-csm_call.md
        return file.name[:10] < cutoff
    return folder in {"accounts", "roadmap"}


def _split_inbox(full: Path, first: Path, second: Path, cutoff: str) -> None:
    """Night one's inbox holds what arrived before ``cutoff``; night two's holds everything."""
    for file in sorted(f for f in full.rglob("*") if f.is_file()):
        for inbox in (first, second) if _arrives_first(file, cutoff) else (second,):
            target = inbox / file.relative_to(full)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)


def _fingerprint(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {m: con.execute(f"select count(*) from marts.{m}").fetchall()[0][0] for m in MARTS}


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[dict]:  # type: ignore[type-arg]
    root = tmp_path_factory.mktemp("analysts")
    demo = generate_inbox(root / "full", accounts=15, days=10, end=date(2026, 11, 15), seed=3)
    _split_inbox(root / "full", root / "inbox1", root / "inbox2", cutoff="2026-11-11")
    warehouse, stop = root / "wh" / "loopkeeper.duckdb", root / "stop"
    readers = {mode: _start_reader(warehouse, stop, mode) for mode in ("fresh", "held")}
    settings = Settings(inbox=root / "inbox2", warehouse=warehouse, mail_dir=root / "mail")
    summaries, fingerprints = [], []
    try:
        for inbox, night in (
            (root / "inbox1", date(2026, 11, 11)),
            (root / "inbox2", date(2026, 11, 16)),
        ):
            summaries.append(
                nightly(
                    run_date=night, inbox=inbox, warehouse=warehouse, mail_dir=settings.mail_dir
                )
            )
            fingerprints.append(_fingerprint(warehouse))
    finally:
        stop.touch()
        outputs = {mode: reader.communicate(timeout=60) for mode, reader in readers.items()}
    reads = {
        mode: [json.loads(line) for line in out.splitlines()] for mode, (out, _) in outputs.items()
    }
    yield {
        "demo": demo,
        "settings": settings,
        "summaries": summaries,
        "fingerprints": fingerprints,
        "reads": reads,
        "stderr": {mode: err for mode, (_, err) in outputs.items()},
    }


def test_readers_never_get_an_error_while_nights_are_written(nights) -> None:  # type: ignore[no-untyped-def]
    for mode, reads in nights["reads"].items():
        assert reads, f"the {mode} reader never read: {nights['stderr'][mode]}"
        errors = [r["error"] for r in reads if "error" in r]
        assert errors == [], f"{mode} reader: {errors[:3]}"


def test_every_read_sees_complete_marts_of_a_published_night(nights) -> None:  # type: ignore[no-untyped-def]
    published = nights["fingerprints"]
    assert published[0]["fct_feedback"] < published[1]["fct_feedback"], "night two adds items"
    for mode, reads in nights["reads"].items():
        for read in reads:
            assert read["missing"] == [], f"{mode}: marts missing {read['missing']}"
            assert read["counts"] in published, f"{mode}: a mix of nights {read['counts']}"
            # Marts are built after tagging: every item tagged tonight is in them, all tagged.
            assert read["untagged"] == 0
            assert read["counts"]["fct_feedback"] == read["tagged"]


def test_new_connections_see_the_new_night_and_an_open_one_keeps_its_own(nights) -> None:  # type: ignore[no-untyped-def]
    first, second = nights["fingerprints"]
    fresh = [r["counts"] for r in nights["reads"]["fresh"]]
    assert fresh.index(second) > fresh.index(first)
    assert fresh[-1] == second, "after the run, a new connection sees the last night"
    held = {json.dumps(r["counts"], sort_keys=True) for r in nights["reads"]["held"]}
    assert len(held) == 1, "one connection reads one night, even across a publish"


def test_the_published_night_is_the_whole_inbox(nights) -> None:  # type: ignore[no-untyped-def]
    assert [s.items for s in nights["summaries"]] == [
        f["fct_feedback"] for f in nights["fingerprints"]
    ]
    assert nights["summaries"][1].items == nights["demo"].feedback_items
    assert "publish" in nights["summaries"][1].stage_seconds


def test_a_failed_night_publishes_nothing(nights, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings: Settings = nights["settings"]
    before = settings.warehouse.read_bytes()
    spare = spare_path(settings.warehouse).read_bytes()  # the file the second night replaced
    # A new export the failed night loads into the working copy before its gate fails.
    (settings.inbox / "widget" / "widget-2026-11-16.jsonl").write_text(
        json.dumps(
            {
                "event": "feedback.submitted",
                "id": "wfb_failed_night_1",
                "account_id": "001A000003",
                "user": {"email": "theo.turner@example.com", "name": "Theo Turner"},
                "message": "The export button times out on large reports.",
                "page_url": "https://app.loopkeeper-demo.io/exports",
                "created_at": "2026-11-16T09:00:00Z",
            }
        )
        + "\n",
        encoding="utf-8",
    )

    def failing_gate(*_: object) -> None:
        raise GateFailed("critical expectations failed, marts not published: nps.score_value")

    monkeypatch.setattr("flows.nightly.validate_loaded", failing_gate)
    with pytest.raises(GateFailed):
        nightly(
            run_date=date(2026, 11, 17),
            inbox=settings.inbox,
            warehouse=settings.warehouse,
            mail_dir=settings.mail_dir,
        )
    assert settings.warehouse.read_bytes() == before
    sql = "select count(*) from raw.widget_events where event_id = 'wfb_failed_night_1'"
    with duckdb.connect(str(work_path(settings.warehouse)), read_only=True) as con:
        assert con.execute(sql).fetchall() == [(1,)], "the failed night did write its working copy"
    assert spare_path(settings.warehouse).read_bytes() == spare
    assert list(settings.warehouse.parent.glob(f".{settings.warehouse.name}.*")) == [
        spare_path(settings.warehouse)
    ]


def test_status_reads_the_published_night_while_a_run_holds_the_working_copy(nights) -> None:  # type: ignore[no-untyped-def]
    settings: Settings = nights["settings"]
    work = work_path(settings.warehouse)
    with run_lock(work):
        assert run_in_progress(work)
        with pytest.raises(RunInProgress, match="another nightly or backfill"), run_lock(work):
            pass
        lines = render_status(settings.warehouse, work)
    assert any("building the next night" in line for line in lines)
    assert any(line.startswith("feedback items:") for line in lines)
    assert not run_in_progress(work)


def _in_place_warehouse(path: Path) -> None:
    """A warehouse written the old way, with committed rows still only in its WAL."""
    path.parent.mkdir(parents=True)
    con = duckdb.connect(str(path))
    con.execute("create table marker as select 1 as night")
    con.execute("checkpoint")
    con.execute("insert into marker values (2)")
    # Copy the files while the writer is still open: the second row is only in the WAL.
    snapshot = path.with_name("snapshot")
    snapshot.mkdir()
    shutil.copyfile(path, snapshot / path.name)
    shutil.copyfile(wal_path(path), snapshot / wal_path(path).name)
    con.close()
    for file in (path, wal_path(path)):
        file.unlink(missing_ok=True)
        os.replace(snapshot / file.name, file)


def test_first_run_after_upgrade_seeds_the_working_copy_with_the_wal(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse" / "loopkeeper.duckdb"
    _in_place_warehouse(warehouse)
    assert wal_path(warehouse).exists()
    work = work_path(warehouse)
    assert seed_work_copy(warehouse, work)
    assert not seed_work_copy(warehouse, work), "an existing working copy is never overwritten"
    publish(work, warehouse)
    assert not wal_path(warehouse).exists(), "the old file's WAL must not meet the new file"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select list(night order by night) from marker").fetchall() == [
            ([1, 2],)
        ]


def test_publish_keeps_the_access_an_admin_gave_the_published_file(tmp_path: Path) -> None:
    warehouse = tmp_path / "loopkeeper.duckdb"
    work = work_path(warehouse)
    work.parent.mkdir()
    duckdb.connect(str(work)).close()
    publish(work, warehouse)
    warehouse.chmod(0o640)
    publish(work, warehouse)
    assert warehouse.stat().st_mode & 0o777 == 0o640


def _night(work: Path, night: int) -> None:
    """A night's writes to the working copy: a row of its own, and a table rewritten."""
    with duckdb.connect(str(work)) as con:
        con.execute("create table if not exists marker (night int)")
        con.execute("insert into marker values (?)", [night])
        con.execute(
            "create or replace table items as select range as id, ? + range as v from range(50000)",
            [night],
        )


def _nights_published(path: Path) -> list[int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [n for (n,) in con.execute("select night from marker order by night").fetchall()]


def test_a_publish_rewrites_the_file_the_last_publish_replaced_where_it_differs(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "loopkeeper.duckdb"
    work = work_path(warehouse)
    work.parent.mkdir()
    inodes = []
    for night in (1, 2, 3, 4):
        _night(work, night)
        assert not publish(work, warehouse).spare_held
        inodes.append(warehouse.stat().st_ino)
        assert warehouse.read_bytes() == work.read_bytes()
        assert _nights_published(warehouse) == list(range(1, night + 1))
    # nights 1 and 2 are copies; night 3 is night 1's file rewritten, night 4 night 2's
    assert len(set(inodes[:2])) == 2
    assert inodes[2:] == inodes[:2]
    assert spare_path(warehouse).stat().st_ino == inodes[2]
    assert _nights_published(spare_path(warehouse)) == [1, 2, 3]

    # a spare longer than the working copy, and damaged: it still ends as the working copy's bytes
    with spare_path(warehouse).open("r+b") as spare:
        spare.seek(4096)
        spare.write(b"damage" * 1000)
        spare.seek(0, os.SEEK_END)
        spare.write(b"\0" * (3 << 20))
    _night(work, 5)
    publish(work, warehouse)
    assert warehouse.stat().st_ino == inodes[2]
    assert warehouse.read_bytes() == work.read_bytes()
    assert _nights_published(warehouse) == [1, 2, 3, 4, 5]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".loopkeeper.duckdb.spare",
        ".work",
        "loopkeeper.duckdb",
    ]


def test_a_spare_a_reader_still_has_open_is_left_to_it(tmp_path: Path) -> None:
    """The reader keeps the night it opened, whether it is another process or this one."""
    warehouse = tmp_path / "loopkeeper.duckdb"
    work = work_path(warehouse)
    work.parent.mkdir()
    for night in (1, 2):
        _night(work, night)
        publish(work, warehouse)
    first = spare_path(warehouse).stat().st_ino  # night 1's file, now the spare
    stop = tmp_path / "stop"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, os, sys, time\n"
            "con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "print(con.execute('select count(*) from marker').fetchall()[0][0], flush=True)\n"
            "while not os.path.exists(sys.argv[2]): time.sleep(0.05)\n"
            "print(con.execute('select count(*) from marker').fetchall()[0][0], flush=True)\n",
            str(spare_path(warehouse)),
            str(stop),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "1"
        _night(work, 3)
        assert publish(work, warehouse).spare_held
    finally:
        stop.touch()
        out, _ = holder.communicate(timeout=60)
    assert out.strip() == "1", "the reader's night changed under it"
    assert warehouse.stat().st_ino != first
    assert _nights_published(warehouse) == [1, 2, 3]

    second = spare_path(warehouse).stat().st_ino  # night 2's file, now the spare
    with duckdb.connect(str(spare_path(warehouse)), read_only=True) as held:  # this process
        _night(work, 4)
        assert publish(work, warehouse).spare_held
        assert held.execute("select count(*) from marker").fetchall() == [(2,)]
    assert warehouse.stat().st_ino != second, "rewritten under a reader of this process"
    _night(work, 5)
    assert not publish(work, warehouse).spare_held  # night 3's file, free: rewritten
    summary = RunSummary(date(2026, 11, 5), datetime(2026, 11, 5), warehouse, tmp_path / "mail")
    assert not any("copying it whole" in line for line in summary.lines())
    summary.spare_held = True
    assert any("copying it whole: a reader still has open" in line for line in summary.lines())
    assert _nights_published(warehouse) == [1, 2, 3, 4, 5]


def test_a_spare_that_is_a_link_is_not_written_through(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "loopkeeper.duckdb"
    work = work_path(warehouse)
    work.parent.mkdir(parents=True)
    outside = tmp_path / "elsewhere.bin"
    outside.write_bytes(b"not the warehouse's" * 1000)
    _night(work, 1)
    publish(work, warehouse)
    spare_path(warehouse).symlink_to(outside)
    _night(work, 2)
    publish(work, warehouse)
    assert outside.read_bytes() == b"not the warehouse's" * 1000
    assert not warehouse.is_symlink() and warehouse.read_bytes() == work.read_bytes()
    assert not spare_path(warehouse).is_symlink()  # night 1's file took its place


def test_what_a_publish_killed_half_way_left_goes_with_the_next(tmp_path: Path) -> None:
    warehouse = tmp_path / "loopkeeper.duckdb"
    work = work_path(warehouse)
    work.parent.mkdir()
    _night(work, 1)
    publish(work, warehouse)
    for left in (".loopkeeper.duckdb.4242.new", ".loopkeeper.duckdb.4242.replaced"):
        (tmp_path / left).write_bytes(b"left by a publish that was killed")
    (tmp_path / "notes.loopkeeper.duckdb.1.new").write_text("an analyst's file: not ours")
    _night(work, 2)
    publish(work, warehouse)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".loopkeeper.duckdb.spare",
        ".work",
        "loopkeeper.duckdb",
        "notes.loopkeeper.duckdb.1.new",
    ]


def test_publishing_without_a_working_copy_names_it(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match=r"\.work/loopkeeper\.duckdb: no working copy"):
        publish(work_path(tmp_path / "loopkeeper.duckdb"), tmp_path / "loopkeeper.duckdb")


def test_a_seed_that_died_half_way_leaves_no_wal_for_the_new_copy(tmp_path: Path) -> None:
    warehouse = tmp_path / "loopkeeper.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table marker as select 1 as night")
    work = work_path(warehouse)
    work.parent.mkdir()
    wal_path(work).write_bytes(b"the WAL of a working copy that was never finished")
    assert seed_work_copy(warehouse, work)
    assert not wal_path(work).exists()
    with duckdb.connect(str(work)) as con:
        assert con.execute("select night from marker").fetchall() == [(1,)]
