"""Escalating a theme to product: when it crosses the thresholds, and the document product reads.

A theme that crosses every threshold set is escalated: a document of its own. One that crosses
only some is on product's watch list, a line in the escalation index (escalation_index.py), so
a first night over months of feedback asks product to read a handful of documents, not a
hundred.

The document puts business impact first (the ARR behind the theme, and at risk only where its
accounts mentioned leaving or a competitor or are flagged at risk; renewals), then the problem as
customers live it, their redacted words with tier and ARR, the workaround, and the ask with a
date.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from notifications import wording
from notifications.feedback_item import FeedbackItem
from notifications.markdown import markdown_text
from notifications.redaction import shorten
from notifications.rendering import TEMPLATES, long_date, money, plural

VERBATIM_LIMIT = 5


@dataclass(frozen=True)
class ThemeAccount:
    """An account with feedback in the theme. ``at_retention_risk``: it mentioned leaving or a
    competitor, or is flagged at risk by the marts."""

    account_id: str
    account_name: str
    tier: str
    arr: float
    renewal_date: date | None
    at_retention_risk: bool = False


@dataclass(frozen=True)
class ThemeEvidence:
    """What the marts know about one theme; ``items`` are its feedback items, verbatims come from
    them. ``problem``, ``workaround`` and ``ask`` are a person's words when given."""

    theme_key: str
    theme_label: str
    product_area: str
    accounts: tuple[ThemeAccount, ...]
    items: tuple[FeedbackItem, ...]
    problem: str = ""
    workaround: str = ""
    ask: str = ""


@dataclass(frozen=True)
class EscalationThresholds:
    """A theme escalates when it crosses every threshold set, and is watched when it crosses
    some; None switches one off."""

    min_accounts: int | None = 8
    min_arr: float | None = 250_000.0
    min_retention_risk_accounts: int | None = 2
    renewal_window_days: int = 90
    answer_within_days: int = 14
    # Product answers this long before the first affected renewal, when that is sooner.
    renewal_lead_days: int = 30
    min_answer_days: int = 3


DEFAULT_THRESHOLDS = EscalationThresholds()


@dataclass(frozen=True)
class Impact:
    """The theme's business impact, each account counted once."""

    accounts: int
    arr: float
    enterprise_accounts: int
    retention_risk_accounts: int
    retention_risk_arr: float
    renewals: tuple[ThemeAccount, ...] = field(default=())


def impact(theme: ThemeEvidence, as_of: date, thresholds: EscalationThresholds) -> Impact:
    accounts = {account.account_id: account for account in theme.accounts}.values()
    at_risk = [account for account in accounts if account.at_retention_risk]
    horizon = as_of + timedelta(days=thresholds.renewal_window_days)
    renewals = sorted(
        (a for a in accounts if a.renewal_date is not None and as_of <= a.renewal_date <= horizon),
        key=lambda account: (account.renewal_date, -account.arr),
    )
    return Impact(
        accounts=len(accounts),
        arr=sum(account.arr for account in accounts),
        enterprise_accounts=sum(account.tier == "Enterprise" for account in accounts),
        retention_risk_accounts=len(at_risk),
        retention_risk_arr=sum(account.arr for account in at_risk),
        renewals=tuple(renewals),
    )


def escalation_reasons(
    theme: ThemeEvidence, as_of: date, thresholds: EscalationThresholds = DEFAULT_THRESHOLDS
) -> tuple[str, ...]:
    """The thresholds the theme crosses, as sentences; empty when it crosses none."""
    figures = impact(theme, as_of, thresholds)
    reasons = []
    if thresholds.min_accounts is not None and figures.accounts >= thresholds.min_accounts:
        reasons.append(f"{figures.accounts} accounts (threshold {thresholds.min_accounts})")
    if thresholds.min_arr is not None and figures.arr >= thresholds.min_arr:
        reasons.append(f"{money(figures.arr)} ARR (threshold {money(thresholds.min_arr)})")
    risk = thresholds.min_retention_risk_accounts
    if risk is not None and figures.retention_risk_accounts >= risk:
        reasons.append(
            f"{figures.retention_risk_accounts} accounts at retention risk (threshold {risk})"
        )
    return tuple(reasons)


def thresholds_set(thresholds: EscalationThresholds) -> int:
    """How many of the thresholds are switched on."""
    return sum(
        value is not None
        for value in (
            thresholds.min_accounts,
            thresholds.min_arr,
            thresholds.min_retention_risk_accounts,
        )
    )


def escalates(
    theme: ThemeEvidence, as_of: date, thresholds: EscalationThresholds = DEFAULT_THRESHOLDS
) -> bool:
    """Whether the theme crosses every threshold set (and at least one is set)."""
    needed = thresholds_set(thresholds)
    return needed > 0 and len(escalation_reasons(theme, as_of, thresholds)) == needed


