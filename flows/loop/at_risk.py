"""At-risk alerts: the CSM hears the night an account crosses a risk signal, once per crossing.

Which accounts are at risk, and why, is dbt's: loop.loop_at_risk_alerts (one row per account
and signal, from int_account_risk_signals, the model dim_accounts.is_at_risk reads) and
loop.loop_at_risk_evidence (the items that raised each flag). This step only remembers
crossings and composes.

``ops.risk_signals`` remembers each crossing: the night a signal first shows is its
``crossed_on``, and it stays the same every night the signal lasts; the night it is gone the
crossing gets its ``cleared_on``, and a later crossing is a new one with a new alert. Its
``alerted_by`` is the key of the alert that told the CSM, written with the alert in one
transaction: an account's CSM gets one alert a night naming every signal not told yet, and
never hears of a crossing twice. A first run alerts on every account at risk that night: that
is news to its CSM.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import date
from typing import Any

import duckdb

from flows.loop.outcome import StepCount
from flows.loop.rows import (
    FEEDBACK_COLUMNS,
    as_columns,
    feedback_items,
    fetch_dicts,
    log_rejected,
)
from notifications import (
    AccountHealth,
    AtRiskSignal,
    Crossing,
    EmailMessage,
    FeedbackItem,
    Outbox,
    SenderIdentity,
    alert_key,
    compose_account_alert,
)

log = logging.getLogger(__name__)

ALERTS_SQL = """
select * exclude (at_risk_alert_id, churn_or_competitor_mentions_90d)
from loop.loop_at_risk_alerts
order by account_id, at_risk_signal
"""

# Only of the alerts that tell something tonight: the other at-risk accounts' evidence is read
# by nobody, and every at-risk account has some.
EVIDENCE_SQL = f"""
select evidence.at_risk_alert_id, {FEEDBACK_COLUMNS}
from loop.loop_at_risk_evidence as evidence
inner join marts.fct_feedback using (item_id)
where evidence.evidence_rank <= 5 and list_contains(?, evidence.at_risk_alert_id)
order by evidence.at_risk_alert_id, evidence.evidence_rank
"""


def at_risk_tonight(
    con: duckdb.DuckDBPyConnection,
) -> dict[str, tuple[AccountHealth, list[AtRiskSignal]]]:
    """Per account, its figures and the signals dbt flagged it for (loop_at_risk_alerts)."""
    found: dict[str, tuple[AccountHealth, list[AtRiskSignal]]] = {}
    for row in fetch_dicts(con, ALERTS_SQL):
        signal = AtRiskSignal(row.pop("at_risk_signal"))
        row["competitors"] = tuple(row.pop("competitors_mentioned_90d") or ())
        _, signals = found.setdefault(row["account_id"], (AccountHealth(**row), []))
        signals.append(signal)
    return found


def evidence_by_alert(
    con: duckdb.DuckDBPyConnection, alert_ids: Collection[str]
) -> dict[str, list[FeedbackItem]]:
    """The items behind each of ``alert_ids`` (loop_at_risk_evidence), newest first; an
    unreadable row is left out with a warning (the alert still goes)."""
    # Grouped by alert before reading: one item can be behind two alerts of an account (a
    # detractor's comment naming a competitor), and each alert quotes it once.
    by_alert: dict[str, list[dict[str, Any]]] = {}
    if not alert_ids:
        return {}
    for row in fetch_dicts(con, EVIDENCE_SQL, [sorted(alert_ids)]):
        by_alert.setdefault(str(row.pop("at_risk_alert_id")), []).append(row)
    evidence: dict[str, list[FeedbackItem]] = {}
    for alert_id, rows in by_alert.items():
        items, rejected = feedback_items(rows)
        log_rejected("at-risk evidence", rejected)
        evidence[alert_id] = items
    return evidence


# Each statement writes the night's rows at once, as lists it unnests (rows.as_columns).
OPEN_CROSSINGS_SQL = """
insert into ops.risk_signals (account_id, signal, crossed_on)
select unnest(?::varchar[]), unnest(?::varchar[]), ?::date
"""
CLEAR_CROSSINGS_SQL = """
update ops.risk_signals set cleared_on = ?::date
from (select unnest(?::varchar[]) as account_id, unnest(?::varchar[]) as signal) as gone
where
    risk_signals.account_id = gone.account_id
    and risk_signals.signal = gone.signal
    and risk_signals.cleared_on is null
