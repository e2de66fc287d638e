"""Chat rows of the outbox delivered to a stand-in Slack / webhook server on 127.0.0.1: what
arrives, what is retried, what is parked, and that a URL is never written down anywhere."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.warehouse.schema import SCHEMA_DIR, apply_schema
from notifications import (
    AccountHealth,
    AtRiskSignal,
    FeedbackItem,
    FileSender,
    Outbox,
    SenderIdentity,
    compose_at_risk_alert,
    deliver,
    install_log_redaction,
)
from notifications.chat import ChatRoutes
from notifications.chat_senders import SlackSender, WebhookSender
from notifications.webhook_signing import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    verify_signature,
)

ItemFactory = Callable[..., FeedbackItem]
RUN_DATE = date(2026, 11, 22)
SLACK_PATH = "/services/T0LOOPKEEP/B0STANDIN/x9Vq2LmZsecretPart7"
HOOK_PATH = "/hooks/loopkeeper/7f3a9c1e-only-we-know"
SECRET = "a-shared-secret-of-32-characters"


def queue_alerts(
    con: duckdb.DuckDBPyConnection,
    sender: SenderIdentity,
    make_item: ItemFactory,
    accounts: int = 1,
    **routes: Any,
) -> Outbox:
    """An outbox holding ``accounts`` at-risk alerts and their chat copies."""
    outbox = Outbox(con, chat=ChatRoutes(**(routes or {"slack_team": True})))
    alerts = [
        compose_at_risk_alert(
            AccountHealth(
                account_id=f"001A00000{n}",
                account_name=f"Northwind {n}",
                tier="Enterprise",
                arr=180_000.0,
                renewal_date=date(2027, 1, 15),
                csm_name="Dana Whitfield",
                csm_email="dana.whitfield@loopkeeper-demo.io",
            ),
            AtRiskSignal.DETRACTOR,
            sender=sender,
            evidence=[make_item(text="Exports time out again.")],
        )
        for n in range(accounts)
    ]
    outbox.enqueue(alerts, RUN_DATE)
    return outbox


def slack(stand_in: Any, sleeps: list[float] | None = None, **options: Any) -> SlackSender:
    return SlackSender(
        {"slack:team": stand_in.url(SLACK_PATH)},
        sleep=(sleeps if sleeps is not None else []).append,
        **options,
    )


def statuses(con: duckdb.DuckDBPyConnection, channel: str) -> list[tuple[str, str | None]]:
    return con.execute(
        "select status, error from ops.outbox where channel = ? order by message_key", [channel]
    ).fetchall()


def test_slack_receives_the_block_kit_message_the_outbox_holds(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(con, sender_identity, make_item)

    report = deliver(outbox, slack(stand_in), channel="slack")

    assert report.sent == 1
    (posted,) = stand_in.posted
    assert posted.path == SLACK_PATH
    stored = con.execute("select body_text from ops.outbox where channel = 'slack'").fetchone()
    assert stored is not None and posted.json() == json.loads(stored[0])
    assert posted.json()["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "At risk: Northwind 0"},
    }
    assert statuses(con, "email") == [("pending", None)]  # the email is its own pass's


def test_the_webhook_signature_verifies_and_a_replay_of_the_same_request_is_rejected(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(con, sender_identity, make_item, webhook=True)

    report = deliver(outbox, WebhookSender(stand_in.url(HOOK_PATH), SECRET), channel="webhook")

    assert report.sent == 1
    (posted,) = stand_in.posted
    headers = {name.lower(): value for name, value in posted.headers.items()}
    timestamp, signature = headers[TIMESTAMP_HEADER.lower()], headers[SIGNATURE_HEADER.lower()]
    verify_signature(SECRET, posted.body, timestamp, signature)
    assert headers[DELIVERY_HEADER.lower()] == posted.json()["id"]
    assert (
        posted.json()["id"]
        == con.execute("select message_key from ops.outbox where channel = 'webhook'").fetchone()[0]
    )  # type: ignore[index]
    with pytest.raises(SignatureError, match="old"):  # the captured request, replayed later
        verify_signature(SECRET, posted.body, timestamp, signature, now=time.time() + 301)


def test_a_429_is_retried_after_the_wait_retry_after_asks(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(con, sender_identity, make_item)
    stand_in.answers = [(429, {"Retry-After": "7"}, "rate_limited")]
    sleeps: list[float] = []

    report = deliver(outbox, slack(stand_in, sleeps), channel="slack")

    assert report.sent == 1 and len(stand_in.posted) == 2
    assert sleeps == [7.0]  # Retry-After, not the 1 s back-off
    assert stand_in.posted[0].body == stand_in.posted[1].body


def test_a_500_then_success_is_sent_after_a_back_off(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(con, sender_identity, make_item, webhook=True)
    stand_in.answers = [(500, {}, "oops"), (502, {}, "bad gateway")]
    sleeps: list[float] = []

    report = deliver(
        outbox,
        WebhookSender(stand_in.url(HOOK_PATH), SECRET, sleep=sleeps.append),
        channel="webhook",
    )

    assert report.sent == 1 and len(stand_in.posted) == 3 and sleeps == [1.0, 5.0]
    assert statuses(con, "webhook") == [("sent", None)]


def test_a_400_is_parked_with_slacks_reason_and_not_retried(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(con, sender_identity, make_item, accounts=2)
    stand_in.answers = [(400, {}, "invalid_blocks")]

    report = deliver(outbox, slack(stand_in), channel="slack")

    assert report.parked == 1 and report.sent == 1 and len(stand_in.posted) == 2
    assert sorted(statuses(con, "slack")) == [
        ("parked", "Slack answered 400: invalid_blocks"),
        ("sent", None),
    ]


def test_slack_down_leaves_its_messages_pending_and_email_still_goes(
    tmp_path: Path,
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(con, sender_identity, make_item, accounts=2)
    stand_in.answers = [(503, {}, "down")] * 4

    chat = deliver(outbox, slack(stand_in), channel="slack")
    email = deliver(outbox, FileSender(tmp_path))

    assert chat.stopped == "Slack answered 503 4 times: left for the next run"
    assert chat.deferred == 2 and len(stand_in.posted) == 4  # the first message, then stop
    assert [status for status, _ in statuses(con, "slack")] == ["pending", "pending"]
    assert email.sent == 2
    assert deliver(outbox, slack(stand_in), channel="slack").sent == 2  # back up: next run


def test_a_retry_after_longer_than_a_minute_waits_for_the_next_run_without_sleeping(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(con, sender_identity, make_item)
    stand_in.answers = [(429, {"Retry-After": "3600"}, "rate_limited")]
    sleeps: list[float] = []

    report = deliver(outbox, slack(stand_in, sleeps), channel="slack")

    assert report.stopped is not None and "asks to wait 3600 s" in report.stopped
    assert sleeps == [] and statuses(con, "slack")[0][0] == "pending"


def test_a_second_pass_and_a_requeue_of_the_same_night_send_nothing_new(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(
        con, sender_identity, make_item, accounts=3, slack_team=True, webhook=True
    )
    deliver(outbox, slack(stand_in), channel="slack")
    deliver(outbox, WebhookSender(stand_in.url(HOOK_PATH), SECRET), channel="webhook")
    assert len(stand_in.posted) == 6

    queue_alerts(con, sender_identity, make_item, accounts=3, slack_team=True, webhook=True)
    again = [
        deliver(outbox, slack(stand_in), channel="slack"),
        deliver(outbox, WebhookSender(stand_in.url(HOOK_PATH), SECRET), channel="webhook"),
    ]

    assert [report.sent for report in again] == [0, 0] and len(stand_in.posted) == 6


def test_a_webhook_that_times_out_after_the_request_left_is_sent_again_next_pass(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
) -> None:
    outbox = queue_alerts(con, sender_identity, make_item, webhook=True)
    stand_in.on_post = lambda posted: time.sleep(0.6) if len(stand_in.posted) == 1 else None

    first = deliver(
        outbox, WebhookSender(stand_in.url(HOOK_PATH), SECRET, timeout=0.3), channel="webhook"
    )
    second = deliver(outbox, WebhookSender(stand_in.url(HOOK_PATH), SECRET), channel="webhook")

    assert first.unknown == 1 and second.requeued == 1 and second.sent == 1
    assert len(stand_in.posted) == 2  # at least once: the receiver drops the repeat by its id
    assert stand_in.posted[0].json()["id"] == stand_in.posted[1].json()["id"]


def test_no_url_or_secret_reaches_a_log_line_or_the_warehouse(
    con: duckdb.DuckDBPyConnection,
    stand_in: Any,
    sender_identity: SenderIdentity,
    make_item: ItemFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_redaction()
    caplog.set_level(logging.DEBUG)  # slack_sdk logs the URL at DEBUG, httpx at INFO
    for name in ("slack_sdk", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    outbox = queue_alerts(
        con, sender_identity, make_item, accounts=3, slack_team=True, webhook=True
    )
    stand_in.answers = [(400, {}, f"no_service {stand_in.url(SLACK_PATH)}"), (500, {}, "")]
    refused = SlackSender({"slack:team": "http://127.0.0.1:9" + SLACK_PATH}, sleep=lambda _: None)

    reports = [
        deliver(outbox, refused, channel="slack"),  # nothing listens on port 9
        deliver(outbox, slack(stand_in), channel="slack"),
        deliver(outbox, WebhookSender(stand_in.url(HOOK_PATH), SECRET), channel="webhook"),
    ]

    assert reports[0].stopped is not None and reports[0].stopped.startswith("Slack unreachable")
    assert reports[1].parked == 1 and reports[2].sent == 3
    stored = json.dumps(
        [
            con.execute(f"select * from {schema}.{table}").fetchall()
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        ],
        default=str,
    )
    logged = caplog.text + " ".join(str(record.__dict__) for record in caplog.records)
    assert "HTTP Request: POST" in logged  # httpx did log its request line, redacted
    for secret in (SLACK_PATH, HOOK_PATH, SECRET, "x9Vq2LmZsecretPart7"):
        assert secret not in stored
        assert secret not in logged


def test_an_outbox_from_before_chat_gets_its_channel_and_its_emails_still_go(
    tmp_path: Path, make_message: Callable[..., Any]
) -> None:
    outbox_ddl = (SCHEMA_DIR / "ops_outbox.sql").read_text(encoding="utf-8")
    before_chat = outbox_ddl.split("alter table ops.outbox add column if not exists channel")[0]
    con = duckdb.connect()
    con.execute(before_chat)
    columns = {
        name for (name,) in con.execute("select column_name from (describe ops.outbox)").fetchall()
    }
    assert "channel" not in columns
    message = make_message(1)
    con.execute(
        "insert into ops.outbox (message_key, kind, to_email, from_email, subject, body_text,"
        " body_html, status, attempts, created_at, run_date)"
        " values (?, 'acknowledgment', ?, ?, 's', 't', 'h', 'pending', 0, now(), ?)",
        [message.key, message.to_email, message.from_email, RUN_DATE],
    )

    assert "ops.outbox.channel" in apply_schema(con)  # what a run does first
    outbox = Outbox(con)

    assert con.execute("select channel from ops.outbox").fetchall() == [("email",)]
    assert deliver(outbox, FileSender(tmp_path)).sent == 1
