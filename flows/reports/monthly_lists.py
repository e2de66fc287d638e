"""The monthly report's ranked lists: themes by ARR affected, and the riskiest open items."""

from __future__ import annotations

from datetime import date

import duckdb

from flows.reports.figures import RiskyItem, ThemeImpact
from flows.reports.periods import Period
from flows.reports.queries import rows

TOP_THEMES = 8
RISKY_ITEMS = 10
RENEWAL_HORIZON_DAYS = 90
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
    """The month's themes by ARR affected (fct_theme_impact), with their items per month."""
    found = rows(
        con,
        """
        select i.theme_key, t.theme_label, i.items, i.accounts_affected, i.arr_affected,
            i.arr_renewing_90d, i.trend, i.trend_pct, t.is_escalated, t.roadmap_status
        from marts.fct_theme_impact as i
        join marts.dim_themes as t on t.theme_key = i.theme_key
        where i.period_type = 'month' and cast(i.period_start as date) = ?
        order by i.arr_affected desc, i.items desc, i.theme_key
        limit ?
        """,
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
            monthly_items=tuple(history.get((r["theme_key"], m), 0) for m in months),
        )
        for r in found
    ]


def risky_items(con: duckdb.DuckDBPyConnection, period: Period) -> list[RiskyItem]:
    """Accounts renewing soon with a negative or hand-off item still open: the worst one each.

    Open is fct_feedback.is_open (at as_of); one row per account so a single
    noisy account cannot fill the list.
    """
    found = rows(
        con,
        f"""
        with candidates as (
            select f.item_id, a.account_name, a.tier, a.arr, a.days_to_renewal, a.csm_name,
                f.source, f.theme_label, f.current_stage, f.age_days, f.breached_slas,
                f.redacted_text,
                count(*) over (partition by f.account_id) as open_items,
                row_number() over (
                    partition by f.account_id
                    order by f.breached_slas desc, f.age_days desc, f.item_id
                ) as worst
            from marts.fct_feedback as f
            join marts.dim_accounts as a on a.account_id = f.account_id
            where f.received_at < ?
                and f.is_open
                and a.days_to_renewal between 0 and {RENEWAL_HORIZON_DAYS}
                and (f.is_handoff_case or f.sentiment = 'negative')
        )
        select * from candidates where worst = 1
        order by days_to_renewal, arr desc, item_id
        limit {RISKY_ITEMS}
        """,
        [period.end_at],
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
