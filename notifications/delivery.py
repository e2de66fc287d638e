"""Sending what the outbox holds: claim, send each, record what happened to each."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from notifications.outbox import Outbox
from notifications.senders import DeliveryUnknown, Sender

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery pass did. ``reconciled`` counts stale claims moved to unknown first."""

    sent: int
    parked: int
    unknown: int
    reconciled: int = 0


def deliver(
    outbox: Outbox,
    sender: Sender,
    *,
    limit: int | None = None,
    stale_after: timedelta = timedelta(0),
) -> DeliveryReport:
    """Send up to ``limit`` pending messages, each at most once.

    Claims older than ``stale_after`` were left by a crashed run: they become ``unknown`` first
    and are never sent again here. With one writer per DuckDB file every claim found at the start
    is stale (the default); a warehouse shared by overlapping runs passes a margin. A send
    that fails parks that message with the reason and the batch goes on; a DeliveryUnknown marks
    it ``unknown``. Errors writing the outbox itself propagate: the rows they leave claimed are
    reconciled to ``unknown`` on the next pass rather than risk a second send.
    """
    reconciled = outbox.reconcile_stale_claims(older_than=stale_after)
    if reconciled:
        log.warning(
            "%d outbox message(s) left claimed by an earlier run are now unknown", reconciled
        )
    sent = parked = unknown = 0
    for row in outbox.claim(limit):
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
    return DeliveryReport(sent=sent, parked=parked, unknown=unknown, reconciled=reconciled)
