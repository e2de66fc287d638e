"""The weekly voice-of-the-customer report's figures, read from the marts (and the outbox)."""

from __future__ import annotations

from datetime import timedelta

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
# Shorter texts ("Slow.") say little as a quote.
MIN_QUOTE_CHARS = 20

WEEK_ITEMS = """
    select f.*, coalesce(t.theme_label, f.theme_label) as label
    from marts.fct_feedback as f
    left join marts.dim_themes as t on t.theme_key = f.theme_key
    where f.received_at >= ? and f.received_at < ?
"""


def weekly_figures(con: duckdb.DuckDBPyConnection, period: Period, name: str) -> WeeklyFigures:
    require_items(con, period, name)
    last = previous(period)
    as_of = as_of_date(con)
    at_risk, total, told = at_risk_accounts(con, as_of)
    praise_items, praise_accounts, praise = _praise(con, period)
    return WeeklyFigures(
        period=period,
        as_of=as_of,
        items=_items(con, period),
        items_last_week=_items(con, last),
        top_themes=_top_themes(con, period),
        bugs=_bugs(con, period),
        bugs_last_week=_bugs(con, last),
        feature_requests=_feature_requests(con, period, last),
        praise_items=praise_items,
        praise_accounts=praise_accounts,
        praise=praise,
        at_risk=at_risk,
        at_risk_total=total,
        at_risk_told=told,
        tickets=_tickets(con, period),
        tickets_last_week=_tickets(con, last),
    )


def _window(period: Period) -> list[object]:
    return [period.start_at, period.end_at]


def _items(con: duckdb.DuckDBPyConnection, period: Period) -> int:
    return int(rows(con, f"select count(*) as n from ({WEEK_ITEMS})", _window(period))[0]["n"])


def _top_themes(con: duckdb.DuckDBPyConnection, period: Period) -> list[WeeklyTheme]:
    found = rows(
        con,
        f"""
        with week as ({WEEK_ITEMS} and f.theme_key is not null),
        stats as (
            select theme_key, any_value(label) as label, count(*) as items,
                count(distinct account_id) as accounts,
                avg(case when sentiment = 'negative' then 1 else 0 end) as negative_share,
                avg(sentiment_score) as mean_score
            from week group by theme_key
        ),
        arr as (
            select theme_key, sum(arr) as arr_affected
            from (select distinct theme_key, account_id, arr from week where account_id is not null)
            group by theme_key
        ),
        quotes as (
            -- the item whose sentiment is nearest the theme's mean: typical, not the loudest
            select week.theme_key, week.redacted_text,
                row_number() over (
                    partition by week.theme_key
                    order by abs(week.sentiment_score - stats.mean_score), week.received_at desc,
                        week.item_id
                ) as pick
            from week join stats on stats.theme_key = week.theme_key
            where length(trim(week.redacted_text)) >= {MIN_QUOTE_CHARS}
        )
        select stats.*, coalesce(arr.arr_affected, 0) as arr_affected, quotes.redacted_text
        from stats
        left join arr on arr.theme_key = stats.theme_key
        left join quotes on quotes.theme_key = stats.theme_key and quotes.pick = 1
        order by stats.items desc, arr_affected desc, stats.theme_key
        limit {TOP_THEMES}
        """,
        _window(period),
    )
    return [
        WeeklyTheme(
            theme_key=r["theme_key"],
            label=r["label"] or r["theme_key"],
            items=r["items"],
            accounts=r["accounts"],
            arr_affected=r["arr_affected"],
            negative_share=r["negative_share"],
            quote=quote(r["redacted_text"]),
        )
        for r in found
    ]


