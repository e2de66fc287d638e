"""Closing the loop with customers: "we heard you" when a theme's roadmap item ships, and an
honest note when it is declined.

Which themes: those whose primary roadmap item (dim_themes) entered ``shipped`` or
``declined`` within ``closed_loop_window_days`` before the night; older decisions are history,
so a first run over a year of roadmap mails nobody. Praise themes are left out.

Which customers: everyone whose item in the theme was received before the decision (an item
that arrived after it asked for something already shipped or declined, and is acknowledged like
any other), from a source they wrote in themselves (NPS, ticket, widget) with an address. One
email per customer address and theme, ever: the key is (kind, address, theme). Suppressed
addresses are left out and counted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flows.loop.outcome import StepCount
from flows.loop.rows import FEEDBACK_COLUMNS, feedback_items, fetch_dicts, log_rejected
from notifications import (
    ComposedBatch,
    DeclinedDecision,
    Outbox,
    SenderIdentity,
    ShippedChange,
    compose_closed_loop,
    compose_declined_notes,
    filter_suppressed,
    load_suppressions,
)

DECIDED_THEMES_SQL = """
select
    theme_key,
    theme_label,
    roadmap_item_id,
    roadmap_item_title,
    roadmap_status,
    roadmap_status_entered_at
from marts.dim_themes
where roadmap_status = ? and not is_praise
    and roadmap_status_entered_at >= ? and roadmap_status_entered_at < ?
order by theme_key
"""

ASKED_BEFORE_SQL = f"""
select {FEEDBACK_COLUMNS}
from marts.fct_feedback
where theme_key = ? and received_at < ?
    and source in ('nps', 'ticket', 'widget') and contact_email is not null
    -- only customers whose own words named the roadmap item: a theme can hold items that
    -- merely share its words ("the invoice shows the wrong VAT" beside "PO numbers on invoices")
    and item_id in (
        select item_id from marts.fct_feedback_roadmap_mentions where roadmap_item_id = ?
    )
order by received_at, item_id
"""


def _queue(outbox: Outbox, batches: list[ComposedBatch], run_date: date, what: str) -> StepCount:
    messages = [message for batch in batches for message in batch.messages]
    rejected = [bad for batch in batches for bad in batch.rejected]
    log_rejected(what, rejected)
    kept = filter_suppressed(messages, load_suppressions(outbox.connection))
    return StepCount(
        composed=len(messages),
        rejected=len(rejected),
        suppressed=len(kept.skipped),
        queued=outbox.enqueue(kept.kept, run_date=run_date),
    )


def queue_closed_loop(
    outbox: Outbox,
    *,
    as_of: datetime,
    run_date: date,
    window_days: int,
    identity: SenderIdentity,
) -> tuple[StepCount, StepCount]:
    """Queue "we heard you" emails and declined notes; returns (shipped, declined) counts."""
    con = outbox.connection
    since = as_of - timedelta(days=window_days)
    shipped: list[ComposedBatch] = []
    declined: list[ComposedBatch] = []
    for status in ("shipped", "declined"):
        for theme in fetch_dicts(con, DECIDED_THEMES_SQL, [status, since, as_of]):
            decided_at = theme["roadmap_status_entered_at"]
            rows = fetch_dicts(
                con,
                ASKED_BEFORE_SQL,
                [theme["theme_key"], decided_at, theme["roadmap_item_id"]],
            )
            items, unreadable = feedback_items(rows)
            log_rejected(f"{status} theme {theme['theme_key']}", unreadable)
            title = theme["roadmap_item_title"] or theme["theme_label"]
            if status == "shipped":
                change = ShippedChange(
                    theme_key=theme["theme_key"],
                    theme_label=theme["theme_label"],
                    title=title,
                    shipped_on=decided_at.date(),
                    # The roadmap export carries no release notes: say only what it does say.
                    what_changed=f"It is available now in {identity.product_name}.",
                )
                shipped.append(compose_closed_loop(items, change, sender=identity))
            else:
                decision = DeclinedDecision(
                    theme_key=theme["theme_key"], theme_label=theme["theme_label"], title=title
                )
                declined.append(compose_declined_notes(items, decision, sender=identity))
    return (
        _queue(outbox, shipped, run_date, "we-heard-you email"),
        _queue(outbox, declined, run_date, "declined note"),
    )
