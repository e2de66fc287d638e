"""A delivery SIGKILLed after Slack received an alert and before the outbox recorded it: the
next pass posts that alert once more (alerts are at least once), and nothing else twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from flows.warehouse.schema import apply_schema
from notifications import (
    AccountHealth,
    AtRiskSignal,
    Outbox,
    SenderIdentity,
    compose_at_risk_alert,
    deliver,
)
from notifications.chat import ChatRoutes
from notifications.chat_senders import SlackSender

SLACK_PATH = "/services/T0LOOPKEEP/B0CRASH/k1ll3dMidSend"
DRIVER = """
import os, sys
import duckdb
from notifications import Outbox, deliver
from notifications.chat_senders import SlackSender

with duckdb.connect(sys.argv[1]) as con:
    deliver(Outbox(con), SlackSender({"slack:team": os.environ["SLACK_URL"]}), channel="slack")
"""


def test_a_kill_between_post_and_record_posts_that_alert_once_more_and_nothing_else_twice(
    tmp_path: Path, stand_in: Any, sender_identity: SenderIdentity
) -> None:
    warehouse = tmp_path / "outbox.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        outbox = Outbox(con, chat=ChatRoutes(slack_team=True))
        apply_schema(con)
        outbox.enqueue([alert(n, sender_identity) for n in range(3)], date(2026, 11, 22))
    driver: dict[str, subprocess.Popen[bytes]] = {}

    def kill_on_second_post(posted: Any) -> None:
        if len(stand_in.posted) == 2:  # Slack has it; the driver has not recorded it
            while "run" not in driver:
                time.sleep(0.01)
            os.kill(driver["run"].pid, signal.SIGKILL)
            driver["run"].wait()

    stand_in.on_post = kill_on_second_post
    driver["run"] = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(warehouse)],
        env={**os.environ, "SLACK_URL": stand_in.url(SLACK_PATH)},
        stderr=subprocess.PIPE,
    )
    driver["run"].wait(timeout=60)
    assert driver["run"].returncode == -signal.SIGKILL
    in_flight = stand_in.posted[1].json()["text"]

    with duckdb.connect(str(warehouse)) as con:
        sender = SlackSender({"slack:team": stand_in.url(SLACK_PATH)})
        after = deliver(Outbox(con), sender, channel="slack")
        again = deliver(Outbox(con), sender, channel="slack")
        states = con.execute(
            "select status, count(*) from ops.outbox where channel = 'slack' group by 1"
        ).fetchall()

    assert after.reconciled == 1 and after.requeued == 1 and after.sent == 2
    assert again.sent == 0 and states == [("sent", 3)]
    posts = Counter(posted.json()["text"] for posted in stand_in.posted)
    every = Counter(f"At risk: Account {n}" for n in range(3))
    assert posts == every + Counter([in_flight])  # each alert, and the one in flight once more


def alert(n: int, sender: SenderIdentity) -> Any:
    return compose_at_risk_alert(
        AccountHealth(
            account_id=f"A{n}",
            account_name=f"Account {n}",
            tier="SMB",
            arr=20_000.0,
            renewal_date=None,
            csm_name="Dana Whitfield",
            csm_email="dana.whitfield@loopkeeper-demo.io",
        ),
        AtRiskSignal.DETRACTOR,
        sender=sender,
    )
