"""The monthly report's ranked lists: themes by ARR affected (rpt_monthly_top_themes), and the
riskiest open items (rpt_monthly_risky_items)."""

from __future__ import annotations

from datetime import date

import duckdb

from flows.reports.figures import RiskyItem, ThemeImpact
from flows.reports.periods import Period
from flows.reports.queries import rows

TOP_THEMES = 8
RISKY_ITEMS = 10
QUOTE_CHARS = 220


def quote(text: str | None) -> str:
    """A redacted text, shortened on a word boundary: a quote, never a wall of text."""
    text = " ".join((text or "").split())
    if len(text) <= QUOTE_CHARS:
        return text
    return text[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def top_themes(
    con: duckdb.DuckDBPyConnection, period: Period, months: list[date]
) -> list[ThemeImpact]:
    """The month's themes by ARR affected (rpt_monthly_top_themes), with their items per month."""
    found = rows(
        con,
        "select * from reports.rpt_monthly_top_themes"
        " where report_month = ? and theme_rank <= ? order by theme_rank",
        [period.start, TOP_THEMES],
    )
    keys = [r["theme_key"] for r in found]
    history: dict[tuple[str, date], int] = {
        (r["theme_key"], r["month"]): r["items"]
        for r in rows(
            con,
            """
            select theme_key, cast(period_start as date) as month, items
            from marts.fct_theme_impact
            where period_type = 'month' and theme_key in (select unnest(?::varchar[]))
                and cast(period_start as date) >= ? and cast(period_start as date) <= ?
            """,
            [keys, months[0], months[-1]],
        )
    }
    return [
        ThemeImpact(
            theme_key=r["theme_key"],
            label=r["theme_label"] or r["theme_key"],
            items=r["items"],
            accounts=r["accounts_affected"] or 0,
            arr_affected=r["arr_affected"] or 0.0,
            arr_renewing_90d=r["arr_renewing_90d"] or 0.0,
            trend=r["trend"] or "flat",
            trend_pct=r["trend_pct"],
            is_escalated=bool(r["is_escalated"]),
            roadmap_status=r["roadmap_status"],
            is_for_product=bool(r["is_for_product"]),
            monthly_items=tuple(history.get((r["theme_key"], m), 0) for m in months),
        )
        for r in found
    ]


def risky_items(con: duckdb.DuckDBPyConnection, period: Period) -> list[RiskyItem]:
    """Accounts renewing soon with a negative or hand-off item still open: the worst one each
    (rpt_monthly_risky_items, which says what open, soon and worst mean)."""
    found = rows(
        con,
        "select * from reports.rpt_monthly_risky_items where report_month = ? and risk_rank <= ?"
        " order by risk_rank",
        [period.start, RISKY_ITEMS],
    )
    return [
        RiskyItem(
            item_id=r["item_id"],
            account_name=r["account_name"],
            tier=r["tier"],
            arr=r["arr"] or 0.0,
            days_to_renewal=r["days_to_renewal"],
            csm_name=r["csm_name"],
            source=r["source"],
            theme_label=r["theme_label"],
            current_stage=r["current_stage"],
            days_waiting=r["age_days"],
            breached_slas=r["breached_slas"],
            quote=quote(r["redacted_text"]),
            open_items=r["open_items"],
        )
        for r in found
    ]
