"""Shared fixtures, and how the suite spreads over the cores (pytest-xdist, ``-n auto``).

The slowest fixtures are whole nightlies. Each is a *shared build*: a function ``(root) -> value``
beside the tests that read it, run once per session by whichever worker asks first, under a file
lock in the folder all workers share; the others load its pickled value (``SharedBuilds``).

Tests are handed to the workers in units (``UNITS``, xdist's scopes): the tests reading one build
form one unit, and every other module is a unit of its own, so a module fixture is built once.
The slowest units start first and the short ones fill the gaps; a worker is handed its next unit
only when it reaches the last test of the one it has (``SlowestFirst``), so two long units do not
queue on one worker while the other runs out of work.

Prefect's test harness costs ~10 s, so it is one session fixture per worker, opt-in.
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from filelock import FileLock

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# Tests write inbox files just before a nightly reads them: no waiting for files to settle.
os.environ.setdefault("LOOPKEEPER_INBOX_SETTLE_SECONDS", "0")

T = TypeVar("T")

# The units that take longest, slowest first (`pytest --durations`: the night's three runs and
# what reads them, three nights, the kill chains, the analysts' two nights, ...): (group, a
# folder or module of its tests). The tests that read one build belong in one unit; every module
# not named here is a unit of its own, started after these in the order it is collected. Units
# only decide speed: a build read from two units is still made once (SharedBuilds), and the kill
# chains, started after the night's build, find it done when they compare with it.
UNITS: list[tuple[str, str]] = [
    # A Prefect server, a worker and one whole nightly in it (~60-130 s, mostly waiting).
    ("served", "tests/flows/test_served_deployment.py"),
    ("night", "tests/flows/test_nightly.py"),
    ("night", "tests/flows/test_demo_updates.py"),
    ("record", "tests/flows/test_record.py"),
    ("crashes", "tests/flows/test_crash_safety.py"),
    ("analysts", "tests/flows/test_analyst_access.py"),
    # Two nights a year apart on a small company (~80 s): its own unit, so it runs beside reports.
    ("impact", "tests/flows/reports/test_loop_returned.py"),
    # The night `make demo` runs, on its 120 accounts (~40 s).
    ("demo-night", "tests/flows/test_demo_night_truth.py"),
    ("reports", "tests/flows/reports/"),
    ("reports", "tests/test_readme.py"),
    ("dbt-incremental", "tests/dbt/test_incremental.py"),
    ("dbt-warehouse", "tests/dbt/test_marts.py"),
    ("dbt-warehouse", "tests/dbt/test_models.py"),
    ("tag-cluster", "tests/flows/test_tag_cluster.py"),
    ("loop", "tests/flows/loop/"),
]


def unit_of(nodeid: str) -> str:
    """The unit a test belongs to: its entry in ``UNITS``, or its module."""
    module = nodeid.split("::", 1)[0]
    return next((group for group, where in UNITS if module.startswith(where)), module)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest units first, each unit's tests together and in their usual order."""
    rank: dict[str, int] = {}
    for group, _ in UNITS:
        rank.setdefault(group, len(rank))
    first_seen: dict[str, int] = {}
    for n, item in enumerate(items):
        first_seen.setdefault(unit_of(item.nodeid), n)
    items.sort(
        key=lambda i: (rank.get(unit_of(i.nodeid), len(rank)), first_seen[unit_of(i.nodeid)])
    )


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadscope`` (pyproject), by our units rather than by module alone."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SlowestFirst(LoadScopeScheduling):
        """xdist's scope scheduling with ``UNITS`` for scopes, in collection order (slowest
        first), handing a worker its next unit when it reaches its last test rather than its
        last two: a unit of two tests (the crash chains) would otherwise take the next long
        unit with it while the other worker runs out of work. (Not xdist's ``loadgroup``: under
        pytest 9.2 its ``xdist_group`` marks no longer reach the scheduler.)"""

        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

        def _reschedule(self, node: Any) -> None:
            if (
                not node.shutting_down
                and self.workqueue
                and self._pending_of(self.assigned_work[node]) > 1
            ):
                return
            super()._reschedule(node)

    config.option.loadscopereorder = False  # the units in the order the collection put them
    return SlowestFirst(config, log)


class SharedBuildError(RuntimeError):
    """A shared build failed on another worker; the message carries its traceback."""


class SharedBuilds:
    """Builds run once per session across the xdist workers (the pattern xdist documents: a
    file lock in the session's shared temporary folder), and the values already loaded here."""

    def __init__(self, root: Path) -> None:
        self.root, self.values = root, dict[str, Any]()

    def get(
        self, name: str, build: Callable[[Path], T], request: pytest.FixtureRequest, *,
        prefect: bool = True,
    ) -> T:  # fmt: skip
        """The value of ``build(folder)``, built here if no worker has yet; ``prefect`` starts
        this worker's Prefect harness first (only when it builds)."""
        if name not in self.values:
            self.values[name] = self._load_or_build(name, build, request, prefect)
        return self.values[name]  # type: ignore[no-any-return]

    def _load_or_build(
        self, name: str, build: Callable[[Path], Any], request: pytest.FixtureRequest,
        prefect: bool,
    ) -> Any:  # fmt: skip
        done, failed = self.root / f"{name}.pickle", self.root / f"{name}.error"
        with FileLock(self.root / f"{name}.lock"):
            if done.exists():
                return pickle.loads(done.read_bytes())
            if failed.exists():
                raise SharedBuildError(f"{name} failed on another worker:\n{failed.read_text()}")
            if prefect:
                request.getfixturevalue("prefect_harness")
            folder = self.root / name
            folder.mkdir()
            try:
                value = build(folder)
                done.write_bytes(pickle.dumps(value))
            except BaseException:
                failed.write_text(traceback.format_exc())
                raise
            return value


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> SharedBuilds:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # popen-gwN's parent: one folder per session, shared by its workers.
        return SharedBuilds(tmp_path_factory.getbasetemp().parent)
    return SharedBuilds(tmp_path_factory.mktemp("shared"))


@pytest.fixture(scope="session", autouse=True)
def _dbt_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One ``dbt_cache_dir`` for every warehouse the session builds, its workers and their
    subprocesses included: dbt parses the project once per key, not once per warehouse folder
    (5-7 s each), and a night's data tests run as dbt nodes once per key, not on each
    warehouse's first nights. Tests of the default (a warehouse's own folder) call ``run_dbt``
    without it, and a test may set the variable itself."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = tmp_path_factory.getbasetemp().parent
    else:
        root = tmp_path_factory.getbasetemp()
    os.environ.setdefault("LOOPKEEPER_DBT_CACHE_DIR", str(root / "dbt-cache"))


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
