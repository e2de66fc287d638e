"""A new night does not make dbt parse the whole project again: the night's clock reaches the
models through environment variables read at execution, not through `--vars`."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from flows.warehouse.dbt import run_dbt


def test_the_next_night_reuses_the_parsed_project(tmp_path: Path) -> None:
    warehouse = tmp_path / "loopkeeper.duckdb"
    log = tmp_path / ".dbt" / "logs" / "dbt.log"
    run_dbt(["parse"], warehouse=warehouse, as_of=datetime(2026, 11, 9), night=date(2026, 11, 9))
    first = log.read_text()
    assert "Starting full parse" in first
    run_dbt(["parse"], warehouse=warehouse, as_of=datetime(2026, 11, 10), night=date(2026, 11, 10))
    second = log.read_text()[len(first) :]
    assert "Starting full parse" not in second
    assert "Partial parsing enabled: 0 files deleted, 0 files added, 0 files changed" in second


def test_the_memory_limit_reaches_duckdb_without_a_new_parse(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "loopkeeper.duckdb"
    log = tmp_path / ".dbt" / "logs" / "dbt.log"
    as_of = datetime(2026, 11, 9)
    run_dbt(["parse"], warehouse=warehouse, as_of=as_of)
    parsed = log.read_text()
    capfd.readouterr()
    show = ["show", "--inline", "select current_setting('memory_limit') as m", "--output", "json"]
    run_dbt(show, warehouse=warehouse, as_of=as_of, memory_limit="1GB")
    # DuckDB reports 1GB (10^9 bytes) in binary units
    assert json.loads(capfd.readouterr().out)["show"] == [{"m": "953.6 MiB"}]
    assert "Starting full parse" not in log.read_text()[len(parsed) :]
