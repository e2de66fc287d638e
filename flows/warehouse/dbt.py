"""Run dbt in-process (start-up is paid once per process, not once per step).

dbt-duckdb can keep the warehouse file open after ``dbtRunner`` returns (dbt-duckdb #616), and
DuckDB allows one writer: ``run_dbt`` closes dbt's connection before handing the file back.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from flows.warehouse import data_tests

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
# The tables Loopkeeper writes itself, which the models read (flows/warehouse/schema).
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# What dbt and Python write into a project folder when run there by hand (with dotfiles): not
# part of the definition.
NOT_DEFINITION = {"target", "logs", "__pycache__"}


class DbtError(RuntimeError):
    """A dbt command failed; the message lists the failing nodes."""


@dataclass(frozen=True)
class DbtOutcome:
    command: str
    passed: int
    warned: int
    skipped: int
    # int_feedback_items_tagged kept its rows uncompared (``settle_tagged_items``)
    tagged_items_kept: bool = False


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
    incremental: bool = False,
    definition_digest: str | None = None,
    artifacts: bool = False,
    kept_tests: bool = False,
    cache_dir: Path | None = None,
    settle_tagged_items: bool = False,
) -> DbtOutcome:
    """Run one dbt command against ``warehouse`` judged as of ``as_of``; raise DbtError on failure.

    ``night``: the night being run, whose own messages and escalations (sent after ``as_of``,
    the start of its day) count as done by it (macro ``done_by_night``).
    ``thresholds``: business thresholds set by the deployment (``Settings.dbt_vars``), passed
    as ``--vars`` over dbt_project.yml's defaults; they change only with the settings.
    ``memory_limit``: DuckDB's ``memory_limit`` for the build (``Settings.dbt_memory_limit``);
    None leaves DuckDB's default. It reaches the profile as an environment variable, so it does
    not make dbt parse again either.

    ``incremental``: the item-grain tables compute again only the items whose rows can have
    changed since the warehouse's last build (dbt_project/macros/item_grain.sql), when
    ``follows_last_build`` says that build allows it; otherwise, and when False, they are
    rebuilt in full. Asked here, decided here: no caller can update them in place unsafely.
    ``definition_digest``: ``definition(project_dir, thresholds)`` when the caller computed it
    already (it reads every project file).
    ``artifacts``: also write ``manifest.json`` and ``run_results.json`` (``bench --dbt`` reads
    the second). Nothing else reads them, and dbt spends ~1 s of a build serialising them; the
    log file keeps dbt's info lines (each node's result, errors), not every SQL statement at
    debug level, which took another ~0.5 s of a 270-node build. The compiled SQL stays in
    ``target/run``.

    ``kept_tests``: run the data tests from their SQL as the first such build under the same
    definition kept it, in one pass after the models (flows.warehouse.data_tests), not as dbt
    nodes: for the nightly's builds, whose commands are the same every night.
    ``cache_dir``: where the project as parsed and the kept tests are kept between processes
    (``Settings.dbt_cache_dir``); by default the warehouse's own dbt folder (``.dbt`` beside it).
    ``settle_tagged_items``: the command builds ``int_feedback_items_tagged`` (a marts build):
    when it updates in place and that model's inputs are as the last such build under the same
    definition left them, the model keeps its rows without comparing them
    (flows.warehouse.tagged_items_record); a successful build records what it read.

    The clock goes to dbt as environment variables read only at execution (macro ``as_of``),
    not as ``--vars``: a var that changes makes dbt re-parse the whole project, every night.
    """
    project = (project_dir or DBT_PROJECT_DIR).resolve()
    built_under = definition_digest or definition(project, thresholds)
    in_place = incremental and follows_last_build(
        warehouse, as_of=as_of, night=night, definition=built_under
    )
    settled = in_place and settle_tagged_items and _tagged_items_settled(warehouse, built_under)
    if settle_tagged_items and not settled:
        _forget_tagged_items_build(warehouse)
    clock = {
        "LOOPKEEPER_AS_OF": as_of.strftime("%Y-%m-%d %H:%M:%S"),
        "LOOPKEEPER_NIGHT": night.isoformat() if night is not None else "",
        "LOOPKEEPER_MARTS_PASS": "incremental" if in_place else "",
        "LOOPKEEPER_TAGGED_ITEMS_SETTLED": "1" if settled else "",
    }
    from dbt.cli.main import dbtRunner  # slow import (~2 s): only when a step needs dbt

    work = warehouse.resolve().parent / ".dbt"
    options = [
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
        "--log-level-file",
        "info",
        *([] if artifacts else ["--no-write-json"]),
        *(["--vars", json.dumps(dict(thresholds), sort_keys=True)] if thresholds else []),
    ]
    # What a parse reads besides the files and thresholds the definition covers: the database
    # name dbt takes from the file's stem, the profile's memory limit and the pass the item-grain
    # configs read (macros/item_grain.sql). The path itself only reaches the connection.
    compiled_from = (
        str(project),
        built_under,
        target,
        warehouse.stem,
        memory_limit or "",
        json.dumps(dict(thresholds or {}), sort_keys=True, default=str),
    )
    parsed_key = (*compiled_from, clock["LOOPKEEPER_MARTS_PASS"])
    kept = cache_dir.resolve() if cache_dir is not None else work
    # The kept tests' key leaves the pass out: it reaches the item-grain models' configs and SQL,
    # never a test's (tests/dbt/test_kept_tests.py checks the project for it), so the tests the
    # first night keeps serve the incremental nights after it. Under a key of their own, the
    # second night of every warehouse and definition ran its 146 tests as dbt nodes again (its
    # first marts build at a million items: 30.1 s with them, 25.7 s without).
    tests_key = data_tests.key_of([*compiled_from, *_dbt_versions(), *args]) if kept_tests else None
    tests = data_tests.kept_tests(kept, tests_key) if tests_key is not None else None
    command = [*args, *(["--exclude-resource-type", "test"] if tests is not None else []), *options]
    with _env(
        {
            "LOOPKEEPER_WAREHOUSE": str(warehouse.resolve()),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "LOOPKEEPER_DEFINITION": built_under,
            **clock,
            **({"LOOPKEEPER_DUCKDB_MEMORY_LIMIT": memory_limit} if memory_limit else {}),
        }
    ):
        try:
            result = invoke_parsed(dbtRunner, command, options, parsed_key, kept)
        finally:
            _close_duckdb()
    if result.exception is not None:
        raise DbtError(f"dbt {' '.join(args)} failed: {result.exception}") from result.exception
    nodes: list[Any] = list(getattr(result.result, "results", None) or [])
    # models, seeds and tests; a hook (on-run-start) is reported as an operation, not counted
    counted = [
        r for r in nodes if getattr(getattr(r, "node", None), "resource_type", None) != "operation"
    ]
    statuses = [str(getattr(r, "status", "")) for r in counted]
    failures = [
        f"{r.node.name}: {r.message}"
        for r in nodes
        if str(getattr(r, "status", "")) in {"error", "fail", "runtime error"}
    ]
    if tests_key is not None and result.success and not failures:
        if tests is None:
            night_clock = [clock["LOOPKEEPER_AS_OF"], clock["LOOPKEEPER_NIGHT"]]
            data_tests.keep_tests(kept, tests_key, nodes, night_clock)
        else:
            judged = data_tests.run_kept(warehouse, tests, memory_limit)
            statuses += [test.status for test in judged]
            failures += [f"{t.name}: {t.message}" for t in judged if t.status in {"fail", "error"}]
            if any(test.status == "error" for test in judged):  # SQL that no longer runs
                data_tests.forget_tests(kept, tests_key)
    if not result.success or failures:
        raise DbtError(
            f"dbt {' '.join(args)} failed: "
            + "; ".join(failures or ["see dbt logs in " + str(work / "logs")])
        )
    if settle_tagged_items and not settled:
        from flows.warehouse.connection import open_warehouse
        from flows.warehouse.tagged_items_record import record_tagged_items_build

        with open_warehouse(warehouse) as con:
            record_tagged_items_build(con, definition=built_under)
    return DbtOutcome(
        command=" ".join(args),
        passed=sum(s in {"success", "pass"} for s in statuses),
        warned=sum(s == "warn" for s in statuses),
        skipped=sum(s == "skipped" for s in statuses),
        tagged_items_kept=settled,
    )


# Projects this process parsed, newest last, as the parse left them, serialised the way dbt saves
# a parse (msgpack): dbt takes a parsed project back (`dbtRunner(manifest=...)`, its documented
# reuse), so a process's later builds skip loading and checking the saved parse, and a warehouse
# in a new folder (whose profile path differs, so dbt's saved parse does not apply) skips a full
# parse (~3 s) when one of the same name was parsed already. Each command gets a fresh copy: a
# build marks what it compiled in the project it is given (an ephemeral model's CTE as injected),
# which the next must not inherit. (Not pickle or deepcopy: dbt 1.11's Manifest.__reduce_ex__
# leaves out two fields and shifts the rest.)
_PARSED: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
PARSED_KEPT = 4

# The same bytes are kept on disk too (``<cache>/parsed/<key>.msgpack``), so the next night's
# process reads them back (0.2-0.3 s) instead of running `dbt parse` to check its saved parse
# (1.6-1.7 s on the demo's warehouse), and a warehouse sharing the folder (`dbt_cache_dir`)
# skips its full parse (5-7 s). The key is the one above plus the dbt packages' versions, which
# the definition's digest names only in part (the kept tests' key names them too). Files are
# written whole (flows.warehouse.data_tests.write_kept) and one that cannot be read back is
# parsed again.
PARSED_FOLDER = "parsed"
PARSED_ON_DISK = 32  # 2-3 MB each


def forget_parsed_projects() -> None:
    """Forget this process's parses, as a new process starts (those on disk stay)."""
    _PARSED.clear()


