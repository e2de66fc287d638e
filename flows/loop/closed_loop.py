"""Closing the loop with customers: "we heard you" when a roadmap item ships, and an honest note
when it is declined.

Which roadmap items: those that entered ``shipped`` or ``declined`` within
``closed_loop_window_days`` before the night (loop.loop_roadmap_decisions); older decisions are
history, so a first run over a year of roadmap mails nobody.

Which customers: those whose own item asked for that roadmap item, by meaning
(flows/roadmap_match.py), among the items that asked for something at all
(loop.loop_closed_loop_candidates: the warehouse's definition), received before the decision.
Sharing a theme or a word with the roadmap item is not asking for it. Every score is kept in
ops.closed_loop_matches (fct_closed_loop_matches), told or not, so an analyst can see why each
customer was told and which ones fell just short. One email per customer address and roadmap
item, ever: the key is (kind, address, roadmap item). Suppressed addresses are left out and
counted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from flows.loop.message_items import answered_items, enqueue_with_items
from flows.loop.outcome import StepCount
from flows.loop.rows import feedback_items, fetch_dicts, log_rejected
from flows.roadmap_match import METHOD, RoadmapItem, Scored, score_items
from notifications import (
    ComposedBatch,
    DeclinedDecision,
    FeedbackItem,
    MessageKind,
    Outbox,
    SenderIdentity,
    ShippedChange,
    compose_closed_loop,
    compose_declined_notes,
    filter_suppressed,
    load_suppressions,
)
from notifications.suppressions import normalise_address

ROADMAP_SQL = """
select roadmap_item_id, title, theme_keywords, status, status_entered_at, is_decided
from loop.loop_roadmap_decisions
order by roadmap_item_id
"""

CANDIDATES_SQL = """
select fct_feedback.*, fct_feedback.feedback_text as text
from marts.fct_feedback
where item_id in (select item_id from loop.loop_closed_loop_candidates) and received_at < ?
order by received_at, item_id
"""

# A match, once told, stays as written: it is the reason the email went out.
SAVE_SQL = """
insert into ops.closed_loop_matches select * from _matches
on conflict (item_id, roadmap_item_id) do update set
    roadmap_status = excluded.roadmap_status, score = excluded.score,
    matched_text = excluded.matched_text, method = excluded.method,
    nearest_roadmap_item_id = excluded.nearest_roadmap_item_id,
    nearest_score = excluded.nearest_score, min_score = excluded.min_score,
    is_match = excluded.is_match, run_date = excluded.run_date
