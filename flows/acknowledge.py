"""The notify step: decide which items are owed an acknowledgment, queue them, deliver.

Who gets an automatic acknowledgment is a policy decision kept here, in the application shell:
- detractors (NPS <= 6), churn or competitor mentions and critical items are held for a human
  (the CSM hand-off), never answered by a machine;
- QBR/CSM notes are answered by the CSM's follow-up, not by an automatic email;
- support tickets already get support's reply, so only feedback-like tickets are acknowledged;
- only items received within ``ack_window_days`` before the night: a first run over old data
  does not email customers about feedback from months ago.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from notifications import (
    DeliveryReport,
    Outbox,
    Sender,
    SenderIdentity,
    compose_acknowledgments,
    deliver,
)
from notifications.feedback_item import is_missing

log = logging.getLogger(__name__)

FEEDBACK_TICKET_INTENTS = frozenset(
    {"feature_request", "usability", "performance", "pricing", "documentation", "praise"}
)
HUMAN_INTENTS = frozenset({"churn_risk", "competitor"})

DUE_SQL = """
select *, feedback_text as text
from marts.fct_feedback
where received_at >= ? and received_at < ?
    and contact_email is not null
    and coalesce(trim(feedback_text), '') <> ''
    and source in ('nps', 'widget', 'ticket')
order by received_at, item_id
"""


@dataclass(frozen=True)
class AckOutcome:
    due: int
    held_for_human: int
    rejected: int
    queued: int
    delivery: DeliveryReport


def _intents(item: dict[str, Any]) -> set[str]:
    """The item's intent labels, whether the mart gives a list or a `;`-joined string."""
    value = item.get("intents")
    if value is None or isinstance(value, float):
        return set()
    labels = value.split(";") if isinstance(value, str) else list(value)
    return {str(label) for label in labels if label}


def needs_human(item: dict[str, Any]) -> bool:
    """Hand-off cases: a person, not a template, answers these."""
    score = item.get("nps_score")
    return (
        (score is not None and not is_missing(score) and int(score) <= 6)
        or bool(_intents(item) & HUMAN_INTENTS)
        or item.get("severity") == "critical"
    )


def is_acknowledgeable(item: dict[str, Any]) -> bool:
    return item["source"] != "ticket" or bool(_intents(item) & FEEDBACK_TICKET_INTENTS)


def acknowledge(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime,
    run_date: date,
    window_days: int,
    identity: SenderIdentity,
    sender: Sender,
) -> AckOutcome:
    """Queue acknowledgments owed as of ``as_of`` (idempotent by message key), then deliver."""
    outbox = Outbox(con)
    outbox.ensure_schema()
    frame = con.execute(DUE_SQL, [as_of - timedelta(days=window_days), as_of]).df()
    items = [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
    due = [item for item in items if is_acknowledgeable(item)]
    automatic = [item for item in due if not needs_human(item)]
    messages, rejected = compose_acknowledgments(automatic, sender=identity)
    for bad in rejected:
        log.warning("acknowledgment not composed: %s", bad)
    queued = outbox.enqueue(messages, run_date=run_date)
    report = deliver(outbox, sender)
    return AckOutcome(len(due), len(due) - len(automatic), len(rejected), queued, report)
