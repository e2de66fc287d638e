"""A new night does not make dbt parse the whole project again: the night's clock reaches the
models through environment variables read at execution, not through `--vars`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

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
