"""The record shows what happened: over three nights no item's stage moves back, and each
night's own acknowledgments are in the marts and `status` of that same night."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from flows.commands.cli import app
from flows.demo import generate_inbox
from flows.nightly import nightly

FIRST = date(2026, 11, 16)
NIGHTS = [FIRST + timedelta(days=n) for n in range(3)]


def _stages(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(
            con.execute(
                "select item_id, stage_rank from marts.fct_feedback_stages where is_current_stage"
            ).fetchall()
        )


def _status(path: Path) -> str:
    return CliRunner().invoke(app, ["status", "--warehouse", str(path)]).output


def build_three_nights(root: Path) -> dict[str, Any]:
    """Three nights in a row on one small company (a shared build, tests/conftest.py)."""
    generate_inbox(root / "inbox", accounts=12, days=20, end=FIRST - timedelta(days=1), seed=5)
    paths = {
        "inbox": root / "inbox",
        "warehouse": root / "wh" / "lk.duckdb",
        "mail_dir": root / "mail",
    }
    stages, acks, statuses, uncounted = [], [], [], []
    for night in NIGHTS:
        nightly(run_date=night, **paths)
        stages.append(_stages(paths["warehouse"]))
        with duckdb.connect(str(paths["warehouse"]), read_only=True) as con:
            acks.append(
                con.execute(
                    "select f.item_id, f.acknowledged_at is not null, f.ack_sla_status,"
                    " f.current_stage from ops.outbox as o join marts.fct_feedback as f"
                    " using (item_id) where o.kind = 'acknowledgment' and o.status = 'sent'"
                    " and o.run_date = ?",
                    [night],
                ).fetchall()
            )
            uncounted.append(
                con.execute(
                    "select count(*), count(f.acknowledged_at) from ops.message_items as m"
                    " join ops.outbox as o using (message_key)"
                    " join marts.fct_feedback as f on f.item_id = m.item_id"
                    " where o.status = 'sent' and m.kind = 'acknowledgment'"
                ).fetchone()
            )
        statuses.append(_status(paths["warehouse"]))
    return {"stages": stages, "acks": acks, "statuses": statuses, "answered": uncounted}


@pytest.fixture(scope="module")
def three_nights(shared: Any, request: pytest.FixtureRequest) -> dict[str, Any]:
    return shared.get("three_nights", build_three_nights, request)


def test_no_stage_regression_over_three_nights(three_nights: dict[str, Any]) -> None:
    stages = three_nights["stages"]
    assert all(stages), "every night should have items"
    for before, after in itertools.pairwise(stages):
        moved_back = {
            item: (rank, after[item])
            for item, rank in before.items()
            if item in after and after[item] < rank
        }
        assert moved_back == {}


def test_the_nights_acknowledgments_are_in_its_own_marts(three_nights: dict[str, Any]) -> None:
    first = three_nights["acks"][0]
    assert first, "the first night should have acknowledged someone"
    for _item, acknowledged, sla, stage in first:
        assert acknowledged and sla in {"met", "breached"}
        assert stage != "new"


def test_status_counts_the_nights_acknowledgments_as_done(three_nights: dict[str, Any]) -> None:
    # Met or breached, not open: a test runs past nights, so its messages go out late.
    status, acks = three_nights["statuses"][0], three_nights["acks"][0]
    line = next(line for line in status.splitlines() if line.strip().startswith("ack "))
    _clock, met, breached, _open = line.split()
    assert int(met) + int(breached) >= len(acks) > 0, status


def test_every_item_a_combined_acknowledgment_answers_counts_as_acknowledged(
    three_nights: dict[str, Any],
) -> None:
    for items, acknowledged in three_nights["answered"]:
        assert items == acknowledged
    assert three_nights["answered"][0][0] > 0


def test_an_empty_inbox_night_completes_and_says_so(tmp_path: Path, prefect_harness: None) -> None:
    (tmp_path / "inbox").mkdir()
    summary = nightly(
        run_date=FIRST,
        inbox=tmp_path / "inbox",
        warehouse=tmp_path / "wh" / "lk.duckdb",
        mail_dir=tmp_path / "mail",
    )
    lines = summary.lines()
    assert "  the inbox is empty: nothing to load yet; the night completed" in lines
    assert summary.items == 0
    assert (tmp_path / "wh" / "lk.duckdb").exists()  # published, so status and reports read it
    assert f"night of {FIRST:%Y-%m-%d} published at" in _status(tmp_path / "wh" / "lk.duckdb")


def test_recording_the_stages_adds_the_new_ones_and_keeps_those_on_record() -> None:
    """A stage once recorded keeps the night and time it was first shown; only stages not on
    record are added, and how many is returned."""
    from flows.warehouse.night_record import record_stages
    from flows.warehouse.schema import apply_schema

    with duckdb.connect() as con:
        apply_schema(con)
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_feedback_stages as select * from (values"
            " ('nps:1', 'new', timestamp '2026-11-14 09:00'),"
            " ('nps:1', 'acknowledged', timestamp '2026-11-17 02:00'),"
            " ('nps:2', 'new', timestamp '2026-11-16 10:00')) as t(item_id, stage, entered_at)"
        )
        con.execute(
            "insert into raw.feedback_stages_reached values"
            " ('nps:1', 'new', timestamp '2026-11-14 08:00', date '2026-11-15'),"
            " ('nps:9', 'shipped', timestamp '2026-11-01 00:00', date '2026-11-02')"
        )
        assert record_stages(con, FIRST + timedelta(days=1)) == 2
        assert record_stages(con, FIRST + timedelta(days=2)) == 0
        rows = con.execute(
            "select item_id, stage, entered_at::varchar, run_date::varchar"
            " from raw.feedback_stages_reached order by all"
        ).fetchall()
    assert rows == [
        ("nps:1", "acknowledged", "2026-11-17 02:00:00", "2026-11-17"),
        ("nps:1", "new", "2026-11-14 08:00:00", "2026-11-15"),
        ("nps:2", "new", "2026-11-16 10:00:00", "2026-11-17"),
        ("nps:9", "shipped", "2026-11-01 00:00:00", "2026-11-02"),
    ]
