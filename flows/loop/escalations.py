"""Escalating themes to product: the marts' themes over a threshold get a document, once.

A theme is weighed on its items of the last ``theme_window_days`` (the marts' current view):
the accounts they came from, with ARR and renewal from dim_accounts; an account is at retention
risk when one of those items mentions leaving or a competitor, or dim_accounts flags it at risk.
Praise themes are never escalated, nor themes whose roadmap item has shipped or been declined:
product has answered those already. The document is written first under its stable name, then
its ``ops.escalations`` row in its own transaction: a crash in between leaves a file the next
night rewrites, identically named, before recording it.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import duckdb

from flows.loop.outcome import EscalationOutcome
from flows.loop.policy import LoopPolicy
from flows.loop.rows import FEEDBACK_COLUMNS, feedback_items, fetch_dicts
from notifications import (
    ThemeAccount,
    ThemeEvidence,
    escalated_theme_keys,
    escalation_reasons,
    record_escalation,
    write_escalation_document,
)

log = logging.getLogger(__name__)

THEME_ACCOUNTS_SQL = """
select
    themes.theme_key,
    themes.theme_label,
    coalesce(themes.product_area, '') as product_area,
    feedback.account_id,
    accounts.account_name,
    coalesce(accounts.tier, '') as tier,
    coalesce(accounts.arr, 0) as arr,
    accounts.renewal_date,
    bool_or(coalesce(feedback.has_churn_or_competitor_mention, false) or accounts.is_at_risk)
        as at_retention_risk
from marts.dim_themes as themes
inner join marts.fct_feedback as feedback
    on themes.theme_key = feedback.theme_key
inner join marts.dim_accounts as accounts
    on feedback.account_id = accounts.account_id
where not themes.is_praise
    and coalesce(themes.roadmap_status, '') not in ('shipped', 'declined')
    and feedback.received_at >= ? and feedback.received_at < ?
group by all
order by themes.theme_key, feedback.account_id
"""

THEME_ITEMS_SQL = f"""
select {FEEDBACK_COLUMNS}
from marts.fct_feedback
where theme_key = ? and received_at >= ? and received_at < ?
order by received_at desc, item_id
"""


def candidate_themes(
    con: duckdb.DuckDBPyConnection, *, as_of: datetime, policy: LoopPolicy
) -> list[ThemeEvidence]:
    """Themes not escalated yet, with their accounts (no items yet: thresholds need none)."""
    already = escalated_theme_keys(con)
    start = as_of - timedelta(days=policy.theme_window_days)
    themes: dict[str, ThemeEvidence] = {}
    for row in fetch_dicts(con, THEME_ACCOUNTS_SQL, [start, as_of]):
        if row["theme_key"] in already:
            continue
        account = ThemeAccount(
            account_id=row["account_id"],
            account_name=row["account_name"] or row["account_id"],
            tier=row["tier"],
            arr=float(row["arr"]),
            renewal_date=row["renewal_date"],
            at_retention_risk=bool(row["at_retention_risk"]),
        )
        theme = themes.get(row["theme_key"]) or ThemeEvidence(
            theme_key=row["theme_key"],
            theme_label=row["theme_label"] or row["theme_key"],
            product_area=row["product_area"],
            accounts=(),
            items=(),
        )
        themes[theme.theme_key] = ThemeEvidence(
            theme_key=theme.theme_key,
            theme_label=theme.theme_label,
            product_area=theme.product_area,
            accounts=(*theme.accounts, account),
            items=(),
        )
    return list(themes.values())


def escalate_themes(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime,
    run_date: date,
    policy: LoopPolicy,
) -> EscalationOutcome:
    """Write and record a document for every theme crossing a threshold for the first time."""
    judged_on = run_date
    start = as_of - timedelta(days=policy.theme_window_days)
    crossing = [
        theme
        for theme in candidate_themes(con, as_of=as_of, policy=policy)
        if escalation_reasons(theme, judged_on, policy.escalation)
    ]
    written = []
    for theme in crossing:
        rows = fetch_dicts(con, THEME_ITEMS_SQL, [theme.theme_key, start, as_of])
        items, rejected = feedback_items(rows)
        for bad in rejected:
            log.warning(
                "escalation of %s leaves out item %s: %s", theme.theme_key, bad.item_id, bad.reason
            )
        evidence = ThemeEvidence(
            theme_key=theme.theme_key,
            theme_label=theme.theme_label,
            product_area=theme.product_area,
            accounts=theme.accounts,
            items=tuple(items),
        )
        path = write_escalation_document(
            evidence, policy.escalation_dir, as_of=judged_on, thresholds=policy.escalation
        )
        con.begin()
        try:
            # Wall-clock time, as ops.escalations documents it: the marts of this same night
            # (judged at as_of) do not see the escalation, so running the night again changes
            # nothing; the next night's do.
            escalated_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
            if record_escalation(
                con,
                evidence,
                path,
                escalated_at=escalated_at,
                run_date=run_date,
                thresholds=policy.escalation,
            ):
                written.append(path)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    return EscalationOutcome(crossed=len(crossing), documents=tuple(written))
