"""prefect.yaml served for real, as the README's "Running on a schedule" does it: a Prefect
server of its own (own PREFECT_HOME, a free port), the process work pool, `prefect deploy
--all`, a process worker, and a run of the nightly deployment, whose outputs are checked.

Slow (a server start, four CLI calls and one whole nightly in a worker's subprocess): marked
so, and started first (tests/conftest.py's UNITS).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.demo import generate_inbox

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(REPO / ".venv" / "bin" / "prefect")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(api: str, server: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "the Prefect server exited"
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"no Prefect server answered at {api} within {seconds:g} s")


def prefect(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    result = subprocess.run(
        [PREFECT, "--no-prompt", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"prefect {' '.join(args)}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
    )
    return result.stdout


@pytest.mark.slow
def test_the_nightly_deployment_runs_on_a_served_prefect(tmp_path: Path) -> None:
    yesterday = date.today() - timedelta(days=1)
    generate_inbox(tmp_path / "inbox", accounts=8, days=4, end=yesterday, seed=5)
    api = f"http://127.0.0.1:{free_port()}/api"
    # The README's two exports, and where this run's data goes (the worker's flow runs read
    # loopkeeper.toml in LOOPKEEPER_HOME and these LOOPKEEPER_* overrides).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "LOOPKEEPER_"))
    } | {
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",  # nobody looks: no UI to build into PREFECT_HOME
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # the worker picks the run up at once (default 10)
        "DO_NOT_TRACK": "1",
        "LOOPKEEPER_HOME": str(REPO),
        "LOOPKEEPER_INBOX": str(tmp_path / "inbox"),
        "LOOPKEEPER_WAREHOUSE": str(tmp_path / "wh" / "loopkeeper.duckdb"),
        "LOOPKEEPER_MAIL_DIR": str(tmp_path / "mail"),
        "LOOPKEEPER_WORK_DIR": str(tmp_path / "work"),
        "LOOPKEEPER_INBOX_SETTLE_SECONDS": "0",
    }
    host, port = api.removeprefix("http://").removesuffix("/api").split(":")
    with (
        (tmp_path / "server.log").open("wb") as server_log,
        (tmp_path / "worker.log").open("wb") as worker_log,
    ):
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", host, "--port", port],
            cwd=tmp_path,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        worker = None
        try:
            wait_until_healthy(api, server, 120)
            prefect(env, "work-pool", "create", "loopkeeper", "--type", "process")
            prefect(env, "deploy", "--all")
            worker = subprocess.Popen(
                [PREFECT, "worker", "start", "--pool", "loopkeeper"],
                cwd=tmp_path,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
            watched = prefect(
                env,
                "deployment",
                "run",
                "loopkeeper-nightly/nightly",
                "--watch",
                "--watch-interval",
                "1",
                "--watch-timeout",
                "240",
                timeout=300,
            )
        finally:
            for process in (worker, server):
                if process is not None:
                    process.terminate()
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
    assert "Completed" in watched, watched + (tmp_path / "worker.log").read_text(errors="replace")
    warehouse = tmp_path / "wh" / "loopkeeper.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(items,)] = con.execute("select count(*) from marts.fct_feedback").fetchall()
        [(queued,)] = con.execute("select count(*) from ops.outbox").fetchall()
    assert items > 0 and queued > 0
    assert list((tmp_path / "mail").glob("*.eml"))
