"""A nightly build's data tests in one pass over the warehouse, instead of one dbt node each.

dbt runs each data test as a node of its own: it renders the test's materialization, opens a
cursor, runs the query and fires its events, ~25-50 ms of Python per test whatever the query,
and two threads share one interpreter lock for it. On a small night of the 100,000-item bench
the two marts builds ran 295 tests: 7.5-8 s of their 17.5 s, against ~1 s for the same queries
run one after another on one connection.

A test's SQL is the same every night under one definition: it names relations, columns and
values from the project, not the night. So the first build under a key (the definition and
thresholds, the command and selector, the warehouse's name and the target; not the item-grain
pass, which no test reads: ``flows.warehouse.dbt.run_dbt``) runs its tests as dbt does and
keeps each test's compiled SQL and settings in ``<dbt work folder>/data_tests/`` (or under the
``dbt_cache_dir`` setting's folder, which warehouses may share: the key names no folder).
Later builds under that key build the models only and then run the kept tests here, as dbt's
test materialization runs one (``get_test_sql``: ``fail_calc`` compared with ``warn_if`` and
``error_if``, ``limit``), and judge them as dbt does (``severity``): the same tests, the same
verdicts (pass, warn, fail) and the same messages.

One thing differs: in one dbt build a failing test stops the models built from its model;
here they are built and the failure is reported after them. The build fails either way, naming
the test, and a night that fails publishes nothing.

Nothing is kept, so dbt runs the tests itself every time, when a test cannot be run from its
SQL alone: it stores its failures (``store_failures``), needs a SQL header, or its SQL holds the
night's clock (a test that reads ``as_of`` would be judged at the first night's moment).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

FOLDER = "data_tests"
# Tests run at once, each on its own cursor. DuckDB spreads one query over the cores, but most
# tests are short and partly serial: a million-item night's 563 tests took 8.5-8.9 s one at a
# time, 5.9-6.9 s two at a time, 6.5-7.8 s three at a time.
THREADS = 2
# Keys a folder keeps, newest used first: a warehouse's own needs a few (selectors x item-grain
# passes, and a definition or two before); a folder warehouses share (`dbt_cache_dir`) needs
# theirs too (the test session keeps 23). A key's file is a few KB.
KEPT = 96


@dataclass(frozen=True)
class KeptTest:
    """One data test as dbt compiled and configured it."""

    name: str
    sql: str
    severity: str
    fail_calc: str
    warn_if: str
    error_if: str
    limit: int | None


@dataclass(frozen=True)
class Judged:
    """A kept test's result, as dbt would report it."""

    name: str
    status: str  # "pass", "warn", "fail" or "error", as dbt's TestStatus
    message: str | None


def key_of(parts: Iterable[str]) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def kept_tests(work: Path, key: str) -> list[KeptTest] | None:
    """The tests kept under ``key``, or None when there are none (or unreadable ones)."""
    data = read_kept(work / FOLDER / f"{key}.json")
    try:
        return [KeptTest(**test) for test in json.loads(data or b"")["tests"]]
    except (ValueError, KeyError, TypeError):
        return None


def forget_tests(work: Path, key: str) -> None:
    """Drop the tests kept under ``key``: the next build runs them through dbt, and keeps them."""
    (work / FOLDER / f"{key}.json").unlink(missing_ok=True)


