"""The notify stage's one entry: everything the marts say is due tonight, queued, then sent.

Order matters only for reading the summary: every step queues with deterministic keys (the same
night run twice queues nothing new), and one delivery pass per channel at the end sends what is
pending, customer email at most once and CSM alerts at least once; alerts' chat copies (Slack,
webhooks) are queued with their email and sent by their channel's own pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import duckdb

from flows.loop.acknowledgments import items_in_window, queue_acknowledgments
from flows.loop.at_risk import queue_at_risk_alerts
from flows.loop.closed_loop import queue_closed_loop
from flows.loop.escalations import escalate_themes
from flows.loop.handoffs import queue_handoffs_and_followups
from flows.loop.outcome import LoopOutcome
from flows.loop.policy import LoopPolicy
from flows.loop.rows import log_rejected
from flows.loop.stale_digests import queue_stale_digests
from flows.settings.clock import utc_now
from flows.settings.config import Settings
from flows.warehouse.connection import open_warehouse
from notifications import EscalationThresholds, Outbox, Sender, SenderIdentity, deliver


def notify_tonight(settings: Settings, run_date: date, as_of: datetime) -> LoopOutcome:
    """The notify stage on ``settings.warehouse`` (the working copy): the loop with the
    configured policy, identity and sender. Without Prefect, so a re-run of this stage alone
    (the crash test's) starts in a second."""
    from flows.loop.mail import make_sender, sender_identity
    from flows.settings.chat import chat_routes, chat_senders

    policy = LoopPolicy(
        escalation_dir=settings.escalation_dir or settings.mail_dir.parent / "escalations",
        window_days=settings.ack_window_days,
        closed_loop_window_days=settings.closed_loop_window_days,
        closed_loop_min_similarity=settings.closed_loop_min_similarity,
        escalation=EscalationThresholds(
            min_accounts=settings.escalation_min_accounts,
            min_arr=settings.escalation_min_arr,
            min_retention_risk_accounts=settings.escalation_min_retention_risk_accounts,
        ),
        chat=chat_routes(settings),
        model_dir=settings.model_dir,
        taxonomy_dir=settings.taxonomy_dir,
    )
    with open_warehouse(settings.warehouse) as con:
        return close_the_loop(
            con,
            as_of=as_of,
            run_date=run_date,
            policy=policy,
            identity=sender_identity(settings),
            sender=make_sender(settings),
            chat_senders=chat_senders(settings),
        )


def close_the_loop(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime,
    run_date: date,
    policy: LoopPolicy,
    identity: SenderIdentity,
    sender: Sender,
    chat_senders: Sequence[tuple[str, Sender]] = (),
    rejudge: bool = False,
) -> LoopOutcome:
    """Judge the marts as of ``as_of`` (naive UTC), queue every message owed, write escalation
    documents, then deliver: email with ``sender``, each chat channel with its own.
    ``con`` is a read-write connection in autocommit mode.

    Each step reads what can give a message tonight, not all history: the windows the marts
    define counted back from ``as_of`` (so an old item the clock alone made due is read),
    items not yet answered, crossings not yet told, and closed-loop candidates not yet scored
    as they read now. ``rejudge=True`` scores every closed-loop candidate again; it queues the
    same messages (tests/flows/loop/test_incremental_notify.py)."""
    outbox = Outbox(con, chat=policy.chat, clock=utc_now)
    # The window's mart rows become typed items here, once; every step below takes them.
    items, unreadable = items_in_window(con, as_of=as_of, window_days=policy.window_days)
    log_rejected("message", unreadable)
    acks = queue_acknowledgments(
        outbox, items, run_date=run_date, identity=identity, unreadable=len(unreadable)
    )
    handoffs, followups = queue_handoffs_and_followups(
        outbox,
        items,
        as_of=as_of,
        run_date=run_date,
        identity=identity,
        next_update_days=policy.qbr_next_update_days,
    )
    escalations = escalate_themes(
        con, as_of=as_of, run_date=run_date, policy=policy, identity=identity
    )
    at_risk = queue_at_risk_alerts(outbox, run_date=run_date, identity=identity)
    digests = queue_stale_digests(
        outbox, as_of=as_of, run_date=run_date, policy=policy, identity=identity
    )
    shipped, declined = queue_closed_loop(
        outbox,
        as_of=as_of,
        run_date=run_date,
        window_days=policy.closed_loop_window_days,
        min_score=policy.closed_loop_min_similarity,
        identity=identity,
        rejudge=rejudge,
        model_dir=policy.model_dir,
        taxonomy_dir=policy.taxonomy_dir,
    )
    return LoopOutcome(
        acks=acks,
        handoffs=handoffs,
        qbr_followups=followups,
        stale_digests=digests,
        at_risk_alerts=at_risk,
        closed_loop=shipped,
        declined_notes=declined,
        escalations=escalations,
        delivery=deliver(outbox, sender),
        escalation_dir=policy.escalation_dir,
        chat_deliveries=tuple(
            (channel, deliver(outbox, chat_sender, channel=channel))
            for channel, chat_sender in chat_senders
        ),
    )
