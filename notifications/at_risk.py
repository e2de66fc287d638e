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
from notifications.rendering import long_date, money, plural


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


@dataclass(frozen=True)
class Crossing:
    """One signal an account crossed: the day the crossing began (stable while it lasts) and
    recent items behind it."""

    signal: AtRiskSignal
    crossed_on: date | None = None
    evidence: Sequence[FeedbackItem] = ()


# The order an alert names several signals in: what most threatens the renewal first.
SIGNAL_ORDER = (
    AtRiskSignal.CHURN_OR_COMPETITOR_MENTION,
    AtRiskSignal.SEVERAL_ESCALATIONS,
    AtRiskSignal.DETRACTOR,
    AtRiskSignal.CSAT_FALLING,
)
QUOTED_ITEMS = 5


def compose_at_risk_alert(
    health: AccountHealth,
    signal: AtRiskSignal,
    *,
    sender: SenderIdentity,
    crossed_on: date | None = None,
    evidence: Sequence[FeedbackItem] = (),
) -> EmailMessage:
    """The alert for one account and signal (``compose_account_alert`` with one crossing).

    The key is per account and signal, plus ``crossed_on`` when given: pass the day the current
    crossing began (stable night after night while it lasts) to be alerted again after an
    account recovers and crosses anew; without it the alert fires once per account and signal.
    ``evidence`` are recent items behind the signal, quoted redacted.
    """
    return compose_account_alert(health, [Crossing(signal, crossed_on, evidence)], sender=sender)


def compose_account_alert(
    health: AccountHealth, crossings: Sequence[Crossing], *, sender: SenderIdentity
) -> EmailMessage:
    """One alert for the signals an account crossed, to its CSM (the team inbox when it has
    none): each signal's headline, and the items behind them quoted once each, newest first."""
    if not crossings:
        raise ValueError(f"at-risk alert for account {health.account_id!r}: no signal to name")
    ordered = sorted(crossings, key=lambda crossing: SIGNAL_ORDER.index(crossing.signal))
    to = csm_or_team(health.csm_name, health.csm_email, sender)
    headlines = [_headline(health, crossing.signal) for crossing in ordered]
    quoted: dict[str, FeedbackItem] = {}
    for crossing in ordered:
        for item in crossing.evidence:
            if item.colleague_quote.strip():
                quoted.setdefault(item.item_id, item)
    newest = sorted(quoted.values(), key=lambda item: item.received_at, reverse=True)
    context: dict[str, object] = {
        "account_name": health.account_name,
        "tier": health.tier or "tier unknown",
        "arr": money(health.arr),
        "renewal": long_date(health.renewal_date),
        "headline": headlines[0],
        "headlines": headlines,
        "evidence": [
            {"quote": shorten(item.colleague_quote, 300), "received": long_date(item.received_at)}
            for item in newest[:QUOTED_ITEMS]
        ],
    }
    more = len(headlines) - 1
    subject = f"At risk: {health.account_name} {headlines[0]}" + (
        f" (and {plural(more, 'more signal')})" if more else ""
    )
    try:
        return internal_message(
            stem="at_risk_alert",
            key=alert_key(health, ordered, sender=sender),
            kind=MessageKind.AT_RISK_ALERT.value,
            to=to,
            subject=subject,
            context=context,
            sender=sender,
            account_id=health.account_id,
        )
    except ValueError as error:
        raise ValueError(f"at-risk alert for account {health.account_id!r}: {error}") from error


def alert_key(
    health: AccountHealth, crossings: Sequence[Crossing], *, sender: SenderIdentity
) -> str:
    """The outbox key of the alert naming these crossings: per account, recipient and the set
    of crossings, so the same crossings never alert twice (an alert naming one crossing has
    the key an alert per signal always had)."""
    to = csm_or_team(health.csm_name, health.csm_email, sender)
    stages = sorted(
        c.signal.value if c.crossed_on is None else f"{c.signal.value}:{c.crossed_on.isoformat()}"
        for c in crossings
    )
    return message_key(
        MessageKind.AT_RISK_ALERT.value, to.email, health.account_id, "+".join(stages)
    )


def _headline(health: AccountHealth, signal: AtRiskSignal) -> str:
    competitors = ", ".join(health.competitors)
    return _HEADLINES[signal].format(
        escalations=health.escalated_items_30d,
        competitors=f" ({competitors})" if competitors else "",
        previous=_share(health.csat_satisfied_share_prior_30d),
        recent=_share(health.csat_satisfied_share_30d),
        nps="?" if health.latest_nps_score is None else health.latest_nps_score,
    )