def keep_tests(work: Path, key: str, nodes: Sequence[Any], clock: Sequence[str]) -> bool:
    """Keep the data tests a successful dbt build just ran (its result ``nodes``); False, and
    nothing kept, when one of them cannot be run from its SQL alone (module docstring) or the
    folder cannot be written.

    ``clock``: the night's clock values as the build's macros read them.
    """
    tests: list[KeptTest] = []
    for result in nodes:
        node: Any = getattr(result, "node", None)
        if getattr(node, "resource_type", None) != "test":
            continue
        config = node.config
        sql = getattr(node, "compiled_code", None)
        if (
            str(getattr(result, "status", "")) not in {"pass", "warn"}
            or not sql
            or getattr(config, "store_failures", None)
            or getattr(config, "store_failures_as", None)
            or getattr(config, "sql_header", None)
            or any(value and value in sql for value in clock)
        ):
            return False
        tests.append(
            KeptTest(
                name=node.name,
                sql=sql,
                severity=str(config.severity).upper(),
                fail_calc=config.fail_calc,
                warn_if=config.warn_if,
                error_if=config.error_if,
                limit=config.limit,
            )
        )
    data = json.dumps({"tests": [asdict(test) for test in tests]}).encode()
    return write_kept(work / FOLDER / f"{key}.json", data, KEPT)


def read_kept(path: Path) -> bytes | None:
    """A file ``write_kept`` wrote (None if there is none), marked as just used."""
    try:
        data = path.read_bytes()
        os.utime(path)  # in use: the last to be pruned
    except OSError:
        return None
    return data


def write_kept(path: Path, data: bytes, kept: int) -> bool:
    """Write ``path`` whole or not at all (a reader sees all of it or none), then leave the
    ``kept`` most recently used files of its kind in its folder; False if the folder cannot be
    written, which only costs the next build the work the file would have saved."""
    # a name of this writer's own: two processes sharing the folder may write one key at once
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
        for old in sorted(path.parent.glob(f"*{path.suffix}"), key=_mtime)[:-kept]:
            old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        return False
    return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed by another process sharing the folder
        return 0.0


def run_kept(
    warehouse: Path, tests: Sequence[KeptTest], memory_limit: str | None = None
) -> list[Judged]:
    """Run ``tests`` on ``warehouse`` as dbt's test materialization runs each, on cursors set up
    as the dbt profile sets dbt's (UTC, and the build's memory limit), ``THREADS`` at a time."""
    from flows.warehouse.connection import open_warehouse

    with open_warehouse(warehouse) as con:
        if memory_limit:
            con.execute("set memory_limit = ?", [memory_limit])
        # made here, not in the threads: one connection's methods are not for two threads
        cursors = [con.cursor() for _ in range(THREADS)]
        idle: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        for cursor in cursors:
            cursor.execute("set TimeZone = 'UTC'")
            idle.put(cursor)

        def judge(test: KeptTest) -> Judged:
            cursor = idle.get()
            limit = f"\nlimit {test.limit}" if test.limit is not None else ""
            try:
                row = cursor.execute(
                    f"select {test.fail_calc} as failures,"
                    f" {test.fail_calc} {test.warn_if} as should_warn,"
                    f" {test.fail_calc} {test.error_if} as should_error"
                    f" from (\n{test.sql}{limit}\n) dbt_internal_test"
                ).fetchall()[0]
            except duckdb.Error as exc:  # as dbt reports a test that could not run
                return Judged(test.name, "error", str(exc).splitlines()[0])
            finally:
                idle.put(cursor)
            return _judge(test, int(row[0] or 0), bool(row[1]), bool(row[2]))

        try:
            with ThreadPoolExecutor(THREADS, thread_name_prefix="loopkeeper-data-tests") as pool:
                return list(pool.map(judge, tests))
        finally:
            for cursor in cursors:
                cursor.close()


def _judge(test: KeptTest, failures: int, should_warn: bool, should_error: bool) -> Judged:
    """dbt's verdict (dbt.task.test.TestRunner.build_test_run_result), without --warn-error."""
    results = f"{failures} result{'' if failures == 1 else 's'}"
    if test.severity == "ERROR" and should_error:
        return Judged(test.name, "fail", f"Got {results}, configured to fail if {test.error_if}")
    if should_warn:
        return Judged(test.name, "warn", f"Got {results}, configured to warn if {test.warn_if}")
    return Judged(test.name, "pass", None)
