"""What the loop did well and where it has gaps: rules over the monthly figures.

Each rule reads one figure, says what it shows in numbers, and for a gap says what to do next,
naming the tier, theme or accounts the figure points at.
"""

from __future__ import annotations

from flows.reports.figures import Finding, MonthlyFigures, TierBreaches
from flows.reports.formatting import count, money, pct, signed

# Below this many clocks a tier's breach rate says little; it is not singled out.
MIN_DUE = 5
ACK_BREACH_GAP = 0.10
DETRACTOR_BREACH_GAP = 0.20
CLOSE_LOOP_GAP = 0.50
CATEGORISED_GOOD = 0.90
NPS_MOVE = 3.0
UNMATCHED = "Unmatched"


def monthly_findings(f: MonthlyFigures) -> list[Finding]:
    findings = [
        *_ack_by_tier(f),
        *_detractors_by_tier(f),
        *_close_loop(f),
        *_nps_move(f),
        *_top_theme(f),
        *_categorised(f),
        *_renewals(f),
        *_backlog(f),
    ]
    return [x for x in findings if x.kind == "strength"] + [x for x in findings if x.kind == "gap"]


def _worst(tiers: list[TierBreaches], rate: str, due: str) -> tuple[TierBreaches, float] | None:
    # Unmatched items have no account and no CSM: nobody to tell to do better.
    rated = [
        (t, getattr(t, rate)) for t in tiers if getattr(t, due) >= MIN_DUE and t.tier != UNMATCHED
    ]
    return max(rated, key=lambda pair: (pair[1], getattr(pair[0], due))) if rated else None


def _ack_by_tier(f: MonthlyFigures) -> list[Finding]:
    worst = _worst(f.breaches_by_tier, "ack_breach_rate", "ack_due")
    if worst is None:
        return []
    tier, rate = worst
    hours = f"{f.ack_sla_hours:g} h"
    if rate < ACK_BREACH_GAP:
        return [
            Finding(
                "strength",
                f"Acknowledgments kept the {hours} SLA: even {tier.tier}, the tier that breached"
                f" most, breached only {pct(rate)} of {count(tier.ack_due)} items.",
            )
        ]
    return [
        Finding(
            "gap",
            f"{tier.tier} breaches the {hours} acknowledgment SLA most: {count(tier.ack_breached)}"
            f" of {count(tier.ack_due)} items due ({pct(rate)}).",
            f"Acknowledge {tier.tier} feedback first: give its items an owner the night they"
            f" arrive, and check `loopkeeper status` for {tier.tier} items near their {hours} due time.",
        )
    ]


def _detractors_by_tier(f: MonthlyFigures) -> list[Finding]:
    worst = _worst(f.breaches_by_tier, "detractor_breach_rate", "detractor_due")
    if worst is None:
        return []
    tier, rate = worst
    if rate < DETRACTOR_BREACH_GAP:
        return [
            Finding(
                "strength",
                f"Detractors were contacted in time: the worst tier, {tier.tier}, missed"
                f" {pct(rate)} of {count(tier.detractor_due)}.",
            )
        ]
    return [
        Finding(
            "gap",
            f"{tier.tier} detractors wait too long for a person: {count(tier.detractor_breached)}"
            f" of {count(tier.detractor_due)} were not contacted in time ({pct(rate)}).",
            f"Have {tier.tier} CSMs call detractors within a day of the survey; the hand-off"
            " emails name who to call.",
        )
    ]


def _close_loop(f: MonthlyFigures) -> list[Finding]:
    month = f.close_loop_trend[-1]
    if not month.asked_items or month.rate is None:
        return []
    untold = month.asked_items - month.closed_loop_items
    text = (
        f"{pct(month.rate)} of the month's {count(month.asked_items)} items that asked for"
        f" something shipped or declined were answered ({count(month.closed_loop_items)}"
        " closed loops)."
    )
    if month.rate >= CLOSE_LOOP_GAP:
        return [Finding("strength", text)]
    return [
        Finding(
            "gap",
            text,
            f"Find out why {count(untold)} of them were not answered (an unsubscribed address,"
            " a message waiting in `loopkeeper outbox`): they asked, and the answer exists.",
        )
    ]


def _nps_move(f: MonthlyFigures) -> list[Finding]:
    now, before = f.nps_trend[-1], f.nps_trend[-2]
    if now.nps is None or before.nps is None:
        return []
    move = now.nps - before.nps
    if abs(move) < NPS_MOVE:
        return []
    text = f"NPS moved {signed(move)} points to {now.nps:.1f} ({count(now.responses)} responses)."
    if move > 0:
        return [Finding("strength", text)]
    rated = [
        (tier, m.nps)
        for tier, m in f.nps_by_tier.items()
        if m.nps is not None and m.responses >= MIN_DUE and tier != UNMATCHED
    ]
    if not rated:
        return [Finding("gap", text, "Read this month's detractor comments with the product team.")]
    tier, nps = min(rated, key=lambda pair: pair[1])
    return [
        Finding(
            "gap",
            text,
            f"Start with {tier} (NPS {nps:.1f}, the lowest tier): review its detractors' themes"
            " with their CSMs this week.",
        )
    ]


def _top_theme(f: MonthlyFigures) -> list[Finding]:
    # Praise and general remarks touch ARR too, but product has nothing to act on in them.
    top = next((theme for theme in f.top_themes if theme.is_for_product), None)
    if top is None:
        return []
    text = (
        f"The problem or request touching the most ARR is {top.label}: {count(top.items)} items from"
        f" {count(top.accounts)} accounts, {money(top.arr_affected)} ARR, trend {top.trend}."
    )
    if top.is_escalated or top.roadmap_status:
        status = (top.roadmap_status or "escalated").replace("_", " ")
        return [Finding("strength", f"{text} Product has it ({status}).")]
    return [
        Finding(
            "gap",
            text,
            f"Escalate {top.label} to product with this evidence; no roadmap item answers it yet.",
        )
    ]


def _categorised(f: MonthlyFigures) -> list[Finding]:
    share = f.health.categorised_share
    if share is None:
        return []
    text = f"{pct(share)} of {count(f.health.items)} items were categorised by the tagger."
    if share >= CATEGORISED_GOOD:
        return [Finding("strength", text)]
    return [
        Finding(
            "gap",
            text,
            "Label a sample of the uncategorised items and retrain the tagger (models/README.md).",
        )
    ]


def _renewals(f: MonthlyFigures) -> list[Finding]:
    if not f.risky_items:
        return []
    arr = sum(i.arr for i in f.risky_items)
    names = ", ".join(i.account_name for i in f.risky_items[:3])
    return [
        Finding(
            "gap",
            f"{count(len(f.risky_items))} accounts renewing within 90 days still have negative"
            f" feedback open ({money(arr)} ARR).",
            f"Have their CSMs close these before renewal, starting with {names}.",
        )
    ]


def _backlog(f: MonthlyFigures) -> list[Finding]:
    backlog = f.health.open_over_30d_items
    if not backlog:
        return []
    return [
        Finding(
            "gap",
            f"{count(backlog)} of the month's {count(f.health.items)} items are open after 30 days.",
            "Triage the oldest first: decline what will not be built and tell the customer so.",
        )
    ]
