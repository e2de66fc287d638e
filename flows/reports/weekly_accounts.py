"""At-risk accounts for the weekly report, and whether their CSM was told
(rpt_weekly_at_risk_accounts)."""

from __future__ import annotations

import duckdb

from flows.reports.figures import AtRiskAccount
from flows.reports.queries import rows

AT_RISK_LISTED = 12


def at_risk_accounts(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[AtRiskAccount], int, int]:
    """The at-risk accounts by ARR (the first AT_RISK_LISTED), how many in all, how many told.

    Whether the CSM was told, and within which window, is the warehouse's answer
    (rpt_weekly_at_risk_accounts).
    """
    found = rows(
        con,
        "select * from reports.rpt_weekly_at_risk_accounts"
        " order by arr desc nulls last, account_id",
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
