"""Sending what the outbox holds: a few claims at a time, each batch's outcomes in one commit.

What a crash can cost is what was claimed and not yet recorded: one message with a sender that
cannot be asked afterwards (SendGrid), nothing with one that can (the file sender: the next
pass settles the batch by looking for each .eml). An outage costs nothing: the first
DeliveryUnavailable stops the pass and leaves that message and every later one pending.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from notifications.outbox import MAX_ALERT_ATTEMPTS, SUPPRESSED_PREFIX, Outbox, Outcome
from notifications.outbox_decisions import count_needing_decision
from notifications.outbox_schema import OutboxRow, OutboxStatus
from notifications.secrets import redact_secrets
from notifications.senders import (
    Batching,
    DeliveryUnavailable,
    DeliveryUnknown,
    LeavesLeftovers,
    Reconciling,
    Sender,
    SendRejected,
)
from notifications.suppressions import load_suppressions, suppression_reason

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery pass did.

    ``reconciled`` counts stale claims moved to unknown first and ``settled`` those the sender
    could account for (delivered or not); ``requeued`` the unknown CSM alerts put back to be
    sent again; ``suppressed`` the customer emails parked because their address was suppressed
    after they were queued. ``stopped`` says why the pass stopped early (the sender was
    unavailable), leaving ``deferred`` messages pending; ``waiting`` is how many messages in the
    whole outbox wait for a person's decision after the pass; ``seconds`` its wall time.
    """

    sent: int
    parked: int
    unknown: int
    reconciled: int = 0
    requeued: int = 0
    suppressed: int = 0
    settled: int = 0
    deferred: int = 0
    stopped: str | None = None
    # The whole outbox's state, not this pass's work: left out when two passes are compared.
    waiting: int = field(default=0, compare=False)
    seconds: float = field(default=0.0, compare=False)


def deliver(
    outbox: Outbox,
    sender: Sender,
    *,
    limit: int | None = None,
    stale_after: timedelta = timedelta(0),
    max_alert_attempts: int = MAX_ALERT_ATTEMPTS,
    channel: str | None = "email",
) -> DeliveryReport:
    """Send up to ``limit`` pending messages: customer email at most once, CSM alerts at least once.

    Claims older than ``stale_after`` were left by a crashed run: a sender that can tell settles
    them (sent, or back to pending), the others become ``unknown``. With one writer per DuckDB
    file every claim found at the start is stale (the default); a warehouse shared by
    overlapping runs passes a margin. Unknown CSM alerts then go back to pending and are sent
    again; unknown customer email never is. Per message: SendRejected and any exception other
    than the two below park it with the reason; DeliveryUnknown marks it ``unknown``;
    DeliveryUnavailable leaves it pending and stops the pass. Errors writing the outbox itself
    propagate: the claims they leave are settled on the next pass.

    ``channel`` limits the pass to that channel's rows (``email`` by default; ``slack`` and
    ``webhook`` with their own senders), so one channel's outage stops only its own pass.
    """
    started = time.perf_counter()
    if isinstance(sender, LeavesLeftovers) and (removed := sender.remove_leftovers()):
        log.warning("removed %d half-written message file(s) a killed run left", removed)
    reconciled, settled = _settle_stale_claims(outbox, sender, stale_after, channel)
    requeued = outbox.requeue_unknown_alerts(max_attempts=max_alert_attempts, channel=channel)
    if requeued:
        log.warning("%d CSM alert(s) with an unknown outcome will be sent again", requeued)
    suppressed_addresses = load_suppressions(outbox.connection)
    counts = dict.fromkeys(("sent", "parked", "unknown", "suppressed"), 0)
    batch = sender.claim_batch if isinstance(sender, Reconciling) else 1
    left = limit
    stopped: str | None = None
    while stopped is None and (left is None or left > 0):
        rows = outbox.claim(batch if left is None else min(batch, left), channel=channel)
        if not rows:
            break
        if left is not None:
            left -= len(rows)
        outcomes: list[Outcome] = []
        batching = sender if isinstance(sender, Batching) else None
        if batching is not None:
            batching.begin_batch()
        for row in rows:
            reason = suppression_reason(row.kind, row.to_email, suppressed_addresses)
            if reason is not None:
                error = f"{SUPPRESSED_PREFIX}address is {reason}"
                outcomes.append(Outcome(row.message_key, OutboxStatus.PARKED, error=error))
                counts["suppressed"] += 1
                continue
            outcome = _send(sender, row)
            outcomes.append(outcome)
            if outcome.status is OutboxStatus.PENDING:
                stopped = outcome.error
                break
            counts[outcome.status.value] += 1
        if batching is not None:
            outcomes, stop = _end_batch(batching, outcomes, counts)
            stopped = stopped or stop
        # The outcomes and the give-back of claims never tried commit together.
        outbox.record(outcomes, [row.message_key for row in rows[len(outcomes) :]])
    deferred = 0
    if stopped is not None:
        deferred = outbox.pending_count(channel)
        log.warning(
            "delivery stopped, %d message(s) left pending for the next run: %s", deferred, stopped
        )
    return DeliveryReport(
        sent=counts["sent"],
        parked=counts["parked"],
        unknown=counts["unknown"],
        reconciled=reconciled,
        requeued=requeued,
        suppressed=counts["suppressed"],
        settled=settled,
        deferred=deferred,
        stopped=stopped,
        waiting=count_needing_decision(outbox.connection),
        seconds=time.perf_counter() - started,
    )


