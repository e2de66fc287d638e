"""Prefect's temporary API for a command's flow runs, started as the command starts.

With no ``PREFECT_API_URL``, Prefect starts a temporary local API server when the first flow run
begins: it imports its whole server package in the calling process (3-4 s on the 2-core
machine), then starts the server's own process, which imports it all again before it answers
(4 s more). Every night waited that long before its first step, whatever it had to do. Started
here as the command starts, the server's process comes up on the other core while this one
imports the night's modules, and the calling process never imports the server package.

It is the server Prefect would start: its app factory served by uvicorn in Prefect's temporary
mode (no UI, no background services, the same database), given the settings of this process as
Prefect gives them. It stops when the process exits, after Prefect has sent the runs' last logs
and events (those drain before exit handlers run), as Prefect's own does. With an API set
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
from collections.abc import Iterator
from contextlib import contextmanager, suppress

# How Prefect runs its temporary server: no UI, and the server's temporary mode.
_TEMPORARY_MODE = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}
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
        from prefect.logging import get_logger
        from prefect.logging.configuration import ensure_logging_setup

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.launches += 1
        ensure_logging_setup()  # as `import prefect` does: the line shows before any flow run
        get_logger("temporary_api").info("Starting Prefect's temporary API on %s", self.url)
        self.process = subprocess.Popen(
            server_command(self.port), env={**os.environ, **self.environment, **_TEMPORARY_MODE}
        )

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


def start_temporary_api() -> TemporaryApi | None:
    """Start Prefect's temporary API now, unless the runs have an API (``PREFECT_API_URL``) or
    temporary servers are off; once per process (a server already started is reused)."""
    global _started
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return None
    if _started is None or not _started.running:
        _started = TemporaryApi(settings.to_environment_variables(exclude_unset=True))
        atexit.register(_started.stop)
    return _started


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
