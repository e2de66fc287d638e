"""What a run can check before the data work is checked first, each failure one line: the
sender and its key, and the Prefect API it reports to (the run lock: test_run_lock.py)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    temporary_settings,
)
from typer.testing import CliRunner

from flows.commands.cli import app
from tests.flows.conftest import own_folders


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("command", "env", "said"),
    [
        pytest.param(
            "nightly",
            {"LOOPKEEPER_MAIL_SENDER": "sendgrid"},
            "SENDGRID_API_KEY is not set",
            id="sendgrid without a key",
        ),
        pytest.param(
            "nightly",
            {"LOOPKEEPER_MAIL_SENDER": "sendgrid", "SENDGRID_API_KEY": "not-a-key"},
            "does not start with 'SG.'",
            id="a key that is no SendGrid key",
        ),
        pytest.param(
            "nightly",
            {"PREFECT_API_URL": "http://127.0.0.1:{port}/api"},
            "(PREFECT_API_URL) does not answer",
            id="a stopped Prefect server",
        ),
        pytest.param(
            "backfill",
            {"PREFECT_API_URL": "http://127.0.0.1:{port}/api"},
            "(PREFECT_API_URL) does not answer",
            id="backfill, a stopped Prefect server",
        ),
        pytest.param(
            "backfill --send",
            {"LOOPKEEPER_MAIL_SENDER": "sendgrid"},
            "SENDGRID_API_KEY is not set",
            id="backfill sending, sendgrid without a key",
        ),
    ],
)
def test_a_run_that_cannot_finish_stops_in_one_line_before_any_data_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, env: dict[str, str], said: str
) -> None:
    import flows.backfill
    import flows.nightly

    started: list[str] = []
    monkeypatch.setattr(flows.nightly, "nightly", lambda **_: started.append("nightly"))
    monkeypatch.setattr(flows.backfill, "backfill", lambda **_: started.append("backfill"))
    monkeypatch.delenv("SENDGRID_API_KEY", raising=False)
    api = {}
    for name, value in env.items():
        if name == "PREFECT_API_URL":
            # Prefect reads its environment once, at import: the setting is set as Prefect's.
            api[PREFECT_API_URL] = value.format(port=free_port())
        else:
            monkeypatch.setenv(name, value)
    (tmp_path / "inbox").mkdir()
    name, *flags = command.split()
    if name == "backfill":
        flags += ["--start", "2026-11-01", "--end", "2026-11-02"]
    paths = ["--inbox", str(tmp_path / "inbox"), "--warehouse", str(tmp_path / "wh" / "lk.duckdb")]

    with temporary_settings(api):
        result = CliRunner().invoke(
            app, [name, *flags, *paths, "--mail-dir", str(tmp_path / "mail")]
        )

    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("error: ") and said in line
    assert started == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["inbox"]


def test_a_temporary_prefect_api_that_never_answers_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.nightly
    import flows.temporary_api

    started: list[str] = []
    monkeypatch.setattr(flows.nightly, "nightly", lambda **_: started.append("nightly"))
    never_answers = [sys.executable, "-c", "import time; time.sleep(120)"]
    monkeypatch.setattr(flows.temporary_api, "server_command", lambda port: never_answers)
    monkeypatch.setattr(flows.temporary_api, "_started", None)
    try:
        # No API set (the session's harness sets one), and one second to answer.
        with temporary_settings(
            updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 1},
            restore_defaults={PREFECT_API_URL},
        ):
            result = CliRunner().invoke(app, ["nightly", *own_folders(tmp_path)])
    finally:
        if flows.temporary_api._started is not None:
            flows.temporary_api._started.stop()

    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("error: Prefect's temporary API server did not answer within 1 s")
    assert "PREFECT_API_URL" in line
    assert started == []
