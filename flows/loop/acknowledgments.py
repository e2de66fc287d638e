"""Acknowledgments: which items an automatic note answers, which a person must, queued once.

Who gets an automatic acknowledgment is a policy decision kept here, in the application shell:
- hand-off cases (``notifications.needs_handoff``: NPS <= 6, CES >= 5, a churn or competitor
  mention, critical severity) are answered by their CSM (flows/loop/handoffs.py), never by a
  machine;
- QBR/CSM notes are answered by the CSM's follow-up, not by an automatic email;
- support tickets already get support's reply, so only feedback-like tickets are acknowledged;
- only items received within the window before the night: a first run over old data does not
  email customers about feedback from months ago;
- suppressed addresses (unsubscribed, bounced) get nothing, and are counted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from flows.loop.message_items import answered_items, enqueue_with_items
from flows.loop.rows import FEEDBACK_COLUMNS, feedback_items, fetch_dicts
from notifications import (
    FeedbackItem,
    MessageKind,
    Outbox,
    RejectedItem,
    SenderIdentity,
    compose_grouped_acknowledgments,
    filter_suppressed,
    load_suppressions,
    needs_handoff,
)

log = logging.getLogger(__name__)

FEEDBACK_TICKET_INTENTS = frozenset(
    {"feature_request", "usability", "performance", "pricing", "documentation", "praise"}
)

WINDOW_SQL = f"""
select {FEEDBACK_COLUMNS}
from marts.fct_feedback
where received_at >= ? and received_at < ?
order by received_at, item_id
"""


@dataclass(frozen=True)
class AckQueued:
    """What the acknowledgment step queued: ``due`` items owed an answer, of which
    ``held_for_human`` go to their CSM instead; ``suppressed`` acknowledgments were not queued."""

    due: int
    held_for_human: int
    rejected: int
    suppressed: int
    queued: int


def is_acknowledgeable(item: FeedbackItem) -> bool:
    """Sources a customer expects an answer from us on (a note is the CSM's own writing)."""
    if item.source == "note":
        return False
    return item.source != "ticket" or bool(set(item.intents) & FEEDBACK_TICKET_INTENTS)


def has_words_and_address(item: FeedbackItem) -> bool:
    return bool(item.text.strip()) and bool(item.contact_email.strip())


def items_in_window(
    con: duckdb.DuckDBPyConnection, *, as_of: datetime, window_days: int
) -> tuple[list[FeedbackItem], list[RejectedItem]]:
    """fct_feedback's items received in the window before ``as_of``, each read once into a
    typed item (the seam between the marts and the loop); a row that cannot be read is
    rejected with the reason."""
    return feedback_items(
        fetch_dicts(con, WINDOW_SQL, [as_of - timedelta(days=window_days), as_of])
    )


def queue_acknowledgments(
    outbox: Outbox,
    items: Sequence[FeedbackItem],
    *,
    run_date: date,
    identity: SenderIdentity,
    unreadable: int = 0,
) -> AckQueued:
    """Queue one automatic acknowledgment per person for ``items``; no sending.

    Exactly once per item: an item any earlier acknowledgment answered is left out, and each
    message is queued with the items it answers in one transaction (message_items.py),
    so a re-run, a later night or a crash in between never answers an item twice.
    ``unreadable``: the window's rows no typed item could be read from, counted as not
    composable (their reasons are logged where they were read).
    """
    con = outbox.connection
    due = [item for item in items if is_acknowledgeable(item) and has_words_and_address(item)]
    # Hand-off cases are answered by their CSM (handoffs.py), never by a machine.
    automatic = [item for item in due if not needs_handoff(item)]
    answered = answered_items(
        con, MessageKind.ACKNOWLEDGMENT.value, among=[item.item_id for item in automatic]
    )
    owed = [item for item in automatic if item.item_id not in answered]
    grouped, rejected = compose_grouped_acknowledgments(owed, sender=identity)
    for bad in rejected:
        log.warning("acknowledgment not composed: %s", bad)
    kept = filter_suppressed([g.message for g in grouped], load_suppressions(con))
    items_of = {g.message.key: g.item_ids for g in grouped}
    queued = enqueue_with_items(
        outbox, [(message, items_of[message.key]) for message in kept.kept], run_date=run_date
    )
    return AckQueued(
        due=len(due),
        held_for_human=len(due) - len(automatic),
        rejected=len(rejected) + unreadable,
        suppressed=len(kept.skipped),
        queued=queued,
    )