"""
MARK_TOLD_SQL = """
update ops.risk_signals set alerted_by = told.alert_key
from (
    select
        unnest(?::varchar[]) as alert_key,
        unnest(?::varchar[]) as account_id,
        unnest(?::varchar[]) as signal,
        unnest(?::date[]) as crossed_on
) as told
where
    risk_signals.account_id = told.account_id
    and risk_signals.signal = told.signal
    and risk_signals.crossed_on = told.crossed_on
"""


def record_crossings(
    con: duckdb.DuckDBPyConnection, active: set[tuple[str, str]], run_date: date
) -> dict[tuple[str, str], date]:
    """Open a crossing for each new (account, signal), clear the ones gone; returns the day each
    active crossing began. Runs in the caller's transaction."""
    open_rows = con.execute(
        "select account_id, signal, crossed_on from ops.risk_signals where cleared_on is null"
    ).fetchall()
    crossed = {(account, signal): day for account, signal, day in open_rows}
    new = sorted(active - crossed.keys())
    if new:
        con.execute(OPEN_CROSSINGS_SQL, [*as_columns(new), run_date])
        crossed.update(dict.fromkeys(new, run_date))
    # A crossing that began after this night (a backfill of an earlier date) stays open.
    gone = sorted(key for key in crossed.keys() - active if crossed[key] <= run_date)
    if gone:
        con.execute(CLEAR_CROSSINGS_SQL, [run_date, *as_columns(gone)])
    return {key: crossed[key] for key in active}


def queue_at_risk_alerts(
    outbox: Outbox,
    *,
    run_date: date,
    identity: SenderIdentity,
) -> StepCount:
    """Queue one alert per at-risk account naming the signals its CSM has not heard of yet;
    each crossing is told once, by the alert its ``alerted_by`` names."""
    con = outbox.connection
    signals = at_risk_tonight(con)
    active = {(a, s.value) for a, (_, found) in signals.items() for s in found}
    messages: list[EmailMessage] = []
    # (alert key, account, signal, crossed_on) of each crossing an alert tells
    told: list[tuple[str, str, str, date | None]] = []
    rejected = 0
    con.begin()
    try:
        crossed = record_crossings(con, active, run_date)
        heard = told_crossings(con)
        sent = alert_keys(con)
        evidence = evidence_by_alert(
            con, {f"{account}|{signal}" for account, signal in active - heard}
        )
        for account_id, (health, found) in signals.items():
            news: list[Crossing] = []
            for signal in found:
                crossing = Crossing(
                    signal,
                    crossed[(account_id, signal.value)],
                    evidence.get(f"{account_id}|{signal.value}", []),
                )
                if (account_id, signal.value) in heard:
                    continue
                single = alert_key(health, [crossing], sender=identity)
                if single in sent:  # told by an alert per signal, before they were combined
                    told.append((single, account_id, signal.value, crossing.crossed_on))
                else:
                    news.append(crossing)
            if not news:
                continue
            try:
                message = compose_account_alert(health, news, sender=identity)
            except ValueError as error:
                log.warning("at-risk alert not composed: %s", error)
                rejected += 1
                continue
            messages.append(message)
            told += [(message.key, account_id, c.signal.value, c.crossed_on) for c in news]
        queued = outbox.enqueue(messages, run_date=run_date)
        if told:
            con.execute(MARK_TOLD_SQL, as_columns(told))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return StepCount(composed=len(messages), rejected=rejected, queued=queued)


def told_crossings(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """The open crossings (account, signal) a CSM has heard of."""
    rows = con.execute(
        "select account_id, signal from ops.risk_signals"
        " where cleared_on is null and alerted_by is not null"
    ).fetchall()
    return {(str(account), str(signal)) for account, signal in rows}


def alert_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every at-risk alert's key in the outbox."""
    rows = con.execute("select message_key from ops.outbox where kind = 'at_risk_alert'")
    return {str(key) for (key,) in rows.fetchall()}