def invoke_parsed(
    runner: Any, command: list[str], options: list[str], key: tuple[str, ...], cache: Path
) -> Any:
    """``command`` through dbt with the parse of the project under ``key`` (this process's, else
    the one kept in ``cache``), parsed first (`dbt parse`, which keeps dbt's saved parse up to
    date) when there is none yet. ``key`` names all a parse reads besides what ``options`` say:
    the project's files, vars, and the environment variables its configs read."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumaro_encoder, extended_mashumuro_decoder

    saved = cache / PARSED_FOLDER / f"{data_tests.key_of([*key, *_dbt_versions()])}.msgpack"
    project = None
    blob = _PARSED.get(key)
    if blob is None:
        blob = data_tests.read_kept(saved)
        if blob is not None:
            try:
                project = Manifest.from_msgpack(blob, decoder=extended_mashumuro_decoder)
            except Exception:  # written by another dbt, or damaged: parse again
                blob = None
            else:
                _remember(key, blob)
    if blob is None:
        parsed = runner().invoke(["parse", *options])
        if not parsed.success or parsed.result is None:
            return parsed if command[0] == "parse" else runner().invoke(command)
        blob = parsed.result.to_msgpack(extended_mashumaro_encoder)
        _remember(key, blob)
        data_tests.write_kept(saved, blob, PARSED_ON_DISK)
        if command[0] == "parse":
            return parsed
    else:
        _PARSED.move_to_end(key)
    if project is None:
        project = Manifest.from_msgpack(blob, decoder=extended_mashumuro_decoder)
    return runner(manifest=project).invoke(command)


def _remember(key: tuple[str, ...], blob: bytes) -> None:
    _PARSED[key] = blob
    while len(_PARSED) > PARSED_KEPT:
        _PARSED.popitem(last=False)


@functools.cache
def _dbt_versions() -> tuple[str, ...]:
    return tuple(f"{name} {metadata.version(name)}" for name in ("dbt-core", "dbt-duckdb"))


def definition(project_dir: Path, thresholds: Mapping[str, object] | None = None) -> str:
    """A digest of everything that decides what a build writes besides the data: every file of
    the dbt project, the schema of the tables Loopkeeper writes, the thresholds, and the dbt and
    DuckDB versions. An item-grain table built under another definition is rebuilt in full.
    """
    import dbt.version
    import duckdb

    digest = hashlib.sha256()
    digest.update(json.dumps(dict(thresholds or {}), sort_keys=True, default=str).encode())
    digest.update(f"dbt {dbt.version.__version__} duckdb {duckdb.__version__}".encode())
    files = [
        (f"dbt/{relative.as_posix()}", path)
        for path in project_dir.rglob("*")
        if path.is_file()
        and not NOT_DEFINITION & set((relative := path.relative_to(project_dir)).parts)
        and not any(part.startswith(".") for part in relative.parts)
    ]
    # the DDL only: bytecode beside it comes and goes with how Python was run
    files += [(f"schema/{path.name}", path) for path in SCHEMA_DIR.glob("*.sql")]
    for name, path in sorted(files):
        digest.update(f"\0{name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def follows_last_build(
    warehouse: Path, *, as_of: datetime, night: date | None, definition: str
) -> bool:
    """Whether a build of ``warehouse`` may update the item-grain tables in place: the last build
    ran with the same ``definition``, and neither the clock nor the night went back since.

    False for a warehouse never built, built by hand (no definition recorded) or by an older
    Loopkeeper (no record at all): the build is then a full one, which records it.
    """
    import duckdb

    from flows.warehouse.connection import open_warehouse

    try:
        with open_warehouse(warehouse, read_only=True) as con:
            row = con.execute(
                "select fingerprint, as_of, night from intermediate.int_item_grain_baseline"
                " where kind = 'clock'"
            ).fetchall()
    except (duckdb.Error, FileNotFoundError):  # no warehouse, table or column yet
        return False
    if len(row) != 1:
        return False
    built_with, built_as_of, built_night = row[0]
    if built_with != definition or built_as_of is None or built_as_of > as_of.replace(tzinfo=None):
        return False
    return night is None or built_night is None or built_night <= night


def _tagged_items_settled(warehouse: Path, definition: str) -> bool:
    """Whether int_feedback_items_tagged's inputs are as the last marts build under
    ``definition`` left them (flows.warehouse.tagged_items_record)."""
    import duckdb

    from flows.warehouse.connection import open_warehouse
    from flows.warehouse.tagged_items_record import tagged_items_settled

    try:
        with open_warehouse(warehouse, read_only=True) as con:
            return tagged_items_settled(con, definition)
    except (duckdb.Error, FileNotFoundError):  # no warehouse yet
        return False


def _forget_tagged_items_build(warehouse: Path) -> None:
    import duckdb

    from flows.warehouse.connection import open_warehouse
    from flows.warehouse.tagged_items_record import forget_tagged_items_build

    try:
        with open_warehouse(warehouse) as con:
            forget_tagged_items_build(con)
    except duckdb.CatalogException:  # a warehouse without its schema: nothing recorded
        pass


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