where not closed_loop_matches.is_match
"""


def _queue(
    outbox: Outbox,
    batches: list[tuple[ComposedBatch, list[FeedbackItem]]],
    run_date: date,
    what: str,
) -> StepCount:
    """Queue each message with every matched item of its customer (ops.message_items), so
    each item that asked counts as answered, not only the one the email quotes."""
    messages = [message for batch, _ in batches for message in batch.messages]
    rejected = [bad for batch, _ in batches for bad in batch.rejected]
    log_rejected(what, rejected)
    kept = filter_suppressed(messages, load_suppressions(outbox.connection))
    covered: dict[str, list[str]] = {}
    for batch, items in batches:
        for message in batch.messages:
            address = normalise_address(message.to_email)
            covered[message.key] = [
                item.item_id
                for item in items
                if item.contact_email and normalise_address(item.contact_email) == address
            ]
    return StepCount(
        composed=len(messages),
        rejected=len(rejected),
        suppressed=len(kept.skipped),
        queued=enqueue_with_items(
            outbox,
            [(message, covered.get(message.key, [])) for message in kept.kept],
            run_date=run_date,
        ),
    )


def _save(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, Any]],
    scored: list[Scored],
    decided: dict[str, dict[str, Any]],
    min_score: float,
    run_date: date,
) -> None:
    frame = pd.DataFrame(
        {
            "item_id": [rows[s.item_index]["item_id"] for s in scored],
            "roadmap_item_id": [s.roadmap_item_id for s in scored],
            "roadmap_status": [decided[s.roadmap_item_id]["status"] for s in scored],
            "score": [s.score for s in scored],
            "matched_text": [s.matched_text for s in scored],
            "method": [METHOD] * len(scored),
            "nearest_roadmap_item_id": [s.nearest_roadmap_item_id for s in scored],
            "nearest_score": [s.nearest_score for s in scored],
            "min_score": [min_score] * len(scored),
            "is_match": [s.is_match(min_score) for s in scored],
            "run_date": [run_date] * len(scored),
        }
    )
    con.register("_matches", frame)
    try:
        con.execute(SAVE_SQL)
    finally:
        con.unregister("_matches")


def match_decided(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime,
    run_date: date,
    window_days: int,
    min_score: float,
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each roadmap item decided in the window, with the candidate rows that asked for it;
    every score is written to ops.closed_loop_matches."""
    since = as_of - timedelta(days=window_days)
    roadmap = fetch_dicts(con, ROADMAP_SQL)
    decided = {
        row["roadmap_item_id"]: row
        for row in roadmap
        if row["is_decided"] and since <= row["status_entered_at"] < as_of
    }
    if not decided:
        return []
    rows = fetch_dicts(con, CANDIDATES_SQL, [max(r["status_entered_at"] for r in decided.values())])
    from nlp.embed import Embedder

    scored = score_items(
        Embedder.load(),
        [row["text"] for row in rows],
        [
            RoadmapItem(r["roadmap_item_id"], r["title"] or "", tuple(r["theme_keywords"] or ()))
            for r in roadmap
        ],
        sorted(decided),
    )
    # Only what was said before the decision asked for it.
    scored = [
        s
        for s in scored
        if rows[s.item_index]["received_at"] < decided[s.roadmap_item_id]["status_entered_at"]
    ]
    _save(con, rows, scored, decided, min_score, run_date)
    # Each told row carries the sentence it was matched on: the email quotes that, not the
    # whole ticket.
    told = {
        (s.item_index, s.roadmap_item_id): s.matched_text for s in scored if s.is_match(min_score)
    }
    return [
        (
            decision,
            [
                {**row, "matched_text": told[i, roadmap_item_id]}
                for i, row in enumerate(rows)
                if (i, roadmap_item_id) in told
            ],
        )
        for roadmap_item_id, decision in sorted(decided.items())
    ]


def queue_closed_loop(
    outbox: Outbox,
    *,
    as_of: datetime,
    run_date: date,
    window_days: int,
    min_score: float,
    identity: SenderIdentity,
) -> tuple[StepCount, StepCount]:
    """Queue "we heard you" emails and declined notes; returns (shipped, declined) counts."""
    shipped: list[tuple[ComposedBatch, list[FeedbackItem]]] = []
    declined: list[tuple[ComposedBatch, list[FeedbackItem]]] = []
    # An item a message of the kind answered is not answered again, whatever that message's
    # key: emails keyed per theme (before matching by meaning) are keyed otherwise.
    answered = {
        kind: answered_items(outbox.connection, kind)
        for kind in (MessageKind.CLOSED_LOOP.value, MessageKind.DECLINED_NOTE.value)
    }
    for decision, rows in match_decided(
        outbox.connection,
        as_of=as_of,
        run_date=run_date,
        window_days=window_days,
        min_score=min_score,
    ):
        roadmap_item_id = decision["roadmap_item_id"]
        items, unreadable = feedback_items(rows)
        log_rejected(f"{decision['status']} roadmap item {roadmap_item_id}", unreadable)
        kind = (
            MessageKind.CLOSED_LOOP
            if decision["status"] == "shipped"
            else MessageKind.DECLINED_NOTE
        )
        items = [item for item in items if item.item_id not in answered[kind.value]]
        title = decision["title"] or roadmap_item_id
        if decision["status"] == "shipped":
            change = ShippedChange(
                theme_key=roadmap_item_id,
                theme_label=title,
                title=title,
                shipped_on=decision["status_entered_at"].date(),
                # The roadmap export carries no release notes: say only what it does say.
                what_changed=f"It is available now in {identity.product_name}.",
            )
            shipped.append((compose_closed_loop(items, change, sender=identity), items))
        else:
            note = DeclinedDecision(theme_key=roadmap_item_id, theme_label=title, title=title)
            declined.append((compose_declined_notes(items, note, sender=identity), items))
    return (
        _queue(outbox, shipped, run_date, "we-heard-you email"),
        _queue(outbox, declined, run_date, "declined note"),
    )
