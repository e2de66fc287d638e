"""The loop with Slack and a webhook configured: every CSM alert and the escalation also go to
chat, the email side is what it is without chat, and the same night again posts nothing."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from flows.commands.status import render_status
from flows.loop.outcome import LoopOutcome
from flows.loop.run import close_the_loop
from flows.warehouse.connection import open_warehouse
from notifications import (
    EmailMessage,
    FileSender,
    OutboxRow,
    SenderIdentity,
)
from notifications.chat import ChatRoutes
from tests.flows.loop.conftest import exports_policy

FIRST = date(2026, 11, 16)
AS_OF = datetime(2026, 11, 16, tzinfo=UTC).replace(tzinfo=None)
WIKI = "https://wiki.example.com/cs/escalations"
IDENTITY = SenderIdentity(
    team_name="Customer Success",
    from_email="success@loopkeeper-demo.io",
    reply_to="success@loopkeeper-demo.io",
    product_name="Loopkeeper Demo",
)


class Recording:
    """Stands in for a chat sender (the HTTP side is tests/notifications'): keeps each row."""

    def __init__(self) -> None:
        self.rows: list[OutboxRow] = []

    def send(self, message: EmailMessage | OutboxRow) -> str:
        assert isinstance(message, OutboxRow)
        self.rows.append(message)
        return f"recorded:{len(self.rows)}"


@dataclass
class ChatNight:
    first: LoopOutcome
    again: LoopOutcome
    rows: list[dict[str, Any]]
    slack: Recording
    webhook: Recording
    posted_after_first: int
    warehouse: Path


@pytest.fixture(scope="module")
def chat_night(nights: Any, tmp_path_factory: pytest.TempPathFactory) -> ChatNight:
    root = tmp_path_factory.mktemp("chat")
    warehouse = root / "loopkeeper.duckdb"
    shutil.copyfile(nights.built_first, warehouse)
    policy = exports_policy(
        root / "escalations",
        chat=ChatRoutes(slack_team=True, webhook=True, escalation_url_base=WIKI),
    )
    slack, webhook = Recording(), Recording()

    def run() -> LoopOutcome:
        with open_warehouse(warehouse) as con:
            return close_the_loop(
                con,
                as_of=AS_OF,
                run_date=FIRST,
                policy=policy,
                identity=IDENTITY,
                sender=FileSender(root / "mail"),
                chat_senders=[("slack", slack), ("webhook", webhook)],
            )

    first = run()
    posted = len(slack.rows) + len(webhook.rows)
    again = run()
    with open_warehouse(warehouse) as con:
        cursor = con.execute(
            "select message_key, channel, kind, to_email, status, theme_key, body_text"
            " from ops.outbox order by message_key"
        )
        names = [column[0] for column in cursor.description or []]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return ChatNight(first, again, rows, slack, webhook, posted, warehouse)


def test_the_emails_are_the_same_as_without_chat(nights: Any, chat_night: ChatNight) -> None:
    emails = {row["message_key"] for row in chat_night.rows if row["channel"] == "email"}
    assert emails == {row["message_key"] for row in nights.outbox_after_first}
    assert chat_night.first.queued == nights.first.queued  # copies are not counted as emails


def test_every_csm_alert_and_only_those_get_one_slack_and_one_webhook_copy(
    chat_night: ChatNight,
) -> None:
    by_kind: dict[str, Counter[str]] = {}
    for row in chat_night.rows:
        by_kind.setdefault(row["kind"], Counter())[row["channel"]] += 1
    for kind in ("handoff", "stale_digest", "at_risk_alert"):
        emails = by_kind[kind]["email"]
        assert emails > 0 and by_kind[kind] == Counter(email=emails, slack=emails, webhook=emails)
    assert by_kind["acknowledgment"] == Counter(email=by_kind["acknowledgment"]["email"])
    assert by_kind["escalation"] == Counter(slack=1, webhook=1)


def test_the_escalation_links_its_document_in_slack(chat_night: ChatNight) -> None:
    (row,) = [r for r in chat_night.rows if r["kind"] == "escalation" and r["channel"] == "slack"]
    payload = json.loads(row["body_text"])
    (button,) = next(b for b in payload["blocks"] if b["type"] == "actions")["elements"]
    assert row["theme_key"] == "exports" and row["to_email"] == "slack:team"
    assert button["url"].startswith(f"{WIKI}/escalation-exports-")
    assert payload["text"] == "Escalated to product: Export timeouts"


def test_each_channel_is_sent_by_its_own_sender_once(chat_night: ChatNight) -> None:
    chat = [row for row in chat_night.rows if row["channel"] != "email"]
    assert {row["status"] for row in chat_night.rows} == {"sent"}
    assert sorted(r.message_key for r in chat_night.slack.rows) == sorted(
        row["message_key"] for row in chat if row["channel"] == "slack"
    )
    assert {r.channel for r in chat_night.webhook.rows} == {"webhook"}
    assert chat_night.posted_after_first == len(chat)


def test_the_same_night_again_queues_and_posts_nothing(chat_night: ChatNight) -> None:
    assert chat_night.again.queued == 0
    assert [report.sent for _, report in chat_night.again.chat_deliveries] == [0, 0]
    assert len(chat_night.slack.rows) + len(chat_night.webhook.rows) == (
        chat_night.posted_after_first
    )


def test_the_summary_has_a_line_per_chat_channel(chat_night: ChatNight) -> None:
    slack = sum(row["channel"] == "slack" for row in chat_night.rows)
    lines = chat_night.first.lines()
    assert f"  slack:           {slack} sent, 0 parked, 0 unknown, 0 alerts sent again" in lines
    assert any(line.startswith("  webhook:         ") for line in lines)


def test_status_counts_chat_copies_apart_from_their_emails(chat_night: ChatNight) -> None:
    alerts = sum(row["kind"] == "at_risk_alert" for row in chat_night.rows) // 3
    lines = render_status(chat_night.warehouse)
    for label in ("at_risk_alert   ", "at_risk_alert (slack)", "at_risk_alert (webhook)"):
        (line,) = [line for line in lines if line.startswith(f"  {label} sent")]
        assert line.split()[-1] == str(alerts)
