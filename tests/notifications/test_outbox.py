from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import duckdb
import pytest

from flows.warehouse.schema import apply_schema
from notifications import EmailMessage, Outbox

RUN_DATE = date(2026, 11, 22)
MessageFactory = Callable[..., EmailMessage]


def statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("select message_key, status from ops.outbox").fetchall()
    return dict(rows)


def test_schema_has_the_columns_the_warehouse_models_read(
    outbox: Outbox, con: duckdb.DuckDBPyConnection
) -> None:
    assert apply_schema(con) == []  # a second time adds nothing and keeps the rows
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'ops' and table_name = 'outbox'"
        ).fetchall()
    )
    assert {
        name: types[name]
        for name in (
            "message_key",
            "kind",
            "item_id",
            "account_id",
            "to_email",
            "status",
            "created_at",
            "sent_at",
            "run_date",
        )
    } == {
        "message_key": "VARCHAR",
        "kind": "VARCHAR",
        "item_id": "VARCHAR",
        "account_id": "VARCHAR",
        "to_email": "VARCHAR",
        "status": "VARCHAR",
        "created_at": "TIMESTAMP",
        "sent_at": "TIMESTAMP",
        "run_date": "DATE",
    }


def test_enqueue_adds_pending_rows_once(outbox: Outbox, make_message: MessageFactory) -> None:
    messages = [make_message(n) for n in range(3)]
    assert outbox.enqueue(messages, RUN_DATE) == 3
    assert outbox.enqueue(messages, RUN_DATE) == 0
    assert outbox.counts_by_status() == {
        "pending": 3,
        "claimed": 0,
        "sent": 0,
        "unknown": 0,
        "parked": 0,
    }


