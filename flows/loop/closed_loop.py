"""Closing the loop with customers: "we heard you" when a roadmap item ships, and an honest note
when it is declined.

Which roadmap items: those that entered ``shipped`` or ``declined`` within
``closed_loop_window_days`` before the night (loop.loop_roadmap_decisions); older decisions are
history, so a first run over a year of roadmap mails nobody.

Which customers: those whose own item asked for that roadmap item, by meaning
(nlp/roadmap_match.py), among the items that asked for something at all
(loop.loop_closed_loop_candidates: the warehouse's definition), received before the decision.
The sentence that matched must ask for something itself, read alone by the tagger with the
warehouse's request intents (loop.loop_request_intents): praise or a fault report beside a request
is not a request for what it mentions. Sharing a theme or a word with the roadmap item is not
asking for it. Every score is kept in
ops.closed_loop_matches (fct_closed_loop_matches), told or not, so an analyst can see why each
customer was told and which ones fell just short. One email per customer address and roadmap
item, ever: the key is (kind, address, roadmap item). Suppressed addresses are left out and
counted.

Each night of a decision's window scores only what can have changed since it was scored: an
item's score against a roadmap item depends on the item's words and on every roadmap item's
title and keywords (the nearest is judged among all of them), and nothing else. So each score
is stored with ``scored_on``, a fingerprint of those inputs, and a night scores a candidate
again only when no stored score carries its current fingerprint (a new candidate, new words, a
new or renamed roadmap item, a new decision); the others are read back. ``rejudge=True``
scores every candidate, as every night did before: the same messages, slower
(tests/flows/loop/test_incremental_notify.py compares them).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from flows.loop.message_items import answered_items, enqueue_with_items
from flows.loop.outcome import StepCount
from flows.loop.rows import feedback_items, fetch_dicts, log_rejected
from nlp.roadmap_match import METHOD, RoadmapItem, Scored, score_items
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

if TYPE_CHECKING:
    from nlp.tagger import Tagger

ROADMAP_SQL = """
select roadmap_item_id, title, theme_keywords, status, status_entered_at, is_decided
from loop.loop_roadmap_decisions
order by roadmap_item_id
"""

REQUEST_INTENTS_SQL = "select intent from loop.loop_request_intents"

CANDIDATES_SQL = """
select fct_feedback.*, fct_feedback.feedback_text as text
from marts.fct_feedback
where item_id in (select item_id from loop.loop_closed_loop_candidates) and received_at < ?
order by received_at, item_id
"""

# The decisions of the window, as (roadmap item, entered at) rows the queries below join.
_DECIDED = "select unnest(?::varchar[]) as roadmap_item_id, unnest(?::timestamp[]) as decided_at"

# Candidates without a stored score of their current fingerprint against some decision they
# came before: the ones a night scores. ``md5(roadmap fingerprint || '|' || text)`` is
# ``scored_on`` (fingerprint() below computes the same in Python).
UNSCORED_SQL = f"""
select fct_feedback.*, fct_feedback.feedback_text as text
from marts.fct_feedback
where
    item_id in (select item_id from loop.loop_closed_loop_candidates)
    and exists (
        select 1 from ({_DECIDED}) as decided
        where
            fct_feedback.received_at < decided.decided_at
            and not exists (
                select 1 from ops.closed_loop_matches as stored
                where
                    stored.item_id = fct_feedback.item_id
                    and stored.roadmap_item_id = decided.roadmap_item_id
                    and stored.scored_on = md5(? || '|' || fct_feedback.feedback_text)
            )
    )
order by received_at, item_id
"""

# Candidates whose stored score, of their current fingerprint, matches a decision under
# tonight's threshold: told again (unless answered) without being scored again.
STORED_MATCHES_SQL = f"""
select stored.roadmap_item_id as matched_roadmap_item_id, fct_feedback.*,
    fct_feedback.feedback_text as text, stored.matched_text
from marts.fct_feedback
inner join ops.closed_loop_matches as stored using (item_id)
inner join ({_DECIDED}) as decided
    on stored.roadmap_item_id = decided.roadmap_item_id
