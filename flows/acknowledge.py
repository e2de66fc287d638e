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

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from notifications import (
    DeliveryReport,
    Outbox,
    Sender,
    SenderIdentity,
    compose_acknowledgment,
    deliver,
)

FEEDBACK_TICKET_INTENTS = ("feature_request", "usability", "performance", "pricing", "documentation", "praise")
HUMAN_INTENTS = ("churn_risk", "competitor")

DUE_SQL = """
select *
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
    queued: int
    delivery: DeliveryReport


def needs_human(item: dict[str, Any]) -> bool:
    """Hand-off cases: a person, not a template, answers these."""
    intents = set(filter(None, str(item.get("intents") or "").split(";")))
    score = item.get("nps_score")
    return (
        (score is not None and score == score and int(score) <= 6)
        or bool(intents & set(HUMAN_INTENTS))
        or item.get("severity") == "critical"
    )


def is_acknowledgeable(item: dict[str, Any]) -> bool:
    if item["source"] != "ticket":
        return True
    intents = set(filter(None, str(item.get("intents") or "").split(";")))
    return bool(intents & set(FEEDBACK_TICKET_INTENTS))


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
    items = [
        {k: (None if _missing(v) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]
    due = [item for item in items if is_acknowledgeable(item)]
    automatic = [item for item in due if not needs_human(item)]
    messages = [compose_acknowledgment(item, sender=identity) for item in automatic]
    con.execute("begin transaction")
    queued = outbox.enqueue(messages, run_date=run_date)
    con.execute("commit")
    outbox.reconcile_stale_claims()
    report = deliver(outbox, sender)
    return AckOutcome(len(due), len(due) - len(automatic), queued, report)


def _missing(value: object) -> bool:
    try:
        return bool(value != value) or value is None  # NaN / NaT / None
    except (TypeError, ValueError):
        return False
