"""At-risk accounts for the weekly report, and whether their CSM was told (ops.outbox)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from flows.reports.figures import AtRiskAccount
from flows.reports.queries import rows

AT_RISK_LISTED = 12
# The at-risk flags look back 30 days (dim_accounts); a CSM told within that window was told
# about the risk the flags describe.
TOLD_WINDOW_DAYS = 30
TOLD_KINDS = ("at_risk_alert", "handoff")


def at_risk_accounts(
    con: duckdb.DuckDBPyConnection, as_of: date
) -> tuple[list[AtRiskAccount], int, int]:
    """The at-risk accounts by ARR (the first AT_RISK_LISTED), how many in all, how many told.

    "Told" is an at-risk alert or a hand-off about the account that the outbox sent for a night
    within TOLD_WINDOW_DAYS of as_of; the night (run_date), not the wall clock, so a backfill
    counts the same.
    """
    found = rows(
        con,
        f"""
        with told as (
            select account_id, max(run_date) as told_on
            from ops.outbox
            where kind in {TOLD_KINDS} and status = 'sent'
                and run_date > ? and run_date <= ?
            group by account_id
        )
        select a.account_name, a.tier, a.arr, a.days_to_renewal, a.csm_name,
            a.at_risk_reasons, told.told_on
        from marts.dim_accounts as a
        left join told on told.account_id = a.account_id
        where a.is_at_risk
        order by a.arr desc nulls last, a.account_id
        """,
        [as_of - timedelta(days=TOLD_WINDOW_DAYS), as_of],
    )
    accounts = [
        AtRiskAccount(
            account_name=r["account_name"],
            tier=r["tier"],
            arr=r["arr"] or 0.0,
            days_to_renewal=r["days_to_renewal"],
            csm_name=r["csm_name"],
            reasons=tuple(r["at_risk_reasons"] or ()),
            csm_told=r["told_on"] is not None,
            csm_told_at=r["told_on"],
        )
        for r in found
    ]
    return accounts[:AT_RISK_LISTED], len(accounts), sum(a.csm_told for a in accounts)
