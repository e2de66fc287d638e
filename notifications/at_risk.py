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
    """Why an account is at risk: the reason codes of dbt's int_account_risk_signals, which
    alone decides them (thresholds are dbt vars set from the settings)."""

    SEVERAL_ESCALATIONS = "several_escalations_30d"
    CHURN_OR_COMPETITOR_MENTION = "churn_or_competitor_mention"
    CSAT_FALLING = "csat_falling"
    DETRACTOR = "detractor"


_HEADLINES = {
    AtRiskSignal.SEVERAL_ESCALATIONS: "has had {escalations} escalated items in the last 30 days",
    AtRiskSignal.CHURN_OR_COMPETITOR_MENTION: (
        "mentioned leaving or a competitor{competitors} in the last 90 days"
    ),
    AtRiskSignal.CSAT_FALLING: "has falling CSAT ({previous} to {recent} satisfied)",
    AtRiskSignal.DETRACTOR: "gave a detractor NPS score ({nps} out of 10)",
}


@dataclass(frozen=True)
class AccountHealth:
    """One at-risk account's figures, as the warehouse judged them (a row of dbt's
    loop_at_risk_alerts): what an alert states, never what decides it.

    CSAT shares are the satisfied share (0-1) of the last 30 days and of the 30 before.
    """

    account_id: str
    account_name: str
    tier: str
    arr: float | None
    renewal_date: date | None
    csm_name: str
    csm_email: str
    escalated_items_30d: int = 0
    competitors: tuple[str, ...] = ()
    csat_satisfied_share_30d: float | None = None
    csat_satisfied_share_prior_30d: float | None = None
    latest_nps_score: int | None = None


def _share(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


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
        escalations=health.escalated_items_30d,
        competitors=f" ({competitors})" if competitors else "",
        previous=_share(health.csat_satisfied_share_prior_30d),
        recent=_share(health.csat_satisfied_share_30d),
        nps="?" if health.latest_nps_score is None else health.latest_nps_score,
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
