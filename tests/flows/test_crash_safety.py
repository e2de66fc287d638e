"""The nightly SIGKILLed at 20 moments, then run to the end: the same night as an uninterrupted
run, no email written twice, nothing left for a person to decide (the file sender settles).

Each run is a subprocess in its own process group. It runs the nightly's stages (``run_night``,
with each Prefect task's function called directly: twenty temporary Prefect servers would cost
minutes and test nothing of ours) and, at the moment chosen for it, prints where it is and
waits; the test then SIGKILLs the whole group, dbt threads included. Kills inside delivery re-run
the nightly's notify stage alone (queue and deliver, on the working copy, under the run lock),
which is what a re-run does after the stages it repeats without sending anything; the last run
is a whole night again.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.commands.status import render_status
from flows.warehouse.publish import work_path
from notifications import CUSTOMER_KINDS

NIGHT = "2026-11-16"  # the night the shared "night" build ran (tests/flows/conftest.py)

# Where a run stops for its kill: "<hook>:<n>" is the n-th time the run reaches the hook.
DRIVER = r"""
import os, sys, threading, time
from datetime import date
from pathlib import Path

import flows.warehouse.publish as publish
from flows.settings.clock import as_of_for
from flows.settings.config import load_settings
from notifications import FileSender, Outbox, SendGridSender

mode, inbox, warehouse, mail = sys.argv[1], *map(Path, sys.argv[2:5])
at = os.environ.get("CRASH_AT", "")
reached: dict[str, int] = {}


def hit(hook: str, *, wait: bool = True) -> None:
    reached[hook] = reached.get(hook, 0) + 1
    if f"{hook}:{reached[hook]}" == at:
        print(f"AT {at}", flush=True)
        while wait:
            time.sleep(1)  # the test's SIGKILL ends this


def before(hook, function):
    def wrapped(*args, **kwargs):
        hit(hook)
        return function(*args, **kwargs)
    return wrapped


def after(hook, function):
    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        hit(hook)
        return result
    return wrapped


def while_running(hook, function):
    # Killed half a second into the stage, with dbt at work.
    def wrapped(*args, **kwargs):
        threading.Timer(0.5, hit, [hook], {"wait": False}).start()
        return function(*args, **kwargs)
    return wrapped


publish._fsync = after("fsync", publish._fsync)  # the first: the copy staged, not yet renamed
Outbox.claim = after("claim", Outbox.claim)  # claimed and committed, nothing sent
Outbox.record = after("record", Outbox.record)  # a batch's outcomes committed
FileSender.send = after("send", FileSender.send)  # the .eml written, its outcome not recorded
SendGridSender.send = after("send", SendGridSender.send)  # accepted, its outcome not recorded

settings = load_settings().with_overrides(inbox=inbox, warehouse=warehouse, mail_dir=mail)
night = date.fromisoformat(os.environ["NIGHT"])
if mode == "night":
    from prefect.logging import disable_run_logger

    import flows.nightly as nightly
    import flows.tasks as tasks

    for stage in ("extract_source", "validate_loaded", "tag_new", "notify"):
        setattr(nightly, stage, before(stage, getattr(tasks, stage).fn))
    nightly.build_staging = while_running("in_stage", tasks.build_staging.fn)
    nightly.build_marts = while_running("in_marts", tasks.build_marts.fn)
    nightly.build_marts_after_notify = while_running(
        "in_marts", tasks.build_marts_after_notify.fn
    )
    nightly.write_reports = before("reports", nightly.write_reports)
    with disable_run_logger():
        nightly.run_night(settings, night)
else:  # the notify stage alone, as run_night runs it, without importing Prefect
    from flows.loop.run import notify_tonight

    with publish.night_lock(settings):
        work = publish.work_path(settings.warehouse, settings.work_dir)
        notify_tonight(settings.with_overrides(warehouse=work), night, as_of_for(night, settings.timezone))
