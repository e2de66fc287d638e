"""The dbt project built in-process over the hand-written raw layer (fixtures/raw_layer.sql).

``warehouse`` is one build shared by the tests that only read it; ``dbt`` runs a command against
a warehouse of a test's own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.warehouse.schema import apply_schema

REPO = Path(__file__).resolve().parents[2]
PROJECT_DIR = REPO / "dbt_project"
RAW_ROWS = Path(__file__).parent / "fixtures" / "raw_layer.sql"
AS_OF = "2026-11-10T00:00:00Z"
# What the item-grain models' configs read when dbt parses them.
PASS_VARIABLE = "LOOPKEEPER_MARTS_PASS"


def write_raw_layer(path: Path) -> None:
    """The raw and ops tables with the fixture's rows."""
    con = duckdb.connect(str(path))
    try:
        apply_schema(con)
        con.execute(RAW_ROWS.read_text())
    finally:
        con.close()


def _close_dbt_duckdb() -> None:
    # dbt-duckdb keeps its DuckDB instance open after dbtRunner returns (dbt-duckdb #616); a
    # second connection to the file in this process would be refused until it is closed.
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def project_options(work: Path) -> list[str]:
    """The options that point a dbt command at the project, writing into ``work``."""
    return [
        "--quiet",
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
    ]  # fmt: skip


def run_dbt(command: Sequence[str], warehouse: Path, as_of: str) -> None:
    """One dbt command against ``warehouse`` at ``as_of``; fails with the failing nodes named.

    dbt gets the project as this process (or the session's dbt cache) parsed it, as the flows'
    runner does: in each test's own folder, dbt found no saved parse and parsed it all again
    (2.5-3 s a command). The key names the project's files and what its configs read at parse
    time: the item-grain pass a test may set (dbt_project/macros/item_grain.sql). ``as_of`` is
    read only when executing."""
    from dbt.cli.main import dbtRunner

    from flows.warehouse.dbt import definition, invoke_parsed

    work = warehouse.parent
    options = project_options(work)
    key = (
        "tests/dbt",
        str(PROJECT_DIR),
        definition(PROJECT_DIR),  # a cache kept across sessions sees an edited model
        warehouse.stem,
        os.environ.get(PASS_VARIABLE, ""),
    )
    cache = Path(os.environ.get("LOOPKEEPER_DBT_CACHE_DIR") or work / ".dbt")
    previous = os.environ.get("LOOPKEEPER_WAREHOUSE")
    os.environ["LOOPKEEPER_WAREHOUSE"] = str(warehouse)
    try:
        result = invoke_parsed(
            dbtRunner,
            [*command, *options, "--vars", json.dumps({"as_of": as_of})],
            options,
            key,
            cache,
        )
    finally:
        _close_dbt_duckdb()
        if previous is None:
            os.environ.pop("LOOPKEEPER_WAREHOUSE", None)
        else:
            os.environ["LOOPKEEPER_WAREHOUSE"] = previous
    failures = [
        f"{node.node.name}: {node.message}"
        for node in getattr(result.result, "results", [])
        if node.status in ("error", "fail")
    ]
    assert result.success, f"dbt {' '.join(command)} failed: {result.exception or failures}"


def build_warehouse(folder: Path, as_of: str) -> Path:
    """A warehouse file in ``folder`` with the fixture's raw layer and everything built on it."""
    path = folder / "loopkeeper.duckdb"
    write_raw_layer(path)
    run_dbt(["build"], path, as_of)
    return path


DbtRun = Callable[[Sequence[str], Path, str], None]


@pytest.fixture(scope="session")
def dbt() -> DbtRun:
    return run_dbt


@pytest.fixture(scope="session")
def on_project() -> Callable[..., Any]:
    """A dbt command on the project (``work``, then its arguments), returning what dbt returns
    for it (a parse: the project as parsed; `ls`: the lines it prints)."""

    def invoke(work: Path, *args: str) -> Any:
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke([*args, *project_options(work)])
        assert result.success, f"dbt {' '.join(args)} failed: {result.exception}"
        return result.result

    return invoke


@pytest.fixture(scope="session")
def as_of() -> str:
    """The night the fixture's raw layer is built for."""
    return AS_OF


@pytest.fixture(scope="session")
def raw_layer() -> Callable[[Path], None]:
    return write_raw_layer


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = build_warehouse(tmp_path_factory.mktemp("dbt"), AS_OF)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()
