"""Escalating themes to product: the marts' themes over a threshold get a document, once.

Which themes product could still be asked about, and the accounts and items each is weighed
on, are dbt's (loop.loop_theme_escalation_accounts and loop_theme_escalation_items: the marts'
current window, praise and answered themes left out); the thresholds (notifications) decide
which cross. A theme crossing every threshold gets a document; one crossing only some is
listed in the escalation index (``index.md``, rewritten each night beside the documents) with
every theme escalated so far. The document is written first under its stable name, then
its ``ops.escalations`` row in its own transaction, with the chat messages telling the team
(when chat channels are configured): a crash in between leaves a file the next night
rewrites, identically named, before recording it and queueing its messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from flows.loop.outcome import EscalationOutcome
from flows.loop.policy import LoopPolicy
from flows.loop.rows import ITEM_COLUMNS, feedback_items, fetch_dicts
from flows.settings.clock import utc_now
from notifications import (
    Escalated,
    Outbox,
    SenderIdentity,
    ThemeAccount,
    ThemeEvidence,
    escalates,
    escalation_reasons,
    record_escalation,
    write_escalation_document,
    write_escalation_index,
)

log = logging.getLogger(__name__)

# Themes escalated already are left out here, not after reading: at a million items the step
# read 98,113 theme-account rows each night to keep the 880 of themes not escalated yet.
THEME_ACCOUNTS_SQL = """
select * from loop.loop_theme_escalation_accounts as accounts
where not exists (
    select 1 from ops.escalations as escalated
    where escalated.theme_key = accounts.theme_key
)
order by accounts.theme_key, accounts.account_id
"""

# The items of several themes in one query: each query scans fct_feedback once, so a query per
# theme cost a million-item first night (479 documents) 95 s of its notify stage, against 17 s
# this way. A few hundred themes a query keep the rows held at once (with their text) small,
# and only the columns a document's items are made from are read.
THEME_ITEMS_SQL = f"""
select theme_items.theme_key as escalated_theme_key, {ITEM_COLUMNS}
from loop.loop_theme_escalation_items as theme_items
inner join marts.fct_feedback using (item_id)
where list_contains(?, theme_items.theme_key)
order by fct_feedback.received_at desc, fct_feedback.item_id
"""
THEMES_PER_QUERY = 200


def candidate_themes(con: duckdb.DuckDBPyConnection) -> list[ThemeEvidence]:
    """Themes not escalated yet, with their accounts (no items yet: thresholds need none)."""
    themes: dict[str, ThemeEvidence] = {}
    accounts: dict[str, list[ThemeAccount]] = {}
    for row in fetch_dicts(con, THEME_ACCOUNTS_SQL):
        if row["theme_key"] not in themes:
            themes[row["theme_key"]] = ThemeEvidence(
                theme_key=row["theme_key"],
                theme_label=row["theme_label"] or row["theme_key"],
                product_area=row["product_area"],
                accounts=(),
                items=(),
            )
        accounts.setdefault(row["theme_key"], []).append(
            ThemeAccount(
                account_id=row["account_id"],
                account_name=row["account_name"] or row["account_id"],
                tier=row["tier"],
                arr=float(row["arr"]),
                renewal_date=row["renewal_date"],
                at_retention_risk=bool(row["is_at_retention_risk"]),
            )
        )
    return [replace(theme, accounts=tuple(accounts[key])) for key, theme in themes.items()]


def _with_items(
    con: duckdb.DuckDBPyConnection, themes: list[ThemeEvidence]
) -> Iterator[tuple[ThemeEvidence, list[dict[str, Any]]]]:
    """Each theme with its items' rows, newest first, read THEMES_PER_QUERY themes at a time."""
    for start in range(0, len(themes), THEMES_PER_QUERY):
        chunk = themes[start : start + THEMES_PER_QUERY]
        by_theme: dict[str, list[dict[str, Any]]] = {theme.theme_key: [] for theme in chunk}
        for row in fetch_dicts(con, THEME_ITEMS_SQL, [list(by_theme)]):
            by_theme[row.pop("escalated_theme_key")].append(row)
        for theme in chunk:
            yield theme, by_theme[theme.theme_key]


def escalate_themes(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime,
    run_date: date,
    policy: LoopPolicy,
    identity: SenderIdentity | None = None,
) -> EscalationOutcome:
    """Write and record a document for every theme crossing the thresholds for the first time,
    and the index of all escalations and of the themes crossing only some thresholds."""
    judged_on = run_date
    candidates = candidate_themes(con)
    crossing = [theme for theme in candidates if escalates(theme, judged_on, policy.escalation)]
    watched = [
        theme
        for theme in candidates
        if escalation_reasons(theme, judged_on, policy.escalation)
        and not escalates(theme, judged_on, policy.escalation)
    ]
    written = []
    for theme, rows in _with_items(con, crossing):
        items, rejected = feedback_items(rows)
        for bad in rejected:
            log.warning(
                "escalation of %s leaves out item %s: %s", theme.theme_key, bad.item_id, bad.reason
            )
        evidence = ThemeEvidence(
            theme_key=theme.theme_key,
            theme_label=theme.theme_label,
            product_area=theme.product_area,
            accounts=theme.accounts,
            items=tuple(items),
        )
        path = write_escalation_document(
            evidence, policy.escalation_dir, as_of=judged_on, thresholds=policy.escalation
        )
        con.begin()
        try:
            # Wall-clock time, as ops.escalations documents it: the marts of this same night
            # (judged at as_of) do not see the escalation, so running the night again changes
            # nothing; the next night's do.
            escalated_at = utc_now().replace(microsecond=0)
            if record_escalation(
                con,
                evidence,
                path,
                escalated_at=escalated_at,
                run_date=run_date,
                thresholds=policy.escalation,
            ):
                written.append(path)
                if policy.chat is not None and identity is not None:
                    Outbox(con, clock=utc_now).enqueue(
                        policy.chat.escalation(
                            evidence,
                            path,
                            as_of=judged_on,
                            sender=identity,
                            thresholds=policy.escalation,
                        ),
                        run_date=run_date,
                    )
            con.commit()
        except BaseException:
            con.rollback()
            raise
    escalated = [
        Escalated(label, run, Path(document))
        for label, run, document in con.execute(
            "select theme_label, run_date, document_path from ops.escalations"
        ).fetchall()
    ]
    index = write_escalation_index(
        policy.escalation_dir,
        escalated,
        watched,
        as_of=judged_on,
        thresholds=policy.escalation,
    )
    return EscalationOutcome(
        crossed=len(crossing), documents=tuple(written), watched=len(watched), index=index
    )
