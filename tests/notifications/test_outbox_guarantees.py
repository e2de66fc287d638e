"""Customer email at most once, CSM alerts at least once; enqueue inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import duckdb
import pytest

from notifications import (
    DeliveryUnknown,
    EmailMessage,
    Outbox,
    OutboxRow,
    deliver,
    message_key,
)

MessageFactory = Callable[..., EmailMessage]
RUN_DATE = date(2026, 11, 22)


class FlakySender:
    """Raises DeliveryUnknown for the first ``unknown`` sends, then accepts everything."""

    def __init__(self, unknown: int = 0) -> None:
        self.unknown = unknown
        self.sent: list[str] = []

    def send(self, message: EmailMessage | OutboxRow) -> str:
        if self.unknown:
            self.unknown -= 1
            raise DeliveryUnknown("read timed out")
        self.sent.append(message.message_key if isinstance(message, OutboxRow) else message.key)
        return f"<sg-{len(self.sent)}>"


def alert(make_message: MessageFactory, kind: str = "stale_digest") -> EmailMessage:
    to_email = "dana.whitfield@loopkeeper-demo.io"
    return make_message(
        kind=kind, to_email=to_email, key=message_key(kind, to_email, "digest", "2026-11-22")
    )


def test_a_crashed_customer_email_is_never_resent(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    message = make_message(0)
    outbox.enqueue([message], RUN_DATE)
    outbox.claim()  # the run dies here
    sender = FlakySender()

    first, second = deliver(outbox, sender), deliver(outbox, sender)

    assert (first.reconciled, first.requeued, first.sent) == (1, 0, 0)
    assert (second.requeued, second.sent) == (0, 0)
    assert sender.sent == []
    row = outbox.get(message.key)
    assert row is not None and row.status == "unknown"


def test_a_crashed_csm_alert_is_sent_on_the_next_delivery(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    message = alert(make_message)
    outbox.enqueue([message], RUN_DATE)
    outbox.claim()  # the run dies here
    sender = FlakySender()

    report = deliver(outbox, sender)

    assert (report.reconciled, report.requeued, report.sent) == (1, 1, 1)
    assert sender.sent == [message.key]
    row = outbox.get(message.key)
    assert row is not None and row.status == "sent" and row.provider_message_id == "<sg-1>"
    assert row.attempts == 2


@pytest.mark.parametrize(
    ("kind", "resent"),
    [
        pytest.param("acknowledgment", False, id="acknowledgment at most once"),
        pytest.param("closed_loop", False, id="closed loop at most once"),
        pytest.param("declined_note", False, id="declined note at most once"),
        pytest.param("handoff", True, id="handoff at least once"),
        pytest.param("qbr_followup", True, id="qbr follow-up at least once"),
        pytest.param("stale_digest", True, id="stale digest at least once"),
        pytest.param("at_risk_alert", True, id="at-risk alert at least once"),
    ],
)
def test_an_unknown_send_is_retried_only_for_csm_alerts(
    outbox: Outbox, make_message: MessageFactory, kind: str, resent: bool
) -> None:
    message = alert(make_message, kind)
    outbox.enqueue([message], RUN_DATE)
    sender = FlakySender(unknown=1)

    assert deliver(outbox, sender).unknown == 1
    deliver(outbox, sender)

    assert sender.sent == ([message.key] if resent else [])
    row = outbox.get(message.key)
    assert row is not None and row.status == ("sent" if resent else "unknown")


def test_an_alert_that_stays_unknown_stops_after_the_attempt_limit(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    message = alert(make_message)
    outbox.enqueue([message], RUN_DATE)
    sender = FlakySender(unknown=10)

    for _ in range(5):
        deliver(outbox, sender, max_alert_attempts=3)

    row = outbox.get(message.key)
    assert row is not None and (row.status, row.attempts) == ("unknown", 3)
    assert sender.unknown == 7


def escalation_row(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "insert into ops.escalations values ('theme:x', 'x', timestamp '2026-11-22 00:00', "
        "'docs/x.md', 5, 300000, '5 accounts', date '2026-11-22')"
    )


@pytest.mark.parametrize("commit", [True, False], ids=["committed", "rolled back"])
def test_enqueue_joins_the_callers_transaction(
    outbox: Outbox, con: duckdb.DuckDBPyConnection, make_message: MessageFactory, commit: bool
) -> None:
    con.begin()
    escalation_row(con)
    outbox.enqueue([alert(make_message), make_message(1, theme_key="theme:x")], RUN_DATE)
    con.commit() if commit else con.rollback()

    escalations = con.execute("select count(*) from ops.escalations").fetchone()
    assert escalations == ((1,) if commit else (0,))
    assert sum(outbox.counts_by_status().values()) == (2 if commit else 0)


def test_theme_key_is_stored_and_read_back(outbox: Outbox, make_message: MessageFactory) -> None:
    message = make_message(1, theme_key="theme:excel-export")
    outbox.enqueue([message], RUN_DATE)
    row = outbox.get(message.key)
    assert row is not None and row.theme_key == "theme:excel-export"
    assert row.to_message() == message


def test_counts_by_kind_show_every_status(outbox: Outbox, make_message: MessageFactory) -> None:
    outbox.enqueue([make_message(0), make_message(1), alert(make_message)], RUN_DATE)
    [claimed, *_] = outbox.claim(limit=1)
    outbox.mark_sent(claimed.message_key, "<sg-1>")

    counts = outbox.counts_by_kind()

    zero = {"pending": 0, "claimed": 0, "sent": 0, "unknown": 0, "parked": 0}
    assert counts == {
        "acknowledgment": {**zero, "pending": 1, "sent": 1},
        "stale_digest": {**zero, "pending": 1},
    }
    assert outbox.counts_by_status() == {**zero, "pending": 2, "sent": 1}
