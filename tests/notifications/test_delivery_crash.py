"""Finding 1: a crash during delivery costs at most the message in flight, never an email twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from notifications import EmailMessage, FileSender, Outbox, OutboxRow, deliver

MessageFactory = Callable[..., EmailMessage]
RUN_DATE = date(2026, 12, 3)


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler catches it (not an Exception)."""


class CountingFileSender(FileSender):
    """The file sender, counting every .eml it puts in place; killed after ``die_after`` sends
    (before their batch's files are in place) or, with ``die_at_batch_end``, right after a
    batch's files are in place (before the outbox records them)."""

    def __init__(
        self,
        mail_dir: Path,
        delivered: Counter[str],
        die_after: int | None = None,
        *,
        die_at_batch_end: bool = False,
    ) -> None:
        super().__init__(mail_dir)
        self.delivered, self.die_after, self.die_at_batch_end = (
            delivered,
            die_after,
            die_at_batch_end,
        )
        self.sends = 0
        self.batch: list[str] | None = None

    def begin_batch(self) -> None:
        super().begin_batch()
        self.batch = []

    def end_batch(self) -> None:
        super().end_batch()
        self.delivered.update(self.batch or [])
        self.batch = None
        if self.die_at_batch_end:
            raise Killed  # the files are in place, their outcomes are not recorded

    def send(self, message: EmailMessage | OutboxRow) -> str:
        provider_id = super().send(message)
        self.sends += 1
        if self.batch is None:
            self.delivered[message.to_email] += 1
        else:
            self.batch.append(message.to_email)
        if self.die_after is not None and self.sends == self.die_after:
            raise Killed  # written to a temporary file, not in place, not recorded
        return provider_id


class OneAtATimeSender:
    """A sender that cannot be asked afterwards (like SendGrid); dies on its ``die_on``-th send.

    It also checks, on every send, how many rows are claimed at that moment.
    """

    def __init__(self, outbox: Outbox, die_on: int | None = None) -> None:
        self.outbox, self.die_on = outbox, die_on
        self.sent: list[str] = []
        self.claimed_while_sending: list[int] = []

    def send(self, message: EmailMessage | OutboxRow) -> str:
        self.claimed_while_sending.append(self.outbox.counts_by_status()["claimed"])
        if self.die_on is not None and len(self.sent) + 1 == self.die_on:
            raise Killed  # killed mid-request: nobody knows whether it went out
        self.sent.append(message.to_email)
        return f"<sg-{len(self.sent)}>"


@pytest.mark.parametrize(
    "killed",
    [
        pytest.param({"die_after": 27}, id="before the batch's files are in place"),
        pytest.param({"die_at_batch_end": True}, id="after its files are in place"),
    ],
)
def test_a_crash_mid_batch_with_the_file_sender_leaves_nothing_to_decide_and_nothing_twice(
    tmp_path: Path, outbox: Outbox, make_message: MessageFactory, killed: dict[str, Any]
) -> None:
    messages = [make_message(n) for n in range(45)]
    outbox.enqueue(messages, RUN_DATE)
    delivered: Counter[str] = Counter()

    with pytest.raises(Killed):
        deliver(outbox, CountingFileSender(tmp_path, delivered, **killed))
    claimed = outbox.counts_by_status()["claimed"]
    assert 0 < claimed <= FileSender.claim_batch  # the batch in flight, not the whole outbox

    report = deliver(outbox, CountingFileSender(tmp_path, delivered))

    assert report.settled == claimed and report.reconciled == 0 and report.waiting == 0
    assert outbox.counts_by_status()["sent"] == 45
    assert delivered == Counter({message.to_email: 1 for message in messages})  # each .eml once
    assert len(list(tmp_path.glob("*.eml"))) == 45
    assert not list(tmp_path.glob(".*.eml.tmp"))  # the killed batch's temporary files are gone
    # The settled rows carry the Message-ID written in their file, like any other sent row.
    for message in messages:
        row = outbox.get(message.key)
        assert row is not None and row.provider_message_id
        assert f"Message-ID: {row.provider_message_id}" in "".join(
            path.read_text() for path in tmp_path.glob(f"*{message.key.split('-')[1][:16]}.eml")
        )


def test_a_crash_with_a_sender_that_cannot_be_asked_leaves_only_the_message_in_flight(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    messages = [make_message(n) for n in range(12)]
    outbox.enqueue(messages, RUN_DATE)
    dying = OneAtATimeSender(outbox, die_on=5)

    with pytest.raises(Killed):
        deliver(outbox, dying)
    assert dying.claimed_while_sending == [1] * 5  # one claim open at any moment

    again = OneAtATimeSender(outbox)
    report = deliver(outbox, again)

    assert (report.reconciled, report.sent, report.waiting) == (1, 7, 1)
    [in_flight] = [m for m in messages if outbox.get(m.key).status == "unknown"]  # type: ignore[union-attr]
    assert Counter(dying.sent + again.sent) == Counter(
        m.to_email for m in messages if m is not in_flight
    )
    assert outbox.counts_by_status() == {
        "pending": 0,
        "claimed": 0,
        "sent": 11,
        "unknown": 1,
        "parked": 0,
    }
    unknown = outbox.get(in_flight.key)
    assert unknown is not None and "did not finish" in (unknown.error or "")


def test_a_claim_whose_eml_is_missing_is_sent_again_once(
    tmp_path: Path, outbox: Outbox, make_message: MessageFactory
) -> None:
    message = make_message(0)
    outbox.enqueue([message], RUN_DATE)
    outbox.claim()  # killed after the claim, before the file was renamed into place

    report = deliver(outbox, FileSender(tmp_path))

    assert (report.settled, report.sent, report.reconciled) == (1, 1, 0)
    assert len(list(tmp_path.glob("*.eml"))) == 1
