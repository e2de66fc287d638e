from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from notifications import (
    DeliveryReport,
    DeliveryUnknown,
    EmailMessage,
    FileSender,
    Outbox,
    OutboxRow,
    deliver,
)

MessageFactory = Callable[..., EmailMessage]
RUN_DATE = date(2026, 11, 22)


class RecordingSender:
    """Accepts every message except those whose recipient it is told to fail on."""

    def __init__(self, fail: dict[str, Exception] | None = None) -> None:
        self.fail = fail or {}
        self.sent: list[str] = []

    def send(self, message: EmailMessage | OutboxRow) -> str:
        if message.to_email in self.fail:
            raise self.fail[message.to_email]
        self.sent.append(message.to_email)
        return f"<provider-{len(self.sent)}@example.net>"


def test_deliver_sends_every_pending_message_once(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    outbox.enqueue([make_message(n) for n in range(3)], RUN_DATE)
    sender = RecordingSender()

    assert deliver(outbox, sender) == DeliveryReport(sent=3, parked=0, unknown=0)
    assert deliver(outbox, sender) == DeliveryReport(sent=0, parked=0, unknown=0)
    assert sorted(sender.sent) == [f"customer{n}@example.com" for n in range(3)]
    assert outbox.counts_by_status()["sent"] == 3


def test_deliver_respects_the_limit(outbox: Outbox, make_message: MessageFactory) -> None:
    outbox.enqueue([make_message(n) for n in range(3)], RUN_DATE)
    assert deliver(outbox, RecordingSender(), limit=2).sent == 2
    assert outbox.counts_by_status()["pending"] == 1


def test_a_failing_message_is_parked_and_the_others_are_sent(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    messages = [make_message(n) for n in range(3)]
    outbox.enqueue(messages, RUN_DATE)
    sender = RecordingSender({"customer1@example.com": RuntimeError("mailbox does not exist")})

    report = deliver(outbox, sender)

    assert report == DeliveryReport(sent=2, parked=1, unknown=0)
    assert report.seconds > 0  # the pass's own time, which `bench` turns into messages/s
    assert sorted(sender.sent) == ["customer0@example.com", "customer2@example.com"]
    parked = outbox.get(messages[1].key)
    assert parked is not None
    assert (parked.status, parked.error) == ("parked", "RuntimeError: mailbox does not exist")


def test_an_unknown_outcome_is_marked_unknown_not_parked(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    message = make_message(0)
    outbox.enqueue([message], RUN_DATE)
    sender = RecordingSender({"customer0@example.com": DeliveryUnknown("read timed out")})

    assert deliver(outbox, sender) == DeliveryReport(sent=0, parked=0, unknown=1)
    row = outbox.get(message.key)
    assert row is not None
    assert (row.status, row.error) == ("unknown", "DeliveryUnknown: read timed out")


def test_a_crashed_runs_claims_are_never_resent(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    outbox.enqueue([make_message(n) for n in range(3)], RUN_DATE)
    outbox.claim(limit=2)  # the run dies after claiming, before sending or marking
    sender = RecordingSender()

    report = deliver(outbox, sender)

    assert report == DeliveryReport(sent=1, parked=0, unknown=0, reconciled=2)
    assert len(sender.sent) == 1
    assert outbox.counts_by_status() == {
        "pending": 0,
        "claimed": 0,
        "sent": 1,
        "unknown": 2,
        "parked": 0,
    }
    assert deliver(outbox, sender) == DeliveryReport(sent=0, parked=0, unknown=0)
    assert len(sender.sent) == 1


def test_reconciled_claims_are_not_picked_up_by_the_next_delivery(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    outbox.enqueue([make_message(0)], RUN_DATE)
    outbox.claim()
    assert outbox.reconcile_stale_claims() == 1
    sender = RecordingSender()

    assert deliver(outbox, sender) == DeliveryReport(sent=0, parked=0, unknown=0)
    assert sender.sent == []


def test_deliver_through_the_file_sender_records_the_message_id(
    tmp_path: Path, outbox: Outbox, make_message: MessageFactory
) -> None:
    message = make_message(0)
    outbox.enqueue([message], RUN_DATE)

    deliver(outbox, FileSender(tmp_path))

    row = outbox.get(message.key)
    assert row is not None and row.provider_message_id is not None
    [path] = tmp_path.iterdir()
    assert f"Message-ID: {row.provider_message_id}" in path.read_text()


def test_claims_within_the_stale_margin_are_left_claimed_and_not_sent(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    outbox.enqueue([make_message(0)], RUN_DATE)
    outbox.claim()  # another run, still going, holds this claim
    sender = RecordingSender()

    report = deliver(outbox, sender, stale_after=timedelta(hours=1))

    assert report == DeliveryReport(sent=0, parked=0, unknown=0, reconciled=0)
    assert sender.sent == []
    assert outbox.counts_by_status()["claimed"] == 1