def test_enqueue_keeps_the_first_of_repeated_keys(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    first, repeat = make_message(0), make_message(0, subject="A second wording")
    assert outbox.enqueue([first, repeat, make_message(1)], RUN_DATE) == 2
    row = outbox.get(first.key)
    assert row is not None
    assert row.subject == first.subject


def test_enqueue_stores_the_message_as_given(outbox: Outbox, make_message: MessageFactory) -> None:
    message = make_message(7, item_id=None, account_id=None)
    outbox.enqueue([message], RUN_DATE)
    row = outbox.get(message.key)
    assert row is not None
    assert row.to_message() == message
    assert (row.status, row.attempts, row.run_date) == ("pending", 0, RUN_DATE)


def test_enqueue_of_nothing_adds_nothing(outbox: Outbox) -> None:
    assert outbox.enqueue([], RUN_DATE) == 0


def test_claim_takes_pending_rows_oldest_first_up_to_the_limit(
    con: duckdb.DuckDBPyConnection, make_message: MessageFactory
) -> None:
    times = iter(datetime(2026, 11, 22, 1, minute) for minute in range(10))
    outbox = Outbox(con, clock=lambda: next(times))
    outbox.enqueue([make_message(2)], RUN_DATE)
    outbox.enqueue([make_message(1)], RUN_DATE)
    outbox.enqueue([make_message(0)], RUN_DATE)

    claimed = outbox.claim(limit=2)

    assert [row.to_email for row in claimed] == ["customer2@example.com", "customer1@example.com"]
    assert all(row.status == "claimed" and row.attempts == 1 for row in claimed)
    assert claimed[0].claimed_at == datetime(2026, 11, 22, 1, 3)
    assert [row.to_email for row in outbox.claim()] == ["customer0@example.com"]
    assert outbox.claim() == []


def test_claim_is_committed_before_it_returns(
    outbox: Outbox, con: duckdb.DuckDBPyConnection, make_message: MessageFactory
) -> None:
    outbox.enqueue([make_message(0)], RUN_DATE)
    [row] = outbox.claim()
    other_connection = con.cursor()  # a second connection to the same database
    assert statuses(other_connection) == {row.message_key: "claimed"}


def test_claim_refuses_to_run_inside_the_callers_transaction(
    outbox: Outbox, con: duckdb.DuckDBPyConnection, make_message: MessageFactory
) -> None:
    outbox.enqueue([make_message(0)], RUN_DATE)
    con.begin()
    with pytest.raises(duckdb.TransactionException):
        outbox.claim()
    con.rollback()


def test_marks_record_the_outcome(outbox: Outbox, make_message: MessageFactory) -> None:
    messages = [make_message(n) for n in range(3)]
    outbox.enqueue(messages, RUN_DATE)
    outbox.claim()
    outbox.mark_sent(messages[0].key, "<id-0@acme-analytics.io>")
    outbox.mark_parked(messages[1].key, "SMTPRecipientsRefused: mailbox full")
    outbox.mark_unknown(messages[2].key, "timeout after the request was sent")

    sent, parked, unknown = (outbox.get(message.key) for message in messages)
    assert sent is not None and parked is not None and unknown is not None
    assert (sent.status, sent.provider_message_id) == ("sent", "<id-0@acme-analytics.io>")
    assert sent.sent_at is not None
    assert (parked.status, parked.error) == ("parked", "SMTPRecipientsRefused: mailbox full")
    assert (unknown.status, unknown.sent_at) == ("unknown", None)
    assert outbox.counts_by_status() == {
        "pending": 0,
        "claimed": 0,
        "sent": 1,
        "unknown": 1,
        "parked": 1,
    }


@pytest.mark.parametrize(
    "mark",
    [
        pytest.param(lambda box, key: box.mark_sent(key, "<id@x.io>"), id="sent"),
        pytest.param(lambda box, key: box.mark_unknown(key, "why"), id="unknown"),
    ],
)
def test_an_unclaimed_message_cannot_be_marked_sent_or_unknown(
    outbox: Outbox, make_message: MessageFactory, mark: Callable[[Outbox, str], None]
) -> None:
    message = make_message(0)
    outbox.enqueue([message], RUN_DATE)
    with pytest.raises(
        ValueError, match=rf"outbox message {message.key}: cannot mark \w+, it is pending"
    ):
        mark(outbox, message.key)


def test_marking_a_missing_key_names_it(outbox: Outbox, make_message: MessageFactory) -> None:
    key = make_message(0).key
    with pytest.raises(
        ValueError, match=rf"outbox message {key}: cannot mark parked, no such message"
    ):
        outbox.mark_parked(key, "why")


def test_stale_claims_become_unknown_never_pending(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    messages = [make_message(n) for n in range(2)]
    outbox.enqueue(messages, RUN_DATE)
    [crashed] = outbox.claim(limit=1)  # the run dies here, before it marks anything

    assert outbox.reconcile_stale_claims() == 1
    stale = outbox.get(crashed.message_key)
    assert stale is not None and stale.status == "unknown"
    assert "did not finish" in (stale.error or "")
    [untouched] = [message for message in messages if message.key != crashed.message_key]
    assert [row.message_key for row in outbox.claim()] == [untouched.key]


def test_recent_claims_within_the_margin_are_left_alone(
    con: duckdb.DuckDBPyConnection, make_message: MessageFactory
) -> None:
    now = [datetime(2026, 11, 22, 2, 0)]
    outbox = Outbox(con, clock=lambda: now[0])
    outbox.enqueue([make_message(0)], RUN_DATE)
    outbox.claim()

    now[0] += timedelta(minutes=5)
    assert outbox.reconcile_stale_claims(older_than=timedelta(minutes=30)) == 0
    now[0] += timedelta(hours=1)
    assert outbox.reconcile_stale_claims(older_than=timedelta(minutes=30)) == 1


def test_enqueue_handles_thousands_of_rows_in_one_batch(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    messages = [make_message(n) for n in range(3000)]
    assert outbox.enqueue(messages, RUN_DATE) == 3000
    assert outbox.enqueue([*messages[:10], make_message(3000)], RUN_DATE) == 1
