"""The monthly loop-health report's figures, read from the marts and the report models
(dbt_project/models/reports: rpt_monthly_*); this module composes, the models count."""

from __future__ import annotations

from datetime import date

import duckdb

from flows.reports.figures import (
    AckMonth,
    ChannelVolume,
    CloseLoopMonth,
    LoopHealth,
    MonthlyFigures,
    NpsMonth,
    TierBreaches,
)
from flows.reports.impact_figures import loop_impact
from flows.reports.monthly_lists import risky_items, top_themes
from flows.reports.periods import Period, months_back
from flows.reports.queries import Row, ack_sla_hours, as_of_date, require_items, rows
from flows.reports.recommendations import monthly_findings

TREND_MONTHS = 12


def monthly_figures(con: duckdb.DuckDBPyConnection, period: Period, name: str) -> MonthlyFigures:
    require_items(con, period, name)
    months = [m.start for m in months_back(period, TREND_MONTHS)]
    window: list[object] = [months[0], period.end]
    figures = MonthlyFigures(
        period=period,
        as_of=as_of_date(con),
        ack_sla_hours=ack_sla_hours(con),
        health=_health(con, period),
        nps_trend=_nps_trend(con, months, window),
        nps_by_tier=_nps_by_tier(con, period),
        volume=_volume(con, window),
        ack_trend=_ack_trend(con, months, window),
        close_loop_trend=_close_loop_trend(con, months, window),
        breaches_by_tier=_breaches_by_tier(con, period),
        top_themes=top_themes(con, period, months[-6:]),
        theme_months=months[-6:],
        risky_items=risky_items(con, period),
        loop_impact=loop_impact(con),
    )
    figures.findings = monthly_findings(figures)
    return figures


def _health(con: duckdb.DuckDBPyConnection, period: Period) -> LoopHealth:
    found = rows(
        con,
        "select * from marts.fct_loop_health_monthly where activity_month = ? and channel = 'all'",
        [period.start],
    )
    row = found[0] if found else {}
    return LoopHealth(
        items=row.get("items") or 0,
        categorised_share=row.get("categorised_share"),
        acknowledged_within_48h_share=row.get("acknowledged_within_48h_share"),
        avg_hours_to_ack=row.get("avg_hours_to_ack"),
        escalated_items=row.get("escalated_items") or 0,
        product_response_share=row.get("product_response_share"),
        closed_loop_emails_sent=row.get("closed_loop_emails_sent") or 0,
        open_over_30d_items=row.get("open_over_30d_items") or 0,
        nps=row.get("nps"),
    )


def _nps_trend(
    con: duckdb.DuckDBPyConnection, months: list[date], window: list[object]
) -> list[NpsMonth]:
    found = {
        r["response_month"]: r
        for r in rows(
            con,
            "select * from reports.rpt_monthly_nps"
            " where response_month >= ? and response_month < ?",
            window,
        )
    }
    return [
        NpsMonth(
            month=month,
            responses=int(found.get(month, {}).get("responses") or 0),
            promoters=int(found.get(month, {}).get("promoters") or 0),
            passives=int(found.get(month, {}).get("passives") or 0),
            detractors=int(found.get(month, {}).get("detractors") or 0),
            nps=found.get(month, {}).get("nps"),
        )
        for month in months
    ]


def _nps_by_tier(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, NpsMonth]:
    return {
        r["tier"]: NpsMonth(
            month=period.start,
            responses=r["responses"],
            promoters=r["promoters"],
            passives=r["passives"],
            detractors=r["detractors"],
            nps=r["nps"],
        )
        for r in rows(
            con,
            "select * from marts.fct_nps_monthly where response_month = ? order by tier",
            [period.start],
        )
    }


def _volume(con: duckdb.DuckDBPyConnection, window: list[object]) -> list[ChannelVolume]:
    return [
        ChannelVolume(month=r["activity_month"], channel=r["channel"], items=r["items"])
        for r in rows(
            con,
            """
            select activity_month, channel, items from marts.fct_loop_health_monthly
            where channel <> 'all' and activity_month >= ? and activity_month < ?
            order by activity_month, channel
            """,
            window,
        )
    ]


def _loop_months(con: duckdb.DuckDBPyConnection, window: list[object]) -> dict[date, Row]:
    return {
        r["activity_month"]: r
        for r in rows(
            con,
            "select * from reports.rpt_monthly_loop"
            " where activity_month >= ? and activity_month < ?",
            window,
        )
    }


def _ack_trend(
    con: duckdb.DuckDBPyConnection, months: list[date], window: list[object]
) -> list[AckMonth]:
    found = _loop_months(con, window)
    return [
        AckMonth(
            month=m,
            items=int(found.get(m, {}).get("ack_items") or 0),
            met=int(found.get(m, {}).get("ack_met") or 0),
            breached=int(found.get(m, {}).get("ack_breached") or 0),
            open=int(found.get(m, {}).get("ack_open") or 0),
            avg_hours_to_ack=found.get(m, {}).get("avg_hours_to_ack"),
            acknowledged_within_48h_share=found.get(m, {}).get("acknowledged_within_48h_share"),
        )
        for m in months
    ]


def _close_loop_trend(
    con: duckdb.DuckDBPyConnection, months: list[date], window: list[object]
) -> list[CloseLoopMonth]:
    found = _loop_months(con, window)
    return [
        CloseLoopMonth(
            month=m,
            asked_items=int(found.get(m, {}).get("asked_items") or 0),
            closed_loop_items=int(found.get(m, {}).get("closed_loop_items") or 0),
            closed_loop_emails_sent=int(found.get(m, {}).get("closed_loop_emails_sent") or 0),
        )
        for m in months
    ]


def _breaches_by_tier(con: duckdb.DuckDBPyConnection, period: Period) -> list[TierBreaches]:
    return [
        TierBreaches(
            tier=r["tier"],
            items=r["items"],
            ack_due=r["ack_due"],
            ack_breached=r["ack_breached"],
            detractor_due=r["detractor_contact_due"],
            detractor_breached=r["detractor_contact_breached"],
            first_plan_due=r["first_plan_due"],
            first_plan_breached=r["first_plan_breached"],
            product_response_due=r["product_response_due"],
            product_response_breached=r["product_response_breached"],
        )
        for r in rows(
            con,
            "select * from reports.rpt_monthly_tier_breaches where activity_month = ?"
            " order by tier",
            [period.start],
        )
    ]
