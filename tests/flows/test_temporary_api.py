"""Prefect's temporary API, started as a command starts (flows/temporary_api.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    get_current_settings,
    temporary_settings,
)

import flows.temporary_api as temporary_api
from flows.temporary_api import TemporaryApiError, prefect_api, start_temporary_api

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_api_set() -> Iterator[None]:
    """No PREFECT_API_URL (the session's test harness sets one), and no server of an earlier
    test; whatever the test starts is stopped after it."""
    earlier = temporary_api._started
    temporary_api._started = None
    try:
        with temporary_settings(restore_defaults={PREFECT_API_URL}):
            yield
    finally:
        if temporary_api._started is not None:
            temporary_api._started.stop()
        if temporary_api._early is not None:
            temporary_api._early[0].stop()
        temporary_api._started, temporary_api._early = earlier, None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"  # not a zombie


RUN_A_FLOW = textwrap.dedent(
    """
    import json, sys
    from flows import temporary_api

    temporary_api.launch_early()  # as the night's commands do, before Prefect is imported
    launched_before_prefect = "prefect" not in sys.modules
    early_pid = temporary_api._early[0].process.pid

    from prefect import flow, get_run_logger
    from prefect.client.orchestration import get_client
    from flows.temporary_api import prefect_api, start_temporary_api

    api = start_temporary_api()

    @flow(name="temporary-api-check")
    def check():
        from prefect.runtime import flow_run

        get_run_logger().info("a line for the API")
        with get_client(sync_client=True) as client:
            return str(client.api_url), flow_run.id

    with prefect_api():
        reported_to, run_id = check()
        with get_client(sync_client=True) as client:
            completed = client.read_flow_run(run_id).state.is_completed()
    print(json.dumps({
        "url": api.url,
        "reported_to": reported_to,
        "server_pid": api.process.pid,
        "early_pid": early_pid,
        "launched_before_prefect": launched_before_prefect,
        "server_package_imported": "prefect.server.api.server" in sys.modules,
        "run_completed": completed,
    }))
    """
)


def _run_script(script: str, **environment: str) -> tuple[subprocess.CompletedProcess[str], Any]:
    """``script`` in a Python process of its own with no API set, as a command starts: its
    process, once it succeeded, and the JSON its last line printed."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PYTHONPATH=str(ROOT), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.update(environment)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done, json.loads(done.stdout.splitlines()[-1])


def test_a_night_reports_to_the_temporary_api_it_started_without_importing_prefects_server() -> (
    None
):
    done, seen = _run_script(RUN_A_FLOW)
    # The flow run reported to the server this process started, and it holds this run, done.
    assert seen["reported_to"].rstrip("/") == seen["url"]
    assert seen["run_completed"] is True
    # The server started before Prefect was imported is the one kept: nothing started twice.
    assert seen["launched_before_prefect"] is True
    assert seen["server_pid"] == seen["early_pid"]
    # Prefect's own way imports the whole server package here before starting it (3-4 s).
    assert seen["server_package_imported"] is False
    # Stopped at exit, after the run's logs were sent: nothing left running, nothing lost.
    assert not alive(seen["server_pid"])
    assert "Error logging to API" not in done.stderr
    assert "Traceback" not in done.stderr


def test_the_temporary_server_skips_registering_block_types_unless_the_environment_asks() -> None:
    """The temporary server starts without registering every installed block type (which
    imports every Prefect integration installed): its defaults, where nothing names them."""
    names = (
        "PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
        "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION",
    )
    assert all(temporary_api.server_environment({}, {})[name] == "false" for name in names)
    # a value the environment or this process's settings give wins, under either of its names
    asked = temporary_api.server_environment({"PREFECT_API_BLOCKS_REGISTER_ON_START": "true"}, {})
    assert asked["PREFECT_API_BLOCKS_REGISTER_ON_START"] == "true"
    assert "PREFECT_SERVER_REGISTER_BLOCKS_ON_START" not in asked
    set_here = temporary_api.server_environment({}, {names[1]: "true"})
    assert set_here[names[1]] == "true" and set_here[names[0]] == "false"


SECRET_THROUGH_THE_API = textwrap.dedent(
    """
    import json
    from flows import temporary_api

    temporary_api.launch_early()
    from prefect.blocks.system import Secret
    from flows.loop.mail import sendgrid_api_key
    from flows.settings.config import load_settings
    from flows.temporary_api import prefect_api

    with prefect_api():
        Secret(value="SG.block-key-id.block-key-secret").save("loopkeeper-sendgrid")
        key = sendgrid_api_key(
            load_settings().with_overrides(sendgrid_secret_block="loopkeeper-sendgrid")
        )
        environ = open(f"/proc/{temporary_api._started.process.pid}/environ", "rb").read()
    print(json.dumps({"key": key, "server_environment": environ.decode().split("\\0")}))
    """
)


def test_a_secret_block_saved_and_loaded_through_the_temporary_api_on_a_fresh_home(
    tmp_path: Path,
) -> None:
    """With no block type registered as the server starts, on a Prefect home of its own (a
    fresh machine's database): a Secret block saved registers its type, and the nightly reads
    the SendGrid key from it."""
    _, seen = _run_script(SECRET_THROUGH_THE_API, PREFECT_HOME=str(tmp_path / "prefect"))
    assert seen["key"] == "SG.block-key-id.block-key-secret"
    assert "PREFECT_SERVER_REGISTER_BLOCKS_ON_START=false" in seen["server_environment"]


def test_with_an_api_set_nothing_is_started_and_the_runs_report_to_it(
    no_api_set: None,
) -> None:
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        assert start_temporary_api() is None
        with prefect_api():
            assert get_current_settings().api.url == "http://127.0.0.1:4200/api"
    assert temporary_api._started is None


def test_a_server_that_never_answers_is_stopped_and_said_in_one_error(
    no_api_set: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "pid"
    never_answers = (
        f"import os, pathlib, time; pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()));"
        " time.sleep(120)"
    )
    monkeypatch.setattr(
        temporary_api, "server_command", lambda port: [sys.executable, "-c", never_answers]
    )

    with (
        temporary_settings(updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 1}),
        pytest.raises(TemporaryApiError, match="did not answer within 1 s: the machine may be"),
        prefect_api(),
    ):
        pytest.fail("the runs went on without an API")

    assert not alive(int(pid_file.read_text()))


def test_a_server_that_exits_before_answering_is_started_again_then_said(
    no_api_set: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = tmp_path / "ports"
    exits = f"import sys; open({str(ports)!r}, 'a').write(sys.argv[1] + '\\n'); sys.exit(3)"
    monkeypatch.setattr(
        temporary_api, "server_command", lambda port: [sys.executable, "-c", exits, str(port)]
    )

    with (
        pytest.raises(TemporaryApiError, match=r"exited 3 times before it answered \(exit code 3"),
        prefect_api(),
    ):
        pytest.fail("the runs went on without an API")

    assert len(ports.read_text().split()) == temporary_api.LAUNCHES


def _sleeping_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that never answers, launched early as from a process yet to import Prefect
    (this one has: a launch there would gain nothing, so none happens)."""
    monkeypatch.setattr(temporary_api, "prefect_imported", lambda: False)
    monkeypatch.setattr(
        temporary_api,
        "server_command",
        lambda port: [sys.executable, "-c", "import time; time.sleep(60)"],
    )


def test_a_server_started_early_is_stopped_when_the_settings_name_an_api(
    no_api_set: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sleeping_server(monkeypatch)
    temporary_api.launch_early()
    assert temporary_api._early is not None
    early = temporary_api._early[0]
    assert early.process is not None and alive(early.process.pid)
    pid = early.process.pid

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        assert start_temporary_api() is None
    assert not alive(pid)
    assert temporary_api._early is None and temporary_api._started is None


def test_a_server_started_early_is_replaced_when_this_process_sets_prefect_settings_itself(
    no_api_set: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started from the environment alone, it lacks what this process set in-process: a server
    started with this process's settings takes its place."""
    _sleeping_server(monkeypatch)
    temporary_api.launch_early()
    assert temporary_api._early is not None
    early = temporary_api._early[0]
    assert early.process is not None
    pid = early.process.pid

    with temporary_settings(updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 7}):
        api = start_temporary_api()
    assert api is not None and api is not early
    assert api.environment["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "7"
    assert api.process is not None and alive(api.process.pid)
    assert not alive(pid)


def test_nothing_is_launched_early_once_prefect_is_imported(no_api_set: None) -> None:
    """The test harness's API is set inside the process, where no variable shows it: a command
    run from such a process starts nothing it would have to stop."""
    temporary_api.launch_early()
    assert temporary_api._early is None
