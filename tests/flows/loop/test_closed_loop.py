"""Customers hear back when what they asked for ships ("we heard you") or is declined: only
those whose own item asked for it, by meaning, and every score is kept for an analyst."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from flows.loop.closed_loop import queue_closed_loop
from flows.loop.policy import LoopPolicy
from flows.warehouse.connection import open_warehouse
from notifications import Outbox
from tests.flows.loop.conftest import FIRST, IDENTITY, midnight


def sent(outbox: list[dict[str, Any]], kind: str) -> list[tuple[str, str]]:
    return sorted((row["theme_key"], row["to_email"]) for row in outbox if row["kind"] == kind)


def test_a_shipped_item_is_told_only_to_customers_who_asked_for_it_before_it_shipped(
    nights,
) -> None:
    # Priya complained, then asked (one email); Max only complained that reports are slow, and
    # Lee's chart bug shares the theme: neither asked for anything. Jo asked after the ship date.
    assert sent(nights.outbox_after_first, "closed_loop") == [
        ("RM-1", "priya@northwind-logistics.com")
    ]


def test_the_email_quotes_the_request_and_names_what_shipped(nights) -> None:
    [(text,)] = nights.query(
        "select body_text from ops.outbox where kind = 'closed_loop'"
        " and to_email = 'priya@northwind-logistics.com'"
    )
    assert "Please make the reports load faster." in text
    assert "Faster reports shipped on 10 November 2026" in " ".join(text.split())


def test_a_declined_item_is_told_to_who_asked_before_the_decision_in_any_words(nights) -> None:
    # Kim asked by name, Ana in other words ("screen black ... at night"); Al's bug report and
    # Bo's praise share the words "dark" but asked for nothing. Sam asked after the decision.
    assert sent(nights.outbox_after_first, "declined_note") == [
        ("RM-2", "ana@tailspin.dev"),
        ("RM-2", "kim@tailspin.dev"),
    ]
    assert sent(nights.outbox_after_first, "closed_loop") == sent(
        nights.outbox_after_again, "closed_loop"
    )


def test_every_score_is_kept_with_the_words_it_matched_and_the_threshold(nights) -> None:
    rows = nights.query(
        "select item_id, roadmap_item_id, score, min_score, matched_text, is_match"
        " from ops.closed_loop_matches order by item_id, roadmap_item_id"
    )
    by_item = {
        (item, roadmap): (score, floor, words, told)
        for item, roadmap, score, floor, words, told in rows
    }
    score, floor, words, told = by_item[("widget:dark_para", "RM-2")]
    assert told and score >= floor
    assert words == "Could the screen be black instead of white at night?"
    # Not requests: never candidates, so never scored or told.
    assert not {item for item, _ in by_item} & {"widget:dark_bug", "widget:dark_fan", "nps:rep"}
    # Asked for reports, not dark mode: scored against it, below the line.
    score, floor, _, told = by_item[("widget:rep2", "RM-2")]
    assert not told and score < floor


def test_the_matches_mart_says_why_each_customer_was_or_was_not_told(nights) -> None:
    rows = dict(
        nights.query("select closed_loop_match_id, outcome from marts.fct_closed_loop_matches")
    )
    assert rows["widget:rep2|RM-1"] == "told"
    assert rows["widget:rep2|RM-2"] == "below threshold"


def test_every_item_that_asked_is_answered_by_its_customers_message(nights) -> None:
    # A customer is written once per roadmap item, and that one message answers each of their
    # items that asked for it, so each item counts as closed in the marts.
    answered = {
        item
        for (item,) in nights.query(
            "select item_id from ops.message_items where kind in ('closed_loop', 'declined_note')"
        )
    }
    told = {
        item
        for (item,) in nights.query("select item_id from ops.closed_loop_matches where is_match")
    }
    assert told and told <= answered


def test_an_item_told_by_an_email_keyed_per_theme_before_is_not_told_again(
    nights, tmp_path: Path
) -> None:
    # A warehouse from before matching by meaning: Priya's "we heard you" went out keyed per
    # theme, naming her item in its own outbox row, with no ops.message_items rows.
    copy = tmp_path / "loopkeeper.duckdb"
    shutil.copy(nights.warehouse, copy)
    with open_warehouse(copy) as con:
        [(key, item_id)] = con.execute(
            "select o.message_key, min(m.item_id) from ops.outbox as o"
            " join ops.message_items as m using (message_key)"
            " where o.kind = 'closed_loop' group by all"
        ).fetchall()
        con.execute(
            "insert into ops.outbox select * replace ('closed_loop:per-theme' as message_key,"
            " ? as item_id) from ops.outbox where message_key = ?",
            [item_id, key],
        )
        con.execute("delete from ops.message_items where message_key = ?", [key])
        con.execute("delete from ops.outbox where message_key = ?", [key])
        policy = LoopPolicy(escalation_dir=tmp_path / "escalations")
        shipped, _ = queue_closed_loop(
            Outbox(con),
            as_of=midnight(FIRST),
            run_date=FIRST,
            window_days=policy.closed_loop_window_days,
            min_score=policy.closed_loop_min_similarity,
            identity=IDENTITY,
        )
        told = con.execute(
            "select count(*) from ops.outbox where kind = 'closed_loop'"
            " and to_email = 'priya@northwind-logistics.com'"
        ).fetchall()

    assert shipped.queued == 0
    assert told == [(1,)]
