"""Run dbt in-process (start-up is paid once per process, not once per step).

dbt-duckdb can keep the warehouse file open after ``dbtRunner`` returns (dbt-duckdb #616), and
DuckDB allows one writer: ``run_dbt`` closes dbt's connection before handing the file back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


class DbtError(RuntimeError):
    """A dbt command failed; the message lists the failing nodes."""


@dataclass(frozen=True)
class DbtOutcome:
    command: str
    passed: int
    warned: int
    skipped: int


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def run_dbt(
    args: Sequence[str],
    *,
    warehouse: Path,
    as_of: datetime,
    project_dir: Path | None = None,
    target: str = "dev",
    night: date | None = None,
    thresholds: Mapping[str, object] | None = None,
    memory_limit: str | None = None,
    after_notify: bool = False,
) -> DbtOutcome:
    """Run one dbt command against ``warehouse`` judged as of ``as_of``; raise DbtError on failure.

    ``night``: the night being run, whose own messages and escalations (sent after ``as_of``,
    the start of its day) count as done by it (macro ``done_by_night``).
    ``thresholds``: business thresholds set by the deployment (``Settings.dbt_vars``), passed
    as ``--vars`` over dbt_project.yml's defaults; they change only with the settings.
    ``memory_limit``: DuckDB's ``memory_limit`` for the build (``Settings.dbt_memory_limit``);
    None leaves DuckDB's default. It reaches the profile as an environment variable, so it does
    not make dbt parse again either.

    ``after_notify``: the night's build after notify, right after its first marts build: the
    item-grain models compute again only the items notify touched (macros/after_notify.sql).

    The clock goes to dbt as environment variables read only at execution (macro ``as_of``),
    not as ``--vars``: a var that changes makes dbt re-parse the whole project, every night.
    """
    clock = {
        "LOOPKEEPER_AS_OF": as_of.strftime("%Y-%m-%d %H:%M:%S"),
        "LOOPKEEPER_NIGHT": night.isoformat() if night is not None else "",
        "LOOPKEEPER_MARTS_PASS": "after_notify" if after_notify else "",
    }
    from dbt.cli.main import dbtRunner  # slow import (~2 s): only when a step needs dbt

    project = (project_dir or DBT_PROJECT_DIR).resolve()
    work = warehouse.resolve().parent / ".dbt"
    command = [
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target",
        target,
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--quiet",
        "--no-use-colors",
        *(["--vars", json.dumps(dict(thresholds), sort_keys=True)] if thresholds else []),
    ]
    with _env(
        {
            "LOOPKEEPER_WAREHOUSE": str(warehouse.resolve()),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            **clock,
            **({"LOOPKEEPER_DUCKDB_MEMORY_LIMIT": memory_limit} if memory_limit else {}),
        }
    ):
        try:
            result = dbtRunner().invoke(command)
        finally:
            _close_duckdb()
    if result.exception is not None:
        raise DbtError(f"dbt {' '.join(args)} failed: {result.exception}") from result.exception
    nodes: list[Any] = list(getattr(result.result, "results", None) or [])
    statuses = [str(getattr(r, "status", "")) for r in nodes]
    failures = [
        f"{r.node.name}: {r.message}"
        for r in nodes
        if str(getattr(r, "status", "")) in {"error", "fail", "runtime error"}
    ]
    if not result.success or failures:
        raise DbtError(
            f"dbt {' '.join(args)} failed: "
            + "; ".join(failures or ["see dbt logs in " + str(work / "logs")])
        )
    return DbtOutcome(
        command=" ".join(args),
        passed=sum(s in {"success", "pass"} for s in statuses),
        warned=sum(s == "warn" for s in statuses),
        skipped=sum(s == "skipped" for s in statuses),
    )


def _close_duckdb() -> None:
    """Release dbt-duckdb's cached DuckDB handle so the next step can open the file."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter (e.g. a MotherDuck or Postgres target): nothing to close
        return
    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
        DuckDBConnectionManager._ENV = None
