"""Hand-offs and QBR follow-ups: the emails that put a person, the owning CSM, in the loop.

Hand-offs: every item of the window that needs a person (``needs_handoff``: NPS <= 6, CES >= 5,
a churn or competitor mention, critical severity), from any source a customer wrote in, support
tickets included: a ticket threatening to leave is the CSM's business too. Notes are the CSM's
own writing, so they are never handed back to them. The reply is due 24 h after the night's
as_of, so a night run twice composes the same email.

QBR follow-ups: one draft per QBR note of the window, listing every bullet the note became.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from flows.loop.message_items import answered_items, enqueue_with_items
from flows.loop.outcome import StepCount
from flows.loop.rows import log_rejected
from notifications import (
    EmailMessage,
    FeedbackItem,
    MessageKind,
    Outbox,
    QbrNote,
    RejectedItem,
    SenderIdentity,
    compose_handoff,
    compose_qbr_followup,
    needs_handoff,
)


def compose_handoffs(
    items: Sequence[FeedbackItem],
    *,
    as_of: datetime,
    identity: SenderIdentity,
    answered: Collection[str] = (),
) -> tuple[list[tuple[EmailMessage, tuple[str, ...]]], list[RejectedItem]]:
    """One hand-off per person for the items that need one and no hand-off answers yet, each
    with the items it lists; an item the library cannot compose is set aside with the reason."""
    groups: dict[str, list[FeedbackItem]] = {}
    rejected: list[RejectedItem] = []
    for item in items:
        if item.source == "note" or item.item_id in answered or not needs_handoff(item):
            continue
        person = item.contact_email.strip().lower() or item.item_id
        groups.setdefault(person, []).append(item)
    messages: list[tuple[EmailMessage, tuple[str, ...]]] = []
    for group in groups.values():
        try:
            message = compose_handoff(group, sender=identity, handed_off_at=as_of)
        except ValueError as error:
            rejected.extend(RejectedItem(item.item_id, str(error)) for item in group)
            continue
        messages.append((message, tuple(item.item_id for item in group)))
    return messages, rejected


def qbr_notes(
    items: Sequence[FeedbackItem], *, next_update_days: int
) -> list[QbrNote | RejectedItem]:
    """The QBR notes among the window's items, their items in bullet order (a note that cannot
    be one, say bullets on two accounts, comes back rejected with why).

    A note item's ``source_record_id`` is ``<note_id>:<bullet>``; the meeting is its day.
    """
    bullets: dict[str, list[tuple[int, FeedbackItem]]] = {}
    for item in items:
        if item.source != "note" or item.note_type != "qbr":
            continue
        match = re.fullmatch(r"(?P<note>.+):(?P<bullet>\d+)", item.source_record_id)
        if match is None:
            continue
        bullets.setdefault(match["note"], []).append((int(match["bullet"]), item))
    notes: list[QbrNote | RejectedItem] = []
    for note_id, entries in sorted(bullets.items()):
        ordered = tuple(item for _, item in sorted(entries, key=lambda entry: entry[0]))
        meeting = ordered[0].received_at.date()
        try:
            notes.append(
                QbrNote(
                    note_id=note_id,
                    meeting_date=meeting,
                    next_update=meeting + timedelta(days=next_update_days),
                    items=ordered,
                )
            )
        except ValueError as error:
            notes.append(RejectedItem(f"note:{note_id}", str(error)))
    return notes


def queue_handoffs_and_followups(
    outbox: Outbox,
    items: Sequence[FeedbackItem],
    *,
    as_of: datetime,
    run_date: date,
    identity: SenderIdentity,
    next_update_days: int,
) -> tuple[StepCount, StepCount]:
    answered = answered_items(
        outbox.connection, MessageKind.HANDOFF.value, among=[item.item_id for item in items]
    )
    handoffs, rejected = compose_handoffs(items, as_of=as_of, identity=identity, answered=answered)
    handed = StepCount(
        composed=len(handoffs),
        rejected=len(rejected),
        queued=enqueue_with_items(outbox, handoffs, run_date=run_date),
    )
    log_rejected("hand-off", rejected)
    rejected = []
    followups: list[EmailMessage] = []
    for note in qbr_notes(items, next_update_days=next_update_days):
        try:
            if isinstance(note, RejectedItem):
                raise ValueError(note.reason)
            followups.append(compose_qbr_followup(note, sender=identity))
        except ValueError as error:
            rejected.append(RejectedItem(getattr(note, "note_id", None), str(error)))
    log_rejected("QBR follow-up", rejected)
    followed = StepCount(
        composed=len(followups),
        rejected=len(rejected),
        queued=outbox.enqueue(followups, run_date=run_date),
    )
    return handed, followed
