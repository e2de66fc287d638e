"""The weekly voice-of-the-customer report's figures, read from the report models
(dbt_project/models/reports: rpt_weekly_*, rpt_daily_tickets), dim_accounts and the outbox.

The models count; this module picks the week's rows and composes them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb

from flows.reports.figures import (
    BugImpact,
    FeatureTrend,
    Praise,
    TicketWeek,
    WeeklyFigures,
    WeeklyTheme,
)
from flows.reports.monthly_lists import quote
from flows.reports.periods import Period, previous
from flows.reports.queries import as_of_date, require_items, rows
from flows.reports.weekly_accounts import at_risk_accounts

TOP_THEMES = 8
FEATURE_THEMES = 8
PRAISE_QUOTES = 3


def weekly_figures(con: duckdb.DuckDBPyConnection, period: Period, name: str) -> WeeklyFigures:
    require_items(con, period, name)
    last = previous(period)
    as_of = as_of_date(con)
    at_risk, total, told = at_risk_accounts(con)
    week, last_week = _volumes(con, period), _volumes(con, last)
    return WeeklyFigures(
        period=period,
        as_of=as_of,
        items=week.get("items", 0),
        items_last_week=last_week.get("items", 0),
        top_themes=_top_themes(con, period),
        bugs=_bugs(week),
        bugs_last_week=_bugs(last_week),
        feature_requests=_feature_requests(con, period),
        praise_items=week.get("praise_items", 0),
        praise_accounts=week.get("praise_accounts", 0),
        praise=_praise(con, period),
        at_risk=at_risk,
        at_risk_total=total,
        at_risk_told=told,
        tickets=_tickets(con, period, week),
        tickets_last_week=_tickets(con, last, last_week),
    )


def _volumes(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, Any]:
    """The week's row of rpt_weekly_feedback; a week without items counts zero everywhere."""
    found = rows(
        con, "select * from reports.rpt_weekly_feedback where week_start = ?", [period.start]
    )
    return found[0] if found else {"week_start": period.start}


def _top_themes(con: duckdb.DuckDBPyConnection, period: Period) -> list[WeeklyTheme]:
    found = rows(
        con,
        "select * from reports.rpt_weekly_themes where week_start = ? and theme_rank <= ?"
        " order by theme_rank",
        [period.start, TOP_THEMES],
    )
    return [
        WeeklyTheme(
            theme_key=r["theme_key"],
            label=r["theme_label"] or r["theme_key"],
            items=r["items"],
            accounts=r["accounts_affected"],
            arr_affected=r["arr_affected"],
            negative_share=r["negative_share"],
            quote=quote(r["quote_text"]),
        )
        for r in found
    ]


def _bugs(week: dict[str, Any]) -> BugImpact:
    return BugImpact(
        items=week.get("bug_items", 0),
        tickets=week.get("bug_tickets", 0),
        customers=week.get("bug_customers", 0),
        arr_affected=week.get("bug_arr_affected", 0),
        critical_or_high=week.get("bug_critical_or_high", 0),
    )


def _feature_requests(con: duckdb.DuckDBPyConnection, period: Period) -> list[FeatureTrend]:
    found = rows(
        con,
        "select * from reports.rpt_weekly_feature_requests where week_start = ?"
        " and trend_rank <= ? order by trend_rank",
        [period.start, FEATURE_THEMES],
    )
    return [
        FeatureTrend(
            label=r["theme_label"] or r["theme_key"],
            items=r["items"],
            items_last_week=r["items_last_week"],
            accounts=r["accounts_affected"],
            arr_affected=r["arr_affected"],
        )
        for r in found
    ]


def _praise(con: duckdb.DuckDBPyConnection, period: Period) -> list[Praise]:
    found = rows(
        con,
        "select * from reports.rpt_weekly_praise where week_start = ? and quote_rank <= ?"
        " order by quote_rank",
        [period.start, PRAISE_QUOTES],
    )
    return [Praise(r["account_name"], r["tier"], quote(r["redacted_text"])) for r in found]


def _tickets(con: duckdb.DuckDBPyConnection, period: Period, week: dict[str, Any]) -> TicketWeek:
    days = [period.start + timedelta(days=i) for i in range(7)]
    per_day = {
        r["received_date"]: r["tickets"]
        for r in rows(
            con,
            "select * from reports.rpt_daily_tickets"
            " where received_date >= ? and received_date <= ?",
            [days[0], days[-1]],
        )
    }
    return TicketWeek(
        tickets=week.get("tickets", 0),
        urgent_or_high=week.get("tickets_urgent_or_high", 0),
        negative=week.get("tickets_negative", 0),
        csat_good=week.get("tickets_csat_good", 0),
        csat_bad=week.get("tickets_csat_bad", 0),
        per_day=tuple(per_day.get(d, 0) for d in days),
    )
