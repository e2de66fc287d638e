"""The monthly loop-health report's figures, read from the marts."""

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
from flows.reports.monthly_lists import risky_items, top_themes
from flows.reports.periods import Period, months_back
from flows.reports.queries import ack_sla_hours, as_of_date, require_items, rows
from flows.reports.recommendations import monthly_findings

TREND_MONTHS = 12
CLOSED_STAGES = ("shipped", "declined", "closed_loop")


def nps_value(promoters: int, detractors: int, responses: int) -> float | None:
    """Percent promoters minus percent detractors, one decimal, as the marts round it."""
    return round(100.0 * (promoters - detractors) / responses, 1) if responses else None


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
            """
            select response_month, sum(responses) as responses, sum(promoters) as promoters,
                sum(passives) as passives, sum(detractors) as detractors
            from marts.fct_nps_monthly
            where response_month >= ? and response_month < ?
            group by response_month
            """,
            window,
        )
    }
    trend = []
    for month in months:
        r = found.get(month, {})
        responses, promoters = int(r.get("responses") or 0), int(r.get("promoters") or 0)
        passives, detractors = int(r.get("passives") or 0), int(r.get("detractors") or 0)
        trend.append(
            NpsMonth(
                month=month,
                responses=responses,
                promoters=promoters,
                passives=passives,
                detractors=detractors,
                nps=nps_value(promoters, detractors, responses),
            )
        )
    return trend


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


def _ack_trend(
    con: duckdb.DuckDBPyConnection, months: list[date], window: list[object]
) -> list[AckMonth]:
    found = {
        r["month"]: r
        for r in rows(
            con,
            """
            select cast(date_trunc('month', s.received_at) as date) as month, count(*) as items,
                count(*) filter (where s.ack_sla_status = 'met') as met,
                count(*) filter (where s.ack_sla_status = 'breached') as breached,
                count(*) filter (where s.ack_sla_status = 'open') as open,
                any_value(h.avg_hours_to_ack) as avg_hours_to_ack,
                any_value(h.acknowledged_within_48h_share) as share_48h
            from marts.fct_feedback_sla as s
            left join marts.fct_loop_health_monthly as h
                on h.activity_month = cast(date_trunc('month', s.received_at) as date)
                and h.channel = 'all'
            where s.received_at >= ? and s.received_at < ?
            group by 1
            """,
            window,
        )
    }
    return [
        AckMonth(
            month=m,
            items=found.get(m, {}).get("items", 0),
            met=found.get(m, {}).get("met", 0),
            breached=found.get(m, {}).get("breached", 0),
            open=found.get(m, {}).get("open", 0),
            avg_hours_to_ack=found.get(m, {}).get("avg_hours_to_ack"),
            acknowledged_within_48h_share=found.get(m, {}).get("share_48h"),
        )
        for m in months
    ]


def _close_loop_trend(
    con: duckdb.DuckDBPyConnection, months: list[date], window: list[object]
) -> list[CloseLoopMonth]:
    found = {
        r["month"]: r
        for r in rows(
            con,
            f"""
            select cast(date_trunc('month', received_at) as date) as month,
                count(*) filter (where current_stage in {CLOSED_STAGES}) as resolved,
                count(*) filter (where current_stage = 'closed_loop') as closed
            from marts.fct_feedback
            where received_at >= ? and received_at < ?
            group by 1
            """,
            window,
        )
    }
    emails = {
        r["activity_month"]: r["closed_loop_emails_sent"]
        for r in rows(
            con,
            "select activity_month, closed_loop_emails_sent from marts.fct_loop_health_monthly"
            " where channel = 'all' and activity_month >= ? and activity_month < ?",
            window,
        )
    }
    return [
        CloseLoopMonth(
            month=m,
            resolved_items=found.get(m, {}).get("resolved", 0),
            closed_loop_items=found.get(m, {}).get("closed", 0),
            closed_loop_emails_sent=emails.get(m) or 0,
        )
        for m in months
    ]


def _breaches_by_tier(con: duckdb.DuckDBPyConnection, period: Period) -> list[TierBreaches]:
    clocks = ("ack", "detractor_contact", "first_plan", "product_response")
    due = ", ".join(
        f"count(*) filter (where {c}_sla_status in ('met', 'breached')) as {c}_due,"
        f" count(*) filter (where {c}_sla_status = 'breached') as {c}_breached"
        for c in clocks
    )
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
            f"""
            select coalesce(tier, 'Unmatched') as tier, count(*) as items, {due}
            from marts.fct_feedback_sla
            where received_at >= ? and received_at < ?
            group by 1 order by 1
            """,
            [period.start_at, period.end_at],
        )
    ]