print("DONE", flush=True)
"""

# Seven moments over the stages, twelve inside delivery, one while publishing: twenty.
STAGE_KILLS = [
    "extract_source:2",
    "extract_source:5",
    "validate_loaded:1",
    "in_stage:1",
    "tag_new:1",
    "in_marts:1",
    "notify:1",
]
DELIVERY_KILLS = 12
LATE_KILLS = ["fsync:1"]
SENDGRID_KILLS = 6
SENDGRID_KEY = "SG.crash-test-key-id.crash-test-key-secret"


def delivery_kill(number: int, left: int) -> str:
    """Where the ``number``-th kill inside delivery lands, with ``left`` messages to deliver:
    just after a claim is committed, or just after the k-th .eml is written but before its
    outcome is recorded, always leaving one to deliver; the last, after a batch is recorded."""
    if number == DELIVERY_KILLS - 1:
        return "record:1"
    choices = ["claim:1", *(f"send:{k}" for k in (1, 2, 3) if k < left)]
    return choices[number % len(choices)]


def left_to_deliver(work: Path) -> int:
    [(left,)] = query(
        work, "select count(*) from ops.outbox where status in ('pending', 'claimed')"
    )
    return int(left)


def run(mode: str, paths: dict[str, Path], at: str = "", **env_vars: str) -> bool:
    """One run, SIGKILLed (group and all) when it reports reaching ``at``; whether it was."""
    env = {
        **os.environ,
        "CRASH_AT": at,
        "NIGHT": NIGHT,
        "LOOPKEEPER_CONFIG": os.devnull,
        **env_vars,
    }
    args = [
        sys.executable,
        "-c",
        DRIVER,
        mode,
        *(str(paths[k]) for k in ("inbox", "warehouse", "mail")),
    ]
    process = subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("AT "):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
    error = process.stderr.read() if process.stderr else ""
    assert process.wait() == 0, f"{mode} run at {at or 'the end'} failed:\n{error[-3000:]}"
    return False


def eml_files(mail: Path) -> dict[str, int]:
    """Each .eml by name with its inode: a file written again gets a new one (rename)."""
    return {path.name: path.stat().st_ino for path in mail.glob("*.eml")}


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


class StandIn(ThreadingHTTPServer):
    """SendGrid's mail/send on 127.0.0.1: accepts everything, remembers every key it accepted."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, str]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                args = body["custom_args"]
                stand_in.accepted.append((args["loopkeeper_key"], args["kind"]))
                self.send_response(202)
                self.send_header("X-Message-Id", f"sg-{len(stand_in.accepted)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def sendgrid_chain(paths: dict[str, Path]) -> dict[str, Any]:
    """Kills inside delivery through SendGrid, which cannot say afterwards whether a request
    arrived, then a delivery to the end: what the stand-in accepted and what the outbox says."""
    server = StandIn()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "LOOPKEEPER_MAIL_SENDER": "sendgrid",
        "LOOPKEEPER_SENDGRID_HOST": f"http://127.0.0.1:{server.server_address[1]}",
        "SENDGRID_API_KEY": SENDGRID_KEY,
    }
    work = work_path(paths["warehouse"])
    kills = []
    try:
        for number in range(SENDGRID_KILLS):
            # One message per kill at most, so the night's few messages last every kill.
            at = delivery_kill(number, min(left_to_deliver(work), 2))
            if run("deliver", paths, at, **env):
                kills.append(at)
        finished = not run("deliver", paths, **env)
    finally:
        server.shutdown()
        server.server_close()
    return {
        "kills": kills,
        "finished": finished,
        "accepted": server.accepted,
        "rows": query(work, "select message_key, status from ops.outbox"),
    }


def build_crashes(root: Path, write_inbox: Callable[[Path], object]) -> dict[str, Any]:
    """The kill chains on the "night" build's inbox, written afresh (the same files), so that
    they start without waiting for that build: they take minutes of subprocesses."""
    paths = {"inbox": root / "inbox", "warehouse": root / "wh" / "lk.duckdb", "mail": root / "mail"}
    write_inbox(paths["inbox"])
    started = time.monotonic()
    kills: list[str] = []
    seen: dict[str, int] = {}
    rewritten: list[tuple[int, str]] = []  # (after how many kills, .eml written again)

    def look_at_the_mail() -> None:
        now = eml_files(paths["mail"])
        rewritten.extend(
            (len(kills), name) for name, inode in seen.items() if now.get(name) != inode
        )
        seen.update(now)

    def chain(mode: str, at: str) -> None:
        if run(mode, paths, at):
            kills.append(at)
        look_at_the_mail()

    for at in STAGE_KILLS:
        chain("night", at)
    # Every stage done, nothing queued: a copy goes through SendGrid's delivery below.
    shutil.copytree(paths["warehouse"].parent, root / "wh-sendgrid")
    work = work_path(paths["warehouse"])
    for number in range(DELIVERY_KILLS):
        chain("deliver", delivery_kill(number, left_to_deliver(work)))
    for at in LATE_KILLS:
        chain("night", at)
    finished = not run("night", paths)  # the whole night, to the end
    look_at_the_mail()
    published = paths["warehouse"]
    sendgrid = sendgrid_chain({**paths, "warehouse": root / "wh-sendgrid" / "lk.duckdb"})
    return {
        "kills": kills,
        "finished": finished,
        "rewritten": rewritten,
        "emls": sorted(seen),
        # Half-written .eml files a kill left: the whole night's delivery removes them.
        "leftovers": sorted(p.name for p in paths["mail"].glob(".*.eml.tmp")),
        "items": query(published, SQL_ITEMS),
        "outbox": query(published, SQL_OUTBOX),
        "status": render_status(published, work),
        "sendgrid": sendgrid,
        "seconds": time.monotonic() - started,
    }


