"""The stale-item digest: per CSM per day, what is slipping on their accounts, from the marts.

- SLA clocks (fct_feedback): the acknowledgment clock of items the loop owes an answer (an
  acknowledgment, a hand-off or a QBR follow-up) received within the acknowledgment window,
  and the detractor-contact clock, not done, falling due from ``stale_lookback_days`` ago to
  ``due_soon_hours`` ahead. One line per item,
  its earliest such clock. Tickets support answers itself are support's clock, not the CSM's.
- Customers waiting on product: accounts with items in an escalated theme product has not
  answered yet (loop.loop_stale_waiting_on_product).
- Renewals: accounts renewing within dbt var ``renewal_watch_days`` with open items of the last
  ``open_item_days`` (loop.loop_stale_renewals).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import duckdb

from flows.loop.acknowledgments import has_words_and_address, is_acknowledgeable
from flows.loop.message_items import answered_items
from flows.loop.outcome import StepCount
from flows.loop.policy import LoopPolicy
from flows.loop.rows import FEEDBACK_COLUMNS, feedback_items, fetch_dicts
from notifications import (
    EmailMessage,
    EscalationWait,
    FeedbackItem,
    Outbox,
    RenewalWatch,
    SenderIdentity,
    StaleItem,
    UnlistedWaits,
    compose_stale_digests,
    needs_handoff,
)
from notifications.digest import ROWS_PER_SECTION, DigestRow

log = logging.getLogger(__name__)

# Only the rows that can have a clock in the digest: the acknowledgment clock of an item received
# within the acknowledgment window, or the detractor-contact clock. An item received earlier
# with an acknowledgment clock alone has none: read whole and typed, those were ~27,000 of the
# ~29,000 rows a million-item warehouse gave, to list ~700 (2-4 s of every night).
CLOCKS_SQL = f"""
select {FEEDBACK_COLUMNS}
from marts.fct_feedback
where (
        acknowledged_at is null and ack_due_at >= $1 and ack_due_at < $2
        and received_at >= $3
    )
    or (
        detractor_contacted_at is null and detractor_contact_due_at >= $1
        and detractor_contact_due_at < $2
    )
