"""What one night's loop did, step by step, and the summary lines the nightly prints."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from flows.loop.acknowledgments import AckQueued
from notifications import DeliveryReport


@dataclass(frozen=True)
class StepCount:
    """One kind of message: how many were composed, set aside (bad data), held back because the
    address is suppressed, and newly queued (zero when a night runs again)."""

    composed: int = 0
    rejected: int = 0
    suppressed: int = 0
    queued: int = 0

    def line(self, label: str) -> str:
        return (
            f"  {label:<16} {self.composed} composed, {self.rejected} not composable, "
            f"{self.suppressed} suppressed, {self.queued} newly queued"
        )


@dataclass(frozen=True)
class EscalationOutcome:
    """Themes over a threshold tonight that were not escalated before, and their documents."""

    crossed: int = 0
    documents: tuple[Path, ...] = ()
    # Themes crossing only some thresholds: listed in the index, no document of their own.
    watched: int = 0
    index: Path | None = None


@dataclass(frozen=True)
class LoopOutcome:
    acks: AckQueued
    handoffs: StepCount
    qbr_followups: StepCount
    stale_digests: StepCount
    at_risk_alerts: StepCount
    closed_loop: StepCount
    declined_notes: StepCount
    escalations: EscalationOutcome
    delivery: DeliveryReport
    escalation_dir: Path = field(default=Path("."))
    # (channel, its delivery pass) for each chat channel configured: Slack, webhook.
    chat_deliveries: tuple[tuple[str, DeliveryReport], ...] = ()

    @property
    def queued(self) -> int:
        """Every message newly queued tonight."""
        steps = (
            self.handoffs,
            self.qbr_followups,
            self.stale_digests,
            self.at_risk_alerts,
            self.closed_loop,
            self.declined_notes,
        )
        return self.acks.queued + sum(step.queued for step in steps)

    @property
    def suppressed(self) -> int:
        """Customer emails not queued because the address is on the suppression list."""
        return self.acks.suppressed + self.closed_loop.suppressed + self.declined_notes.suppressed

    def lines(self) -> list[str]:
        a, d = self.acks, self.delivery
        return [
            f"  acknowledgments: {a.due} due, {a.held_for_human} handed to a CSM, "
            f"{a.rejected} not composable, {a.suppressed} suppressed, {a.queued} newly queued",
            self.handoffs.line("hand-offs:"),
            self.qbr_followups.line("QBR follow-ups:"),
            self.stale_digests.line("stale digests:"),
            self.at_risk_alerts.line("at-risk alerts:"),
            self.closed_loop.line("we heard you:"),
            self.declined_notes.line("declined notes:"),
            f"  escalations:     {self.escalations.crossed} themes crossed every threshold, "
            f"{len(self.escalations.documents)} documents written to {self.escalation_dir}; "
            f"{self.escalations.watched} below the bar listed in "
            f"{self.escalations.index or self.escalation_dir / 'index.md'}",
            f"  delivery:        {d.sent} sent, {d.parked} parked, {d.unknown} unknown, "
            f"{d.requeued} alerts sent again, {d.suppressed} suppressed at send",
            *delivery_notes(d),
            *(
                line
                for channel, report in self.chat_deliveries
                for line in (
                    f"  {channel + ':':<16} {report.sent} sent, {report.parked} parked, "
                    f"{report.unknown} unknown, {report.requeued} alerts sent again",
                    # Waiting messages are the whole outbox's: told once, under email.
                    *delivery_notes(replace(report, waiting=0)),
                )
            ),
        ]


def delivery_notes(d: DeliveryReport) -> list[str]:
    """What needs attention after delivery: an interrupted run settled, an outage, decisions."""
    notes = []
    if d.settled or d.reconciled:
        notes.append(
            f"                   an interrupted run's claims: {d.settled} settled, "
            f"{d.reconciled} now unknown"
        )
    if d.stopped is not None:
        notes.append(
            f"  ! delivery stopped, {d.deferred} message(s) left pending for the next run: {d.stopped}"
        )
    if d.waiting:
        notes.append(
            f"  ! {d.waiting} message(s) wait for a decision (unknown or parked):"
            " run `loopkeeper outbox`"
        )
    return notes
