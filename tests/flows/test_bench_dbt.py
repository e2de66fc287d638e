"""`bench --dbt` reuses a prepared warehouse and names the slowest nodes of the build."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.bench import dbt as bench_dbt
from flows.commands.cli import app


def test_a_warehouse_prepared_for_the_same_size_is_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / bench_dbt.MARKER).write_text(
        json.dumps({"items": 1000, "days": 30, "run_date": "2026-11-22"})
    )
    monkeypatch.setattr("flows.bench.night.run_bench", pytest.fail)  # preparing again would fail

    lines, run_date = bench_dbt._prepared(tmp_path, items=1000, days=30)

    assert run_date == date(2026, 11, 22)
    assert "reusing the warehouse" in lines[0]


def test_an_empty_workdir_is_prepared_and_marked_for_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared: list[int] = []
    monkeypatch.setattr(
        "flows.bench.night.run_bench",
        lambda *, items, days, workdir: prepared.append(items) or ["nightly ran"],
    )

    lines, _ = bench_dbt._prepared(tmp_path, items=2000, days=30)

    assert prepared == [2000]
    assert json.loads((tmp_path / bench_dbt.MARKER).read_text())["items"] == 2000
    assert lines[0] == "nightly ran"


@pytest.mark.parametrize("left_behind", ["marker for another size", "inbox", "warehouse"])
def test_a_workdir_holding_another_company_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, left_behind: str
) -> None:
    if left_behind == "marker for another size":
        (tmp_path / bench_dbt.MARKER).write_text(
            json.dumps({"items": 1000, "days": 30, "run_date": "2026-11-01"})
        )
    else:
        (tmp_path / left_behind).mkdir()
    monkeypatch.setattr("flows.bench.night.run_bench", pytest.fail)  # nothing may be loaded on top

    result = CliRunner().invoke(
        app, ["bench", "--dbt", "--items", "2000", "--days", "30", "--workdir", str(tmp_path)]
    )

    assert result.exit_code == 1
    assert str(tmp_path) in result.output and "--workdir" in result.output


def test_slowest_nodes_come_first(tmp_path: Path) -> None:
    results = tmp_path / "run_results.json"
    results.write_text(
        json.dumps(
            {
                "results": [
                    {"unique_id": "model.loopkeeper.fct_feedback", "execution_time": 2.0},
                    {"unique_id": "model.loopkeeper.dim_accounts", "execution_time": 0.5},
                    {"unique_id": "test.loopkeeper.unique_x.abc", "execution_time": 3.25},
                ]
            }
        )
    )

    assert bench_dbt._slowest_nodes(results, count=2) == ["unique_x 3.2", "fct_feedback 2.0"]


def test_ingest_and_dbt_benches_are_one_at_a_time() -> None:
    result = CliRunner().invoke(app, ["bench", "--ingest", "--dbt"])

    assert result.exit_code != 0
    assert "choose one of --ingest and --dbt" in result.output
