"""The demo's record of what each generated text asks for, and the closed-loop check built on it."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from flows.demo.closed_loop_truth import measure
from flows.demo.compose import AREAS

IDEAS = {idea.title: idea for area in AREAS for idea in area.ideas}


def test_every_other_phrase_of_an_idea_is_a_phrase_of_its_area() -> None:
    for area in AREAS:
        banks = set(area.tasks) | set(area.shorthand)
        for idea in area.ideas:
            assert set(idea.also) <= banks, (area.key, idea.title)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Shareable dashboard links",
            "Please add a read-only link to share the churn chart with clients.",
        ),
        (
            "Shareable dashboard links",
            "Please add a read-only link to shre our exec dashboard with clients.",
        ),
        ("Service account API keys", "how do i get an API key that isnt tied to one user"),
        ("Shared saved filters", "WANT SHARED SAVED FILTERS FOR the finance team"),
        ("PO numbers on invoices", "Hi, Where do I go to add a PO number to invoices? Thanks"),
    ],
    ids=["slot", "dropped-letter", "apostrophe", "shouting", "how-to"],
)
def test_a_generated_ask_is_recognised_through_the_slips_the_demo_makes(
    title: str, text: str
) -> None:
    assert IDEAS[title].asked_in(text)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("PO numbers on invoices", "Where do I go to switch to annual billing?"),
        ("Excel export", "Quick question - can we export only the filtered rows?"),
        ("Shareable dashboard links", "Dashboards not working after the release."),
    ],
    ids=["same-area-task", "same-words-other-task", "fault"],
)
def test_a_text_about_something_else_does_not_ask(title: str, text: str) -> None:
    assert not IDEAS[title].asked_in(text)


@pytest.fixture
def night() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as con:
        for schema in ("ops", "staging", "marts", "intermediate"):
            con.execute(f"create schema {schema}")
        con.execute(
            "create table staging.stg_roadmap__items as select * from (values"
            " ('R1', 'PO numbers on invoices'), ('R2', 'Excel export')) t(roadmap_item_id, title)"
        )
        con.execute(
            "create table intermediate.int_roadmap_status_changes as select * from (values"
            " ('R1', 'shipped', timestamp '2026-11-10'), ('R2', 'shipped', timestamp '2026-11-12'))"
            " t(roadmap_item_id, status, entered_at)"
        )
        con.execute(
            "create table marts.fct_feedback as select * from (values"
            " ('a', 'Would love PO numbers on invoices.', 'nps', 'a@x.test', timestamp '2026-11-01'),"
            " ('b', 'Where do I go to switch to annual billing?', 'ticket', 'b@x.test',"
            "  timestamp '2026-11-02'),"
            " ('c', 'Please add export to Excel.', 'widget', 'c@x.test', timestamp '2026-11-03'),"
            " ('d', 'Please add export to Excel.', 'widget', 'd@x.test', timestamp '2026-11-20'))"
            " t(item_id, feedback_text, source, contact_email, received_at)"
        )
        con.execute(
            "create table ops.closed_loop_matches as select * from (values"
            " ('a', 'R1', true), ('b', 'R1', true), ('c', 'R2', false))"
            " t(item_id, roadmap_item_id, is_match)"
        )
        con.execute(
            "create table ops.message_items as select * from (values"
            " ('k1', 'a', 'closed_loop'), ('k2', 'b', 'closed_loop')) t(message_key, item_id, kind)"
        )
        yield con


def test_the_check_counts_who_was_told_wrongly_and_who_was_not_told(
    night: duckdb.DuckDBPyConnection,
) -> None:
    truth = measure(night)
    assert truth.told == {("a", "PO numbers on invoices"), ("b", "PO numbers on invoices")}
    assert truth.wrong == {("b", "PO numbers on invoices")}  # asked about annual billing
    # c asked for Excel before it shipped and was not told; d asked only after it shipped.
    assert truth.asked == {("a", "PO numbers on invoices"), ("c", "Excel export")}
    assert (truth.precision, truth.recall) == (0.5, 0.5)
    assert any("Excel export | Please add export to Excel." in line for line in truth.lines())
