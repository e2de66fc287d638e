"""A new night does not make dbt parse the whole project again: the night's clock reaches the
models through environment variables read at execution, not through `--vars`. Within one
process, a parsed project is reused (a warehouse in another folder included)."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from flows.warehouse.dbt import PARSED_FOLDER, forget_parsed_projects, run_dbt


@pytest.fixture(autouse=True)
def _no_parse_in_memory() -> None:
    """Each test starts as a new process would: dbt's saved parse is all there is."""
    forget_parsed_projects()


def test_the_next_night_reuses_the_parsed_project(tmp_path: Path) -> None:
    warehouse = tmp_path / "loopkeeper.duckdb"
    log = tmp_path / ".dbt" / "logs" / "dbt.log"
    saved = tmp_path / ".dbt" / "target" / "partial_parse.msgpack"
    run_dbt(["parse"], warehouse=warehouse, as_of=datetime(2026, 11, 9), night=date(2026, 11, 9))
    first = log.read_text()
    assert "Starting full parse" in first
    parsed = saved.stat().st_mtime_ns
    # As the next night's process starts, with only dbt's saved parse: the one Loopkeeper keeps
    # (.dbt/parsed) would answer without asking dbt whether the new night changed the parse.
    forget_parsed_projects()
    shutil.rmtree(tmp_path / ".dbt" / PARSED_FOLDER)
    run_dbt(["parse"], warehouse=warehouse, as_of=datetime(2026, 11, 10), night=date(2026, 11, 10))
    second = log.read_text()[len(first) :]
    # dbt says at info level why it cannot reuse a parse; a reused one is not written again
    assert "Running with dbt" in second
    assert "partial parsing" not in second.lower()
    assert saved.stat().st_mtime_ns == parsed


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


def test_a_process_reuses_its_parse_for_a_warehouse_in_another_folder(tmp_path: Path) -> None:
    as_of = datetime(2026, 11, 9)
    first, second = tmp_path / "a" / "loopkeeper.duckdb", tmp_path / "b" / "loopkeeper.duckdb"
    run_dbt(["parse"], warehouse=first, as_of=as_of)
    assert "Starting full parse" in (tmp_path / "a" / ".dbt" / "logs" / "dbt.log").read_text()
    show = ["show", "--inline", "select 1 as one", "--output", "json"]
    run_dbt(show, warehouse=second, as_of=as_of)
    log = (tmp_path / "b" / ".dbt" / "logs" / "dbt.log").read_text()
    assert "Running with dbt" in log
    # dbt's saved parse of folder a does not apply to b (another profile path): no parse at all
    assert "partial parsing" not in log.lower()
    assert not (tmp_path / "b" / ".dbt" / "target" / "partial_parse.msgpack").exists()
    assert second.exists()  # the command ran against b's own file


def test_each_command_gets_the_project_as_parsed(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A command marks what it compiled in the project it was given (an ephemeral model's CTE as
    already injected): the next command of the process must compile from the parse again."""
    warehouse = tmp_path / "loopkeeper.duckdb"
    compile_links = ["compile", "--select", "int_roadmap_theme_links"]
    for _ in range(2):
        capfd.readouterr()
        run_dbt(compile_links, warehouse=warehouse, as_of=datetime(2026, 11, 9))
        # the ephemeral model reaches its reader as a CTE written into the reader's SQL
        assert "__dbt__cte__int_roadmap_keywords as (" in capfd.readouterr().out


def test_a_new_process_reads_the_parse_back_rather_than_asking_dbt_again(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The parse is kept beside dbt's own (``.dbt/parsed``): the next process's command is the
    only dbt invocation, where dbt's saved parse would cost a `dbt parse` to load and check."""
    warehouse = tmp_path / "loopkeeper.duckdb"
    log = tmp_path / ".dbt" / "logs" / "dbt.log"
    as_of = datetime(2026, 11, 9)
    show = ["show", "--inline", "select 1 as one", "--output", "json"]
    run_dbt(["parse"], warehouse=warehouse, as_of=as_of)
    (saved,) = (tmp_path / ".dbt" / PARSED_FOLDER).glob("*.msgpack")

    def invocations() -> int:
        forget_parsed_projects()  # as a new process starts
        before = log.read_text()
        capfd.readouterr()
        run_dbt(show, warehouse=warehouse, as_of=as_of)
        assert json.loads(capfd.readouterr().out)["show"] == [{"one": 1}]
        return log.read_text()[len(before) :].count("Running with dbt=")

    assert invocations() == 1
    # a file that cannot be read back is parsed again, and kept again
    saved.write_bytes(b"\x00 not a parse")
    assert invocations() == 2
    assert saved.stat().st_size > 100_000
    assert invocations() == 1