def answer_needed_by(
    theme: ThemeEvidence, as_of: date, thresholds: EscalationThresholds = DEFAULT_THRESHOLDS
) -> date:
    """When product must answer: within ``answer_within_days``, or ``renewal_lead_days`` before
    the first affected renewal when that is sooner, but never sooner than ``min_answer_days``."""
    answer = as_of + timedelta(days=thresholds.answer_within_days)
    renewals = impact(theme, as_of, thresholds).renewals
    if renewals and renewals[0].renewal_date is not None:
        answer = min(
            answer, renewals[0].renewal_date - timedelta(days=thresholds.renewal_lead_days)
        )
    return max(answer, as_of + timedelta(days=thresholds.min_answer_days))


def representative_verbatims(
    theme: ThemeEvidence, limit: int = VERBATIM_LIMIT
) -> list[tuple[FeedbackItem, ThemeAccount | None]]:
    """Up to ``limit`` items worth quoting: one per account first, biggest ARR first, then newest."""
    accounts = {account.account_id: account for account in theme.accounts}

    def weight(item: FeedbackItem) -> tuple[float, float]:
        account = accounts.get(item.account_id or "")
        return (-(account.arr if account else item.arr or 0.0), -item.received_at.timestamp())

    # A big theme holds tens of thousands of items, and working out an item's quote costs far
    # more than weighing it: the items are put in order first, and each one's quote is worked
    # out only when it is reached. Once `limit` accounts have given their first quotable item
    # those items are the answer, and the rest are never quoted (quoting every item took ~2 s
    # of the documents of a million-item warehouse's 480 biggest themes).
    firsts: list[FeedbackItem] = []
    others: list[FeedbackItem] = []
    seen: set[str | None] = set()
    for item in sorted(theme.items, key=weight):
        if not item.colleague_quote.strip():
            continue
        (others if item.account_id in seen else firsts).append(item)
        seen.add(item.account_id)
        if len(firsts) == limit:
            break
    chosen = (firsts + others)[:limit]
    return [(item, accounts.get(item.account_id or "")) for item in chosen]


# Intents of feedback that asks for something rather than reporting a fault.
ASKING_INTENTS = frozenset({"feature_request", "question"})


def asks_for_something(theme: ThemeEvidence) -> bool:
    """Most of the theme's items ask for something: its ARR is asking, not affected."""
    asking = sum(item.intent in ASKING_INTENTS for item in theme.items)
    return asking * 2 > len(theme.items)


@functools.cache
def markdown_environment() -> Environment:
    """Every value written into the document passes ``markdown_text``; the template's markup does
    not, so a verbatim can never open a heading, a link or a script."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown, not HTML; escaping is finalize's job
        finalize=markdown_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["plural"] = plural
    return environment


def escalation_document(
    theme: ThemeEvidence,
    *,
    as_of: date,
    thresholds: EscalationThresholds = DEFAULT_THRESHOLDS,
) -> str:
    """The Markdown document for one theme, business impact first."""
    figures = impact(theme, as_of, thresholds)
    area = wording.display_area(theme.product_area)
    items = len(theme.items)
    # A label names its area already ("API: problems with rate limit"); only a bare one needs it.
    where = f" in {area}" if area and ":" not in theme.theme_label else ""
    problem = theme.problem or (
        f"Customers on {plural(figures.accounts, 'account')} raised "
        f"{plural(items, 'piece')} of feedback about {theme.theme_label}{where}."
    )
    answer_by = long_date(answer_needed_by(theme, as_of, thresholds))
    verbatims = [
        {
            "quote": shorten(item.colleague_quote, 400),
            "tier": (account.tier if account else item.tier) or "tier unknown",
            "arr": money(account.arr if account else item.arr),
            "received": long_date(item.received_at),
            "source": item.source,
        }
        for item, account in representative_verbatims(theme)
    ]
    context = {
        "label": theme.theme_label,
        "theme_key": theme.theme_key,
        "area": area or "not tagged",
        "escalated_on": long_date(as_of),
        "answer_by": answer_by,
        "impact": figures,
        "arr_heading": "ARR asking" if asks_for_something(theme) else "ARR affected",
        "arr": money(figures.arr),
        "risk_arr": money(figures.retention_risk_arr),
        "renewals": [
            {
                "name": a.account_name,
                "tier": a.tier,
                "arr": money(a.arr),
                "date": long_date(a.renewal_date),
            }
            for a in figures.renewals
        ],
        "window": thresholds.renewal_window_days,
        "reasons": escalation_reasons(theme, as_of, thresholds),
        "problem": problem,
        "verbatims": verbatims,
        "items": items,
        "workaround": theme.workaround or "None known.",
        "ask": theme.ask
        or f"Decide whether and when to address {theme.theme_label}, so we can tell these "
        "customers what to expect.",
    }
    return markdown_environment().get_template("escalation.md.j2").render(context)
