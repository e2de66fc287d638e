from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import duckdb
import pytest

from notifications import (
    EmailMessage,
    Outbox,
    OutboxRow,
    Suppression,
    add_suppressions,
    deliver,
    filter_suppressed,
    load_suppressions,
    message_key,
)

MessageFactory = Callable[..., EmailMessage]
ADDED_AT = datetime(2026, 11, 21, 8)


class RecordingSender:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: EmailMessage | OutboxRow) -> str:
        self.sent.append(message.to_email)
        return f"<provider-{len(self.sent)}@example.net>"


def csm_alert(make_message: MessageFactory, to_email: str) -> EmailMessage:
    return make_message(
        to_email=to_email,
        kind="handoff",
        key=message_key("handoff", to_email, "item-9", "handoff"),
    )


def test_suppressions_are_stored_once_and_compared_case_blind(
    outbox: Outbox, con: duckdb.DuckDBPyConnection
) -> None:
    entries = [
        Suppression("Customer1@Example.com", "bounced"),
        Suppression("customer1@example.com", "unsubscribed"),
        Suppression("customer2@example.com", "unsubscribed"),
    ]
    assert add_suppressions(con, entries, ADDED_AT) == 2
    assert load_suppressions(con) == {
        "customer1@example.com": "bounced",
        "customer2@example.com": "unsubscribed",
    }


@pytest.mark.parametrize(
    ("email", "reason", "error"),
    [
        pytest.param("not-an-address", "bounced", "not a valid email address", id="bad address"),
        pytest.param("a@example.com", "annoyed", "not one of", id="unknown reason"),
    ],
)
def test_bad_suppressions_are_refused(email: str, reason: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        Suppression(email, reason)


def test_customer_email_to_suppressed_addresses_is_skipped_and_counted(
    make_message: MessageFactory,
) -> None:
    messages = [make_message(n) for n in range(3)]
    alert = csm_alert(make_message, "customer1@example.com")

    result = filter_suppressed([*messages, alert], {"customer1@example.com": "bounced"})

    assert result.kept == [messages[0], messages[2], alert]  # CSM alerts are never suppressed
    assert [(s.message.key, s.reason) for s in result.skipped] == [(messages[1].key, "bounced")]


def test_an_address_suppressed_after_queueing_is_parked_not_sent(
    outbox: Outbox, con: duckdb.DuckDBPyConnection, make_message: MessageFactory
) -> None:
    outbox.enqueue([make_message(0), make_message(1)], date(2026, 11, 22))
    add_suppressions(con, [Suppression("customer1@example.com", "unsubscribed")], ADDED_AT)
    sender = RecordingSender()

    report = deliver(outbox, sender)

    assert (report.sent, report.suppressed) == (1, 1)
    assert sender.sent == ["customer0@example.com"]
    row = outbox.get(make_message(1).key)
    assert row is not None and row.status == "parked"
    assert row.error == "suppressed: address is unsubscribed"
