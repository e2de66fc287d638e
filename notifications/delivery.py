"""Sending what the outbox holds: claim, send each, record what happened to each."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from notifications.outbox import MAX_ALERT_ATTEMPTS, Outbox
from notifications.senders import DeliveryUnknown, Sender
from notifications.suppressions import load_suppressions, suppression_reason

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery pass did.

    ``reconciled`` counts stale claims moved to unknown first, ``requeued`` the unknown CSM alerts
    put back to be sent again, ``suppressed`` the customer emails parked because their address
    was suppressed after they were queued.
    """

    sent: int
    parked: int
    unknown: int
    reconciled: int = 0
    requeued: int = 0
    suppressed: int = 0


def deliver(
    outbox: Outbox,
    sender: Sender,
    *,
    limit: int | None = None,
    stale_after: timedelta = timedelta(0),
    max_alert_attempts: int = MAX_ALERT_ATTEMPTS,
) -> DeliveryReport:
    """Send up to ``limit`` pending messages: customer email at most once, CSM alerts at least once.

    Claims older than ``stale_after`` were left by a crashed run: they become ``unknown`` first.
    With one writer per DuckDB file every claim found at the start is stale (the default); a
    warehouse shared by overlapping runs passes a margin. Unknown CSM alerts (from this or an
    earlier crash, or an earlier DeliveryUnknown) then go back to pending and are sent again;
    unknown customer email never is. A send that fails parks that message with the reason and the
    batch goes on; a DeliveryUnknown marks it ``unknown``. Errors writing the outbox itself
    propagate: the rows they leave claimed are reconciled on the next pass.
    """
    reconciled = outbox.reconcile_stale_claims(older_than=stale_after)
    if reconciled:
        log.warning(
            "%d outbox message(s) left claimed by an earlier run are now unknown", reconciled
        )
    requeued = outbox.requeue_unknown_alerts(max_attempts=max_alert_attempts)
    if requeued:
        log.warning("%d CSM alert(s) with an unknown outcome will be sent again", requeued)
    suppressed_addresses = load_suppressions(outbox.connection)
    sent = parked = unknown = suppressed = 0
    for row in outbox.claim(limit):
        reason = suppression_reason(row.kind, row.to_email, suppressed_addresses)
        if reason is not None:
            outbox.mark_parked(row.message_key, f"suppressed: address is {reason}")
            suppressed += 1
            continue
        try:
            provider_message_id = sender.send(row)
        except DeliveryUnknown as error:
            outbox.mark_unknown(row.message_key, f"DeliveryUnknown: {error}")
            log.warning("outbox message %s: outcome unknown: %s", row.message_key, error)
            unknown += 1
        except Exception as error:
            outbox.mark_parked(row.message_key, f"{type(error).__name__}: {error}")
            log.warning(
                "outbox message %s parked: %s: %s", row.message_key, type(error).__name__, error
            )
            parked += 1
        else:
            outbox.mark_sent(row.message_key, provider_message_id)
            sent += 1
    return DeliveryReport(
        sent=sent,
        parked=parked,
        unknown=unknown,
        reconciled=reconciled,
        requeued=requeued,
        suppressed=suppressed,
    )