where
    item_id in (select item_id from loop.loop_closed_loop_candidates)
    and fct_feedback.received_at < decided.decided_at
    and stored.scored_on = md5(? || '|' || fct_feedback.feedback_text)
    and stored.score >= ?
    and stored.nearest_roadmap_item_id = stored.roadmap_item_id
"""

# A match, once told, stays as written: it is the reason the email went out.
SAVE_SQL = """
insert into ops.closed_loop_matches by name select * from _matches
on conflict (item_id, roadmap_item_id) do update set
    roadmap_status = excluded.roadmap_status, score = excluded.score,
    matched_text = excluded.matched_text, method = excluded.method,
    nearest_roadmap_item_id = excluded.nearest_roadmap_item_id,
    nearest_score = excluded.nearest_score, min_score = excluded.min_score,
    is_match = excluded.is_match, run_date = excluded.run_date, scored_on = excluded.scored_on
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


@dataclass(frozen=True)
class RequestReading:
    """Which sentences ask for something: the tagger's intents for each sentence read alone,
    against the warehouse's request intents. The tagger loads on the first sentences read."""

    intents: frozenset[str]
    model_dir: Path | None = None
    taxonomy_dir: Path | None = None

    @property
    def version(self) -> str:
        """The tagger's trained version, read from its meta.json without loading it."""
        from nlp.tagger import MODEL_DIR

        meta = json.loads(((self.model_dir or MODEL_DIR) / "meta.json").read_text("utf-8"))
        corpus = str(meta.get("corpus", {}).get("sha256", ""))[:8]
        return f"{meta.get('version', '')}+{corpus}|{sorted(self.intents)}|{self.taxonomy_dir}"

    def __call__(self, sentences: list[str]) -> list[bool]:
        tagger = _tagger(self.model_dir, self.taxonomy_dir)
        tags = tagger.classify_texts(list(sentences)).tags
        return [bool(self.intents.intersection(tag.intents)) for tag in tags]


@lru_cache(maxsize=1)
def _tagger(model_dir: Path | None, taxonomy_dir: Path | None) -> Tagger:
    from nlp.tagger import MODEL_DIR, Tagger

    return Tagger.load(model_dir or MODEL_DIR, taxonomy_dir=taxonomy_dir)


def request_reading(
    con: duckdb.DuckDBPyConnection,
    model_dir: Path | None = None,
    taxonomy_dir: Path | None = None,
) -> RequestReading:
    """The warehouse's request intents (one home: the dbt var behind loop_request_intents)."""
    intents = frozenset(str(row[0]) for row in con.execute(REQUEST_INTENTS_SQL).fetchall())
    return RequestReading(intents, model_dir, taxonomy_dir)


def roadmap_fingerprint(roadmap: list[dict[str, Any]], reader: str = "") -> str:
    """What every score of a night was computed from besides the item's words: the method,
    every roadmap item's title and keywords (a new or renamed one can change any item's nearest)
    and the version of what reads which sentences ask (``reader``)."""
    readings = [
        [row["roadmap_item_id"], row["title"] or "", list(row["theme_keywords"] or ())]
        for row in sorted(roadmap, key=lambda row: str(row["roadmap_item_id"]))
    ]
    return hashlib.md5(json.dumps([METHOD, reader, readings]).encode("utf-8")).hexdigest()


def fingerprint(roadmap_md5: str, text: str) -> str:
    """``scored_on``: the inputs of one item's scores (UNSCORED_SQL computes the same in SQL)."""
    return hashlib.md5(f"{roadmap_md5}|{text}".encode()).hexdigest()


