"""Shared fixtures. Prefect's test harness costs ~10 s, so it is one session fixture, opt-in.

The slowest fixtures (whole nightlies) are built in the background: a second process
(``background_worker.py``) runs the builds ``BACKGROUND_BUILDS`` names while this one runs the
other tests, so the suite uses both cores. A build is a function ``(root, built)`` beside the
tests that read it; its fixture asks ``background.result(name)`` for the value it returned. Only
the builds that the collected tests use are started, and those tests run last, when the builds
are most likely done.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# Tests write inbox files just before a nightly reads them: no waiting for files to settle.
os.environ.setdefault("LOOPKEEPER_INBOX_SETTLE_SECONDS", "0")

TESTS = Path(__file__).parent
WORKER = TESTS / "background_worker.py"
# Fixture name -> the build function, in the order the worker runs them.
BACKGROUND_BUILDS = {
    "report_warehouse": "flows/reports/conftest.py::build_report_warehouse",
    "night": "flows/test_nightly.py::build_night",
    "backfill_with_send": "flows/test_nightly.py::build_backfill_with_send",
    "crashes": "flows/test_crash_safety.py::build_crashes",
    "three_nights": "flows/test_record.py::build_three_nights",
}
# A build that has not finished by then is taken as hung (a whole run takes minutes).
BUILD_TIMEOUT_SECONDS = 1800


class BackgroundBuildError(RuntimeError):
    """A background build failed or its worker died; the message carries why."""


class Background:
    """The worker process and the values of the builds it finished."""

    def __init__(self, out: Path, names: list[str]) -> None:
        self.out, self.names, self.values = out, names, dict[str, Any]()
        self.log = out / "worker.log"
        self.process: subprocess.Popen[bytes] | None = None
        if names:
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    [
                        sys.executable,
                        str(WORKER),
                        str(out),
                        *(f"{name}={TESTS / BACKGROUND_BUILDS[name]}" for name in names),
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its Prefect server can be stopped with it
                )

    def result(self, name: str) -> Any:
        """The build's value, waiting for the worker to finish it."""
        if name in self.values:
            return self.values[name]
        assert name in self.names and self.process is not None, f"{name} was not started"
        done, failed = self.out / f"{name}.pickle", self.out / f"{name}.error"
        deadline = time.monotonic() + BUILD_TIMEOUT_SECONDS
        while not done.exists() and not failed.exists():
            if self.process.poll() is not None and not done.exists() and not failed.exists():
                raise BackgroundBuildError(f"the worker exited before {name}:\n{self._log_tail()}")
            if time.monotonic() > deadline:
                raise BackgroundBuildError(f"{name} not built in {BUILD_TIMEOUT_SECONDS} s")
            time.sleep(0.2)
        if failed.exists():
            raise BackgroundBuildError(f"{name} failed in the worker:\n{failed.read_text()}")
        self.values[name] = pickle.loads(done.read_bytes())
        return self.values[name]

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Let a worker that is done exit; stop one still building (the session ended early)."""
        if self.process is None:
            return
        if self.process.poll() is None and self._all_done():  # stopping its Prefect server
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def _all_done(self) -> bool:
        return all(
            (self.out / f"{n}.pickle").exists() or (self.out / f"{n}.error").exists()
            for n in self.names
        )


def _uses_background(item: pytest.Item) -> bool:
    return any(name in BACKGROUND_BUILDS for name in getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that read a background build run last, in their usual order."""
    items[:] = [i for i in items if not _uses_background(i)] + [
        i for i in items if _uses_background(i)
    ]


@pytest.fixture(scope="session", autouse=True)
def background(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Background]:
    used = {n for item in request.session.items for n in getattr(item, "fixturenames", ())}
    worker = Background(
        tmp_path_factory.mktemp("background"), [n for n in BACKGROUND_BUILDS if n in used]
    )
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
