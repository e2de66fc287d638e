"""Prefect's temporary API for a command's flow runs, started as the command starts.

With no ``PREFECT_API_URL``, Prefect starts a temporary local API server when the first flow run
begins: it imports its whole server package in the calling process (3-4 s on the 2-core
machine), then starts the server's own process, which imports it all again before it answers
(4 s more). Every night waited that long before its first step, whatever it had to do. Started
here as the command starts, the server's process comes up on the other core while this one
imports the night's modules, and the calling process never imports the server package. The
night's commands start it before they import Prefect at all (``launch_early``: ~2 s of imports
here), and keep it once Prefect's settings are read if they would have started it the same.

It is the server Prefect would start: its app factory served by uvicorn in Prefect's temporary
mode (no UI, no background services, the same database), given the settings of this process as
Prefect gives them, and by default without registering block types as it starts
(``_TEMPORARY_DEFAULTS``). It stops when the process exits, after Prefect has sent the runs'
last logs and events (those drain before exit handlers run), as Prefect's own does. With an API set
(``PREFECT_API_URL``: a served deployment, the test harness) or temporary servers turned off,
nothing is started and Prefect does as it always does.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress

# How Prefect runs its temporary server: no UI, and the server's temporary mode.
_TEMPORARY_MODE = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}
# What the temporary server leaves out unless this process's environment sets it (under either
# of Prefect's names): registering every installed block type as it starts. That imports every
# Prefect integration installed (prefect-dask, hence Dask's distributed) and checks their types
# against the database: 0.6 s of every command's start on the 2-core machine (a trivial flow ran
# 5.4 s after the process started with it, 4.8 s without), for runs that need none of it. A
# block saved from Python registers its own type as it is saved (a Secret block holding the
# SendGrid key loads as before: tests/flows/test_temporary_api.py).
_TEMPORARY_DEFAULTS = (
    (("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "PREFECT_API_BLOCKS_REGISTER_ON_START"), "false"),
    (
        (
            "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION",
            "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION",
        ),
        "false",
    ),
)
# A server that exits before it answers (its port taken meanwhile) is started again on another.
LAUNCHES = 3


def server_command(port: int) -> list[str]:
    """The temporary server's process: Prefect's API app, served by uvicorn on ``port``."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]


def server_environment(base: Mapping[str, str], settings: Mapping[str, str]) -> dict[str, str]:
    """The server's environment: ``base`` (this process's), the Prefect ``settings`` this process
    sets, and Prefect's temporary mode, with the temporary server's defaults where neither
    names them."""
    given = {**base, **settings}
    defaults = {
        names[0]: value
        for names, value in _TEMPORARY_DEFAULTS
        if not any(name in given for name in names)
    }
    return {**defaults, **given, **_TEMPORARY_MODE}


class TemporaryApiError(RuntimeError):
    """Prefect's temporary API did not answer; the message says what to do."""


class TemporaryApi:
    """One temporary API server process, started on a free local port."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.answered = False
        self.launches = 0
        self._launch()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _launch(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.launches += 1
        self.process = subprocess.Popen(
            server_command(self.port), env=server_environment(os.environ, self.environment)
        )

    def announce(self) -> None:
        from prefect.logging import get_logger
        from prefect.logging.configuration import ensure_logging_setup

        ensure_logging_setup()  # as `import prefect` does: the line shows before any flow run
        get_logger("temporary_api").info("Starting Prefect's temporary API on %s", self.url)

    def wait(self, timeout: float) -> str:
        """Its URL once its health check answers; TemporaryApiError after ``timeout`` seconds."""
        import httpx

        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=5) as client:
            while not self.answered:
                if self.process is not None and self.process.poll() is not None:
                    if self.launches >= LAUNCHES:
                        raise TemporaryApiError(
                            f"Prefect's temporary API server exited {self.launches} times before"
                            f" it answered (exit code {self.process.returncode}, its errors"
                            " above): point PREFECT_API_URL at a running server"
                        )
                    self._launch()
                    self.announce()
                with suppress(httpx.TransportError):  # not listening yet
                    self.answered = client.get(f"{self.url}/health").status_code == 200
                if not self.answered:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise TemporaryApiError(
                            f"Prefect's temporary API server did not answer within {timeout:g} s:"
                            " the machine may be too busy; retry, raise"
                            " PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or point"
                            " PREFECT_API_URL at a running server"
                        )
                    time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


_started: TemporaryApi | None = None
# A server started before this process imported Prefect (launch_early), with the environment it
# was started from: start_temporary_api takes it over or stops it.
_early: tuple[TemporaryApi, dict[str, str]] | None = None


def prefect_imported() -> bool:
    return "prefect" in sys.modules


def launch_early() -> None:
    """Start the temporary API's process now, before this process imports Prefect (~2 s here):
    from this process's environment, where its settings come from this early. The command's
    Prefect settings decide later (start_temporary_api): the server is kept when they call for
    a temporary API and would start it with the same environment, and stopped otherwise."""
    global _early
    if _early is not None or _started is not None or os.environ.get("PREFECT_API_URL"):
        return
    if prefect_imported():  # nothing to gain: start_temporary_api decides at once
        return
    launched_from = dict(os.environ)
    api = TemporaryApi({})
    atexit.register(api.stop)
    _early = (api, launched_from)


def start_temporary_api() -> TemporaryApi | None:
    """Start Prefect's temporary API now, unless the runs have an API (``PREFECT_API_URL``) or
    temporary servers are off; once per process (a server already started is reused)."""
    global _started, _early
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    early, _early = _early, None
    if settings.api.url or not settings.server.ephemeral.enabled:
        if early is not None:
            early[0].stop()
        return None
    if _started is None or not _started.running:
        wanted = settings.to_environment_variables(exclude_unset=True)
        if early is not None and early[0].running and _same_settings(early[1], wanted):
            _started = early[0]
        else:
            if early is not None:
                early[0].stop()
            _started = TemporaryApi(wanted)
            atexit.register(_started.stop)
        _started.announce()
    elif early is not None:
        early[0].stop()
    return _started


def _same_settings(launched_from: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    """Whether a server started from the environment ``launched_from`` runs with the settings
    this process would give it (``wanted``). Its settings come from its Prefect variables and the
    same files (profiles, .env, prefect.toml), as this process's own do unless this process set
    some itself (``temporary_settings``): the same when the variables have not changed since and
    the settings read afresh from them are ``wanted``."""
    from prefect.settings import Settings

    def prefect_variables(environment: Mapping[str, str]) -> dict[str, str]:
        return {k: v for k, v in environment.items() if k.startswith("PREFECT_")}

    return prefect_variables(launched_from) == prefect_variables(os.environ) and (
        Settings().to_environment_variables(exclude_unset=True) == dict(wanted)
    )


@contextmanager
def prefect_api() -> Iterator[None]:
    """Flow runs inside report to the temporary API this process started (waiting until it
    answers, within Prefect's start-up allowance), or to the API Prefect is set to use."""
    api = start_temporary_api()
    if api is None:
        yield
        return
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_UI_URL,
        get_current_settings,
        temporary_settings,
    )

    url = api.wait(get_current_settings().server.ephemeral.startup_timeout_seconds)
    # No UI is served: no "View at" link to it in the runs' logs.
    with temporary_settings(updates={PREFECT_API_URL: url, PREFECT_UI_URL: ""}):
        yield