order by item_id
"""

# A digest lists a section's ROWS_PER_SECTION most pressing rows and counts the rest: only those
# of each CSM address are read (a million-item company waits on ~300,000 account-theme rows, 3 s
# of Python to read whole), and the rest are counted. The order is the digest's own: the
# longest waiting first, then the rows in the order read (notifications.digest).
WAITING_SQL = f"""
select * exclude (waiting_id, account_id, theme_key)
from loop.loop_stale_waiting_on_product
qualify row_number() over (
    partition by csm_email
    order by escalated_on, csm_name, account_name, tier, arr, theme_label, answer_due
) <= {ROWS_PER_SECTION}
order by all
"""

UNLISTED_WAITS_SQL = f"""
select any_value(csm_name) as csm_name, csm_email, count(*) - {ROWS_PER_SECTION} as count
from loop.loop_stale_waiting_on_product
group by csm_email
having count(*) > {ROWS_PER_SECTION}
order by csm_email
"""

RENEWALS_SQL = """
select * exclude (account_id)
from loop.loop_stale_renewals
order by all
"""


def owes_answer(item: FeedbackItem | None, source: str) -> bool:
    """Items the loop answers: what the acknowledgment clock of a CSM's digest is about.

    ``item`` is None for a row no typed item could be read from: the loop cannot answer it, so
    unless it is a note (the CSM's own writing) it is the CSM's to chase.
    """
    if item is None:
        return source != "note"
    if item.source == "note":
        return item.note_type == "qbr"
    return needs_handoff(item) or (is_acknowledgeable(item) and has_words_and_address(item))


def stale_items(
    con: duckdb.DuckDBPyConnection, *, as_of: datetime, policy: LoopPolicy
) -> list[StaleItem]:
    start = as_of - timedelta(days=policy.stale_lookback_days)
    end = as_of + timedelta(hours=policy.due_soon_hours)
    answerable_from = as_of - timedelta(days=policy.window_days)
    # The marts were built before tonight's messages: what the loop answered tonight (queued
    # earlier in this run) is not slipping.
    rows = fetch_dicts(con, CLOCKS_SQL, [start, end, answerable_from])
    ids = [str(row["item_id"]) for row in rows]
    answered = answered_items(con, "acknowledgment", ids) | answered_items(con, "qbr_followup", ids)
    handed_off = answered_items(con, "handoff", ids)
    out = []
    for row in rows:
        if row["item_id"] in handed_off:
            continue
        clocks = []
        # The acknowledgment clock only of items the loop still answers: one received before the
        # acknowledgment window (a first night over old feedback) is not the CSM's to chase.
        answerable = row["received_at"] >= answerable_from
        if (
            row["acknowledged_at"] is None
            and start <= row["ack_due_at"] < end
            and answerable
            and row["item_id"] not in answered
            # read into a typed item only here, for who answers it
            and owes_answer(_typed(row), str(row["source"]))
        ):
            clocks.append((row["ack_due_at"], "acknowledgment"))
        due = row["detractor_contact_due_at"]
        if row["detractor_contacted_at"] is None and due is not None and start <= due < end:
            clocks.append((due, "detractor contact"))
        if not clocks:
            continue
        due_at, stage = min(clocks)
        out.append(
            StaleItem(
                item_id=row["item_id"],
                csm_name=row["csm_name"] or "",
                csm_email=row["csm_email"] or "",
                account_name=row["account_name"] or row["contact_email"] or "Unmatched account",
                tier=row["tier"] or "",
                arr=row["arr"],
                stage=stage,
                due_at=due_at,
                summary=row["redacted_text"] or row["feedback_text"] or "",
                source=row["source"] or "",
                source_record_id=str(row["source_record_id"] or ""),
                contact=row["contact_name"] or row["contact_email"] or "",
                received_at=row["received_at"],
            )
        )
    return out


def _typed(row: dict[str, object]) -> FeedbackItem | None:
    """The row as a typed item; None when it cannot be read as one."""
    items, _ = feedback_items([row])
    return items[0] if items else None


def waiting_on_product(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[EscalationWait], list[UnlistedWaits]]:
    """Customers in themes escalated before the night that product has not answered: the rows
    a digest lists, and how many more each CSM address has."""
    return (
        [EscalationWait(**row) for row in fetch_dicts(con, WAITING_SQL)],
        [UnlistedWaits(**row) for row in fetch_dicts(con, UNLISTED_WAITS_SQL)],
    )


def renewals_with_open_items(con: duckdb.DuckDBPyConnection) -> list[RenewalWatch]:
    """Accounts renewing soon with open items (dbt vars renewal_watch_days, open_item_days)."""
    return [RenewalWatch(**row) for row in fetch_dicts(con, RENEWALS_SQL)]


def _by_csm(rows: Sequence[DigestRow]) -> dict[str, list[DigestRow]]:
    groups: dict[str, list[DigestRow]] = {}
    for row in rows:
        groups.setdefault(row.csm_email.strip().lower(), []).append(row)
    return groups


def queue_stale_digests(
    outbox: Outbox,
    *,
    as_of: datetime,
    run_date: date,
    policy: LoopPolicy,
    identity: SenderIdentity,
) -> StepCount:
    """One digest per CSM with anything to report; a CSM whose digest cannot be written (bad
    data) is counted and logged, and the others still get theirs."""
    con = outbox.connection
    waiting, unlisted = waiting_on_product(con)
    rows: list[DigestRow] = [
        *stale_items(con, as_of=as_of, policy=policy),
        *waiting,
        *renewals_with_open_items(con),
        *unlisted,
    ]
    messages: list[EmailMessage] = []
    rejected = 0
    for group in _by_csm(rows).values():
        try:
            messages += compose_stale_digests(
                digest_date=run_date,
                as_of=as_of,
                stale=[r for r in group if isinstance(r, StaleItem)],
                waiting=[r for r in group if isinstance(r, EscalationWait)],
                renewals=[r for r in group if isinstance(r, RenewalWatch)],
                sender=identity,
                unlisted_waits=[r for r in group if isinstance(r, UnlistedWaits)],
            )
        except ValueError as error:
            log.warning("stale digest not composed: %s", error)
            rejected += 1
    return StepCount(
        composed=len(messages),
        rejected=rejected,
        queued=outbox.enqueue(messages, run_date=run_date),
    )
