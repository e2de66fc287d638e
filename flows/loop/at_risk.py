"""At-risk alerts: the CSM hears the night an account crosses a risk signal, once per crossing.

The figures come from the marts: dim_accounts' escalated items of the last 30 days, and from
fct_feedback the churn and competitor mentions of the last 30 days and the mean CSAT of the last
30 days against the 30 before (survey answers 1-5 as given, a ticket's "good" as 5 and "bad" as 1).

``ops.risk_signals`` remembers each crossing: the night a signal first shows is its
``crossed_on``, and it stays the same every night the signal lasts, so the alert's key does too;
the night it is gone the crossing gets its ``cleared_on``, and a later crossing is a new one with
a new alert. A first run alerts on every account at risk that night: that is news to its CSM.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import duckdb

from flows.loop.outcome import StepCount
from flows.loop.policy import LoopPolicy
from flows.loop.rows import FEEDBACK_COLUMNS, feedback_items, fetch_dicts
from notifications import (
    AccountHealth,
    AtRiskSignal,
    EmailMessage,
    FeedbackItem,
    Outbox,
    SenderIdentity,
    at_risk_signals,
    compose_at_risk_alert,
    needs_handoff,
)

log = logging.getLogger(__name__)

RISK_SIGNALS_DDL = """
create schema if not exists ops;
create table if not exists ops.risk_signals (
    account_id varchar not null,
    signal varchar not null,
    crossed_on date not null,
    cleared_on date,
    primary key (account_id, signal, crossed_on)
);
"""

HEALTH_SQL = """
with recent as (
    select
        account_id,
        count(*) filter (
            where received_at >= ? and list_contains(coalesce(intents, []), 'churn_risk')
        ) as churn_mentions_30d,
        count(*) filter (
            where received_at >= ? and (
                list_contains(coalesce(intents, []), 'competitor')
                or len(coalesce(competitors, [])) > 0
            )
        ) as competitor_mentions_30d,
        list_sort(list_distinct(flatten(
            list(coalesce(competitors, [])) filter (where received_at >= ?)
        ))) as competitors,
        avg(coalesce(csat_score, case csat_rating when 'good' then 5 when 'bad' then 1 end))
            filter (where received_at >= ?) as csat_recent,
        avg(coalesce(csat_score, case csat_rating when 'good' then 5 when 'bad' then 1 end))
            filter (where received_at < ?) as csat_previous
    from marts.fct_feedback
    where account_id is not null and received_at >= ?
    group by account_id
)
select
    accounts.account_id,
    accounts.account_name,
    coalesce(accounts.tier, '') as tier,
    accounts.arr,
    accounts.renewal_date,
    coalesce(accounts.csm_name, '') as csm_name,
    coalesce(accounts.csm_email, '') as csm_email,
    accounts.escalated_items_30d as escalations_30d,
    coalesce(recent.churn_mentions_30d, 0) as churn_mentions_30d,
    coalesce(recent.competitor_mentions_30d, 0) as competitor_mentions_30d,
    coalesce(recent.competitors, []) as competitors,
    recent.csat_recent,
    recent.csat_previous
from marts.dim_accounts as accounts
left join recent on accounts.account_id = recent.account_id
order by accounts.account_id
"""

EVIDENCE_SQL = f"""
select {FEEDBACK_COLUMNS},
    coalesce(csat_score <= 2, csat_rating = 'bad', false) as is_csat_unhappy
from marts.fct_feedback
where account_id = ? and received_at >= ? and received_at < ?
order by received_at desc, item_id
"""


def account_health(con: duckdb.DuckDBPyConnection, as_of: datetime) -> list[AccountHealth]:
    recent, previous = as_of - timedelta(days=30), as_of - timedelta(days=60)
    rows = fetch_dicts(con, HEALTH_SQL, [recent, recent, recent, recent, recent, previous])
    for row in rows:
        row["competitors"] = tuple(row["competitors"])
        for name in ("csat_recent", "csat_previous"):
            row[name] = None if row[name] is None else float(row[name])
    return [AccountHealth(**row) for row in rows]


def record_crossings(
    con: duckdb.DuckDBPyConnection, active: set[tuple[str, str]], run_date: date
) -> dict[tuple[str, str], date]:
    """Open a crossing for each new (account, signal), clear the ones gone; returns the day each
    active crossing began. Runs in the caller's transaction."""
    con.execute(RISK_SIGNALS_DDL)
    open_rows = con.execute(
        "select account_id, signal, crossed_on from ops.risk_signals where cleared_on is null"
    ).fetchall()
    crossed = {(account, signal): day for account, signal, day in open_rows}
    for key in sorted(active - crossed.keys()):
        con.execute("insert into ops.risk_signals values (?, ?, ?, null)", [*key, run_date])
        crossed[key] = run_date
    for account, signal in sorted(crossed.keys() - active):
        # A crossing that began after this night (a backfill of an earlier date) stays open.
        if crossed[(account, signal)] <= run_date:
            con.execute(
                "update ops.risk_signals set cleared_on = ?"
                " where account_id = ? and signal = ? and cleared_on is null",
                [run_date, account, signal],
            )
    return {key: crossed[key] for key in active}


def _evidence(
    signal: AtRiskSignal, items: Sequence[FeedbackItem], unhappy: set[str]
) -> list[FeedbackItem]:
    if signal is AtRiskSignal.CHURN_MENTION:
        return [i for i in items if "churn_risk" in i.intents]
    if signal is AtRiskSignal.COMPETITOR_MENTION:
        return [i for i in items if "competitor" in i.intents]
    if signal is AtRiskSignal.ESCALATIONS:
        return [i for i in items if needs_handoff(i)]
    return [i for i in items if i.item_id in unhappy]


def queue_at_risk_alerts(
    outbox: Outbox,
    *,
    as_of: datetime,
    run_date: date,
    policy: LoopPolicy,
    identity: SenderIdentity,
) -> StepCount:
    con = outbox.connection
    signals = {
        health.account_id: (health, at_risk_signals(health, policy.at_risk))
        for health in account_health(con, as_of)
    }
    active = {(a, s.value) for a, (_, found) in signals.items() for s in found}
    messages: list[EmailMessage] = []
    rejected = 0
    con.begin()
    try:
        crossed = record_crossings(con, active, run_date)
        for account_id, (health, found) in signals.items():
            if not found:
                continue
            rows = fetch_dicts(con, EVIDENCE_SQL, [account_id, as_of - timedelta(days=30), as_of])
            items, _ = feedback_items(rows)
            unhappy = {str(row["item_id"]) for row in rows if row["is_csat_unhappy"]}
            for signal in found:
                try:
                    messages.append(
                        compose_at_risk_alert(
                            health,
                            signal,
                            sender=identity,
                            crossed_on=crossed[(account_id, signal.value)],
                            evidence=_evidence(signal, items, unhappy),
                        )
                    )
                except ValueError as error:
                    log.warning("at-risk alert not composed: %s", error)
                    rejected += 1
        queued = outbox.enqueue(messages, run_date=run_date)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return StepCount(composed=len(messages), rejected=rejected, queued=queued)