def _end_batch(
    sender: Batching, outcomes: list[Outcome], counts: dict[str, int]
) -> tuple[list[Outcome], str | None]:
    """Make a batch's sends durable; when that fails, its sent messages go back to pending."""
    try:
        sender.end_batch()
    except DeliveryUnavailable as error:
        reason = redact_secrets(str(error))
        undone = [
            Outcome(outcome.key, OutboxStatus.PENDING, error=reason)
            if outcome.status is OutboxStatus.SENT
            else outcome
            for outcome in outcomes
        ]
        counts["sent"] -= sum(outcome.status is OutboxStatus.SENT for outcome in outcomes)
        return undone, reason
    return outcomes, None


def _send(sender: Sender, row: OutboxRow) -> Outcome:
    """Hand one row to the sender; its outcome, the error text redacted."""
    key = row.message_key
    try:
        provider_message_id = sender.send(row)
    except DeliveryUnavailable as error:
        return Outcome(key, OutboxStatus.PENDING, error=redact_secrets(str(error)))
    except DeliveryUnknown as error:
        reason = redact_secrets(f"DeliveryUnknown: {error}")
        log.warning("outbox message %s: outcome unknown: %s", key, reason)
        return Outcome(key, OutboxStatus.UNKNOWN, error=reason)
    except SendRejected as error:
        reason = redact_secrets(str(error))
        log.warning("outbox message %s parked: %s", key, reason)
        return Outcome(key, OutboxStatus.PARKED, error=reason)
    except Exception as error:
        reason = redact_secrets(f"{type(error).__name__}: {error}")
        log.warning("outbox message %s parked: %s", key, reason)
        return Outcome(key, OutboxStatus.PARKED, error=reason)
    return Outcome(key, OutboxStatus.SENT, provider_message_id=provider_message_id)


def _settle_stale_claims(
    outbox: Outbox, sender: Sender, stale_after: timedelta, channel: str | None
) -> tuple[int, int]:
    """Claims a crashed run left: settled by the sender when it can tell, else unknown."""
    settled = 0
    if isinstance(sender, Reconciling):
        for row in outbox.stale_claims(older_than=stale_after, channel=channel):
            try:
                delivered = sender.delivered_id(row)
            except Exception as error:  # cannot tell after all: a person decides
                log.warning(
                    "outbox message %s: cannot tell whether it was delivered: %s",
                    row.message_key,
                    redact_secrets(str(error)),
                )
                continue
            outbox.settle_claim(row.message_key, delivered)
            settled += 1
        if settled:
            log.warning("%d outbox message(s) claimed by an earlier run were settled", settled)
    reconciled = outbox.reconcile_stale_claims(older_than=stale_after, channel=channel)
    if reconciled:
        log.warning(
            "%d outbox message(s) left claimed by an earlier run are now unknown: "
            "see `loopkeeper outbox`",
            reconciled,
        )
    return reconciled, settled