def _save(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, Any]],
    scored: list[Scored],
    decided: dict[str, dict[str, Any]],
    min_score: float,
    run_date: date,
    roadmap_md5: str,
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
            "scored_on": [fingerprint(roadmap_md5, rows[s.item_index]["text"]) for s in scored],
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
    rejudge: bool = False,
    model_dir: Path | None = None,
    taxonomy_dir: Path | None = None,
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each roadmap item decided in the window, with the candidate rows that asked for it;
    every new score is written to ops.closed_loop_matches. Only candidates without a stored
    score of their current fingerprint are scored, unless ``rejudge``. ``model_dir`` and
    ``taxonomy_dir``: the tagger that reads which sentences ask (default: the shipped one)."""
    since = as_of - timedelta(days=window_days)
    roadmap = fetch_dicts(con, ROADMAP_SQL)
    decided = {
        row["roadmap_item_id"]: row
        for row in roadmap
        if row["is_decided"] and since <= row["status_entered_at"] < as_of
    }
    if not decided:
        return []
    reading = request_reading(con, model_dir, taxonomy_dir)
    roadmap_md5 = roadmap_fingerprint(roadmap, reading.version)
    targets = sorted(decided)
    window = [targets, [decided[t]["status_entered_at"] for t in targets]]
    if rejudge:
        latest = max(r["status_entered_at"] for r in decided.values())
        rows = fetch_dicts(con, CANDIDATES_SQL, [latest])
        stored: list[dict[str, Any]] = []
    else:
        rows = fetch_dicts(con, UNSCORED_SQL, [*window, roadmap_md5])
        stored = fetch_dicts(con, STORED_MATCHES_SQL, [*window, roadmap_md5, min_score])
        # The status a stored score was taken against, as rescoring would have rewritten it.
        con.executemany(
            "update ops.closed_loop_matches set roadmap_status = ?"
            " where roadmap_item_id = ? and roadmap_status <> ? and not is_match",
            [[decided[t]["status"], t, decided[t]["status"]] for t in targets],
        )
    scored = _score(rows, roadmap, targets, reading) if rows else []
    # Only what was said before the decision asked for it.
    scored = [
        s
        for s in scored
        if rows[s.item_index]["received_at"] < decided[s.roadmap_item_id]["status_entered_at"]
    ]
    _save(con, rows, scored, decided, min_score, run_date, roadmap_md5)
    told: dict[str, list[dict[str, Any]]] = {target: [] for target in targets}
    for s in scored:
        if s.is_match(min_score):
            # Each told row carries the sentence it was matched on: the email quotes that,
            # not the whole ticket.
            told[s.roadmap_item_id].append({**rows[s.item_index], "matched_text": s.matched_text})
    rescored = {str(row["item_id"]) for row in rows}
    for row in stored:
        target = row.pop("matched_roadmap_item_id")
        if str(row["item_id"]) not in rescored:  # scored again tonight against every decision
            told[target].append(row)
    return [
        (decided[target], sorted(told[target], key=lambda r: (r["received_at"], r["item_id"])))
        for target in targets
    ]


def _score(
    rows: list[dict[str, Any]],
    roadmap: list[dict[str, Any]],
    targets: list[str],
    reading: RequestReading,
) -> list[Scored]:
    from nlp.embed import Embedder

    return score_items(
        Embedder.load(),
        [row["text"] for row in rows],
        [
            RoadmapItem(r["roadmap_item_id"], r["title"] or "", tuple(r["theme_keywords"] or ()))
            for r in roadmap
        ],
        targets,
        asks=reading,
    )


def queue_closed_loop(
    outbox: Outbox,
    *,
    as_of: datetime,
    run_date: date,
    window_days: int,
    min_score: float,
    identity: SenderIdentity,
    rejudge: bool = False,
    model_dir: Path | None = None,
    taxonomy_dir: Path | None = None,
) -> tuple[StepCount, StepCount]:
    """Queue "we heard you" emails and declined notes; returns (shipped, declined) counts.
    ``rejudge`` scores every candidate again instead of only what changed (match_decided);
    ``model_dir`` and ``taxonomy_dir`` name the tagger that reads which sentences ask."""
    shipped: list[tuple[ComposedBatch, list[FeedbackItem]]] = []
    declined: list[tuple[ComposedBatch, list[FeedbackItem]]] = []
    # An item a message of the kind answered is not answered again, whatever that message's
    # key: emails keyed per theme (before matching by meaning) are keyed otherwise.
    matched = match_decided(
        outbox.connection,
        as_of=as_of,
        run_date=run_date,
        window_days=window_days,
        min_score=min_score,
        rejudge=rejudge,
        model_dir=model_dir,
        taxonomy_dir=taxonomy_dir,
    )
    asked = [str(row["item_id"]) for _, rows in matched for row in rows]
    answered = {
        kind: answered_items(outbox.connection, kind, asked)
        for kind in (MessageKind.CLOSED_LOOP.value, MessageKind.DECLINED_NOTE.value)
    }
    for decision, rows in matched:
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