def _bugs(con: duckdb.DuckDBPyConnection, period: Period) -> BugImpact:
    [r] = rows(
        con,
        f"""
        with bugs as ({WEEK_ITEMS} and list_contains(f.intents, 'bug'))
        select count(*) as items, count(*) filter (where source = 'ticket') as tickets,
            count(distinct account_id) as customers,
            count(*) filter (where severity in ('critical', 'high')) as critical_or_high,
            (select coalesce(sum(arr), 0) from (
                select distinct account_id, arr from bugs where account_id is not null
            )) as arr_affected
        from bugs
        """,
        _window(period),
    )
    return BugImpact(
        items=r["items"],
        tickets=r["tickets"],
        customers=r["customers"],
        arr_affected=r["arr_affected"],
        critical_or_high=r["critical_or_high"],
    )


def _feature_requests(
    con: duckdb.DuckDBPyConnection, period: Period, last: Period
) -> list[FeatureTrend]:
    found = rows(
        con,
        f"""
        with asks as ({WEEK_ITEMS} and list_contains(f.intents, 'feature_request')),
        this_week as (
            select theme_key, any_value(label) as label, count(*) as items,
                count(distinct account_id) as accounts
            from asks where received_at >= ? group by theme_key
        ),
        arr as (
            select theme_key, sum(arr) as arr_affected from (
                select distinct theme_key, account_id, arr from asks
                where received_at >= ? and account_id is not null
            ) group by theme_key
        ),
        last_week as (
            select theme_key, count(*) as items from asks where received_at < ? group by theme_key
        )
        select this_week.*, coalesce(last_week.items, 0) as items_last_week,
            coalesce(arr.arr_affected, 0) as arr_affected
        from this_week
        left join last_week on last_week.theme_key = this_week.theme_key
        left join arr on arr.theme_key = this_week.theme_key
        where this_week.theme_key is not null
        order by this_week.items - coalesce(last_week.items, 0) desc, this_week.items desc,
            this_week.theme_key
        limit {FEATURE_THEMES}
        """,
        [last.start_at, period.end_at, period.start_at, period.start_at, period.start_at],
    )
    return [
        FeatureTrend(
            label=r["label"] or r["theme_key"],
            items=r["items"],
            items_last_week=r["items_last_week"],
            accounts=r["accounts"],
            arr_affected=r["arr_affected"],
        )
        for r in found
    ]


def _praise(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[int, int, list[Praise]]:
    sql = f"{WEEK_ITEMS} and list_contains(f.intents, 'praise')"
    [totals] = rows(
        con,
        f"select count(*) as items, count(distinct account_id) as accounts from ({sql})",
        _window(period),
    )
    quotes = rows(
        con,
        f"""
        select account_name, tier, redacted_text from ({sql})
        where length(trim(redacted_text)) >= {MIN_QUOTE_CHARS} and account_id is not null
        qualify row_number() over (partition by account_id order by sentiment_score desc, item_id) = 1
        order by sentiment_score desc, arr desc nulls last, item_id
        limit {PRAISE_QUOTES}
        """,
        _window(period),
    )
    return (
        totals["items"],
        totals["accounts"],
        [Praise(q["account_name"], q["tier"], quote(q["redacted_text"])) for q in quotes],
    )


def _tickets(con: duckdb.DuckDBPyConnection, period: Period) -> TicketWeek:
    sql = f"{WEEK_ITEMS} and f.source = 'ticket'"
    [r] = rows(
        con,
        f"""
        select count(*) as tickets,
            count(*) filter (where ticket_priority in ('urgent', 'high')) as urgent_or_high,
            count(*) filter (where sentiment = 'negative') as negative,
            count(*) filter (where csat_rating = 'good') as csat_good,
            count(*) filter (where csat_rating = 'bad') as csat_bad
        from ({sql})
        """,
        _window(period),
    )
    per_day = {
        d["day"]: d["n"]
        for d in rows(
            con,
            f"select cast(received_at as date) as day, count(*) as n from ({sql}) group by 1",
            _window(period),
        )
    }
    days = [period.start + timedelta(days=i) for i in range(7)]
    return TicketWeek(
        tickets=r["tickets"],
        urgent_or_high=r["urgent_or_high"],
        negative=r["negative"],
        csat_good=r["csat_good"],
        csat_bad=r["csat_bad"],
        per_day=tuple(per_day.get(d, 0) for d in days),
    )