SQL_ITEMS = "select item_id, intents, sentiment, product_area from marts.fct_feedback order by all"
SQL_OUTBOX = "select message_key, kind, to_email, status, error from ops.outbox order by all"


@pytest.fixture(scope="session")  # as `night` is: set up before it when a test reads both
def crashes(
    shared: Any, night_inbox: Callable[[Path], object], request: pytest.FixtureRequest
) -> dict[str, Any]:
    # The runs call the stages' functions without Prefect: no harness to start.
    return shared.get(
        "crashes", lambda root: build_crashes(root, night_inbox), request, prefect=False
    )


@pytest.mark.slow
def test_twenty_kills_then_a_whole_night_equal_an_uninterrupted_night(
    crashes: dict[str, Any], night: tuple[Any, ...]
) -> None:
    kills = crashes["kills"]
    delivery_kills = [at for at in kills if at.split(":")[0] in {"claim", "send", "record"}]
    assert len(kills) == 20 and len(delivery_kills) >= 8, kills
    assert crashes["finished"]
    assert crashes["rewritten"] == []  # no .eml written twice, whatever the kill
    assert crashes["emls"] == night[5]  # the same .eml files as the uninterrupted night
    assert crashes["leftovers"] == []
    baseline = night[1]["warehouse"]
    assert crashes["items"] == query(baseline, SQL_ITEMS)
    outbox = crashes["outbox"]
    assert [row[:4] for row in outbox] == [row[:4] for row in query(baseline, SQL_OUTBOX)]
    waiting = [
        row
        for row in outbox
        if row[3] not in ("sent", "pending") and not (row[4] or "").startswith("suppressed:")
    ]
    assert waiting == []  # the file sender settles every claim a kill left
    assert not any("wait for a decision" in line for line in crashes["status"])
    delivered = sum(row[3] == "sent" for row in outbox)
    print(
        f"\ncrash test: {len(kills)} kills ({len(delivery_kills)} inside delivery),"
        f" {delivered} messages delivered once each, {len(waiting)} left for a decision,"
        f" {crashes['seconds']:.0f} s with the SendGrid chain"
    )


@pytest.mark.slow
def test_kills_inside_sendgrid_delivery_leave_at_most_the_message_in_flight(
    crashes: dict[str, Any],
) -> None:
    sendgrid = crashes["sendgrid"]
    assert len(sendgrid["kills"]) == SENDGRID_KILLS and sendgrid["finished"]
    customer = [key for key, kind in sendgrid["accepted"] if kind in CUSTOMER_KINDS]
    assert len(customer) == len(set(customer)), "a customer email was sent twice"
    rows = sendgrid["rows"]
    waiting = [key for key, status in rows if status == "unknown"]
    assert 0 < len(waiting) <= SENDGRID_KILLS  # at most the message in flight per kill
    assert all(status in ("sent", "unknown") for _, status in rows)
    # Sent is what SendGrid accepted; unknown is what a kill interrupted, accepted or not.
    accepted = {key for key, _ in sendgrid["accepted"]}
    assert {key for key, status in rows if status == "sent"} <= accepted
    print(
        f"\ncrash test (SendGrid): {SENDGRID_KILLS} kills inside delivery, {len(accepted)}"
        f" messages accepted, none twice, {len(waiting)} left for a decision"
    )
