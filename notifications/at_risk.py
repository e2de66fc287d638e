"""At-risk alerts: tell the CSM the night an account crosses a risk signal, once per crossing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from notifications.feedback_item import FeedbackItem
from notifications.internal import csm_or_team, internal_message
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.redaction import shorten
from notifications.rendering import long_date, money


class AtRiskSignal(StrEnum):
    ESCALATIONS = "escalations_30d"
    CHURN_MENTION = "churn_mention"
    COMPETITOR_MENTION = "competitor_mention"
    CSAT_FALLING = "csat_falling"


_HEADLINES = {
    AtRiskSignal.ESCALATIONS: "has had {escalations} escalations in the last 30 days",
    AtRiskSignal.CHURN_MENTION: "mentioned leaving or cancelling",
    AtRiskSignal.COMPETITOR_MENTION: "mentioned a competitor{competitors}",
    AtRiskSignal.CSAT_FALLING: "has falling CSAT ({previous} to {recent} out of 5)",
}


@dataclass(frozen=True)
class AccountHealth:
    """One account's risk figures over the last 30 days (a row of an account-health mart).

    CSAT averages are on the 1-5 scale; ``csat_previous`` is the 30 days before the last 30.
    """

    account_id: str
    account_name: str
    tier: str
    arr: float | None
    renewal_date: date | None
    csm_name: str
    csm_email: str
    escalations_30d: int = 0
    churn_mentions_30d: int = 0
    competitor_mentions_30d: int = 0
    competitors: tuple[str, ...] = ()
    csat_recent: float | None = None
    csat_previous: float | None = None


@dataclass(frozen=True)
class AtRiskThresholds:
    escalations_30d: int = 3
    csat_drop: float = 0.5  # points on the 1-5 scale


def at_risk_signals(
    health: AccountHealth, thresholds: AtRiskThresholds = AtRiskThresholds()
) -> tuple[AtRiskSignal, ...]:
    """The signals an account is over tonight; pure, so the marts' figures decide it alone."""
    signals = []
    if health.escalations_30d >= thresholds.escalations_30d:
        signals.append(AtRiskSignal.ESCALATIONS)
    if health.churn_mentions_30d > 0:
        signals.append(AtRiskSignal.CHURN_MENTION)
    if health.competitor_mentions_30d > 0:
        signals.append(AtRiskSignal.COMPETITOR_MENTION)
    recent, previous = health.csat_recent, health.csat_previous
    if recent is not None and previous is not None and previous - recent >= thresholds.csat_drop:
        signals.append(AtRiskSignal.CSAT_FALLING)
    return tuple(signals)


def compose_at_risk_alert(
    health: AccountHealth,
    signal: AtRiskSignal,
    *,
    sender: SenderIdentity,
    crossed_on: date | None = None,
    evidence: Sequence[FeedbackItem] = (),
) -> EmailMessage:
    """The alert for one account and signal, to its CSM (the team inbox when it has none).

    The key is per account and signal, plus ``crossed_on`` when given: pass the day the current
    crossing began (stable night after night while it lasts) to be alerted again after an
    account recovers and crosses anew; without it the alert fires once per account and signal.
    ``evidence`` are recent items behind the signal, quoted redacted.
    """
    to = csm_or_team(health.csm_name, health.csm_email, sender)
    competitors = ", ".join(health.competitors)
    headline = _HEADLINES[signal].format(
        escalations=health.escalations_30d,
        competitors=f" ({competitors})" if competitors else "",
        previous=f"{health.csat_previous:.1f}" if health.csat_previous is not None else "?",
        recent=f"{health.csat_recent:.1f}" if health.csat_recent is not None else "?",
    )
    kind = MessageKind.AT_RISK_ALERT.value
    stage = signal.value if crossed_on is None else f"{signal.value}:{crossed_on.isoformat()}"
    context: dict[str, object] = {
        "account_name": health.account_name,
        "tier": health.tier or "tier unknown",
        "arr": money(health.arr),
        "renewal": long_date(health.renewal_date),
        "headline": headline,
        "evidence": [
            {"quote": shorten(item.quoted_text, 300), "received": long_date(item.received_at)}
            for item in evidence[:5]
            if item.quoted_text.strip()
        ],
    }
    try:
        return internal_message(
            stem="at_risk_alert",
            key=message_key(kind, to.email, health.account_id, stage),
            kind=kind,
            to=to,
            subject=f"At risk: {health.account_name} {headline}",
            context=context,
            sender=sender,
            account_id=health.account_id,
        )
    except ValueError as error:
        raise ValueError(f"at-risk alert for account {health.account_id!r}: {error}") from error
