"""A theme over a threshold is escalated to product once: one document, one ops row."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.loop.rows import FEEDBACK_COLUMNS, ITEM_COLUMNS, feedback_items, fetch_dicts
from notifications.feedback_item import FIELDS, OPTIONAL_FIELDS


def test_a_theme_crossing_a_threshold_gets_one_document_and_one_row(nights) -> None:
    rows = nights.query("select theme_key, accounts, document_path, run_date from ops.escalations")
    assert [(key, accounts) for key, accounts, _, _ in rows] == [("exports", 4)]
    documents = sorted(nights.escalation_dir.glob("escalation-*.md"))
    assert [str(path) for path in documents] == [rows[0][2]]
    assert nights.first.escalations.documents == tuple(documents)


def test_the_document_leads_with_business_impact_and_quotes_customers(nights) -> None:
    [path] = nights.escalation_dir.glob("escalation-*.md")
    text = path.read_text(encoding="utf-8")
    assert path.name.startswith("escalation-exports-")
    assert "Export timeouts" in text
    assert "Exports keep timing out on big files." in text
    assert text.index("$830,500 across 4 accounts") < text.index("Exports keep timing out")


def test_the_escalation_is_not_repeated_on_later_nights(nights) -> None:
    assert nights.again.escalations.crossed == 0 and nights.again.escalations.documents == ()
    assert nights.second.escalations.crossed == 0 and nights.second.escalations.documents == ()
    assert nights.query("select count(*) from ops.escalations") == [(1,)]


def test_decided_and_smaller_themes_are_not_escalated(nights) -> None:
    # dark_mode has three accounts but product declined it; reports shipped; sso has one account.
    [(keys,)] = nights.query("select list(theme_key) from ops.escalations")
    assert keys == ["exports"]


def test_the_index_lists_every_escalation_with_its_document(nights) -> None:
    index = (nights.escalation_dir / "index.md").read_text(encoding="utf-8")
    [(path,)] = nights.query("select document_path from ops.escalations")
    assert "1 theme escalated" in index
    assert "Export timeouts" in index and f"({Path(path).name})" in index
    assert nights.first.escalations.index == nights.escalation_dir / "index.md"


def test_themes_read_together_each_get_only_their_own_items_newest_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.loop import escalations
    from notifications import ThemeEvidence

    con = duckdb.connect()
    con.execute("create schema loop; create schema marts")
    given = ("item_id", "theme_key", "received_at", "text", "matched_text")
    # the other columns an item is read from, empty
    empty = "".join(
        f", null::varchar as {name}" for name in (*FIELDS, *OPTIONAL_FIELDS) if name not in given
    )
    con.execute(
        f"create table marts.fct_feedback as select *{empty} from (values"
        " ('i1', 'exports', timestamp '2026-11-01', 'old export'),"
        " ('i2', 'exports', timestamp '2026-11-03', 'new export'),"
        " ('i3', 'sso', timestamp '2026-11-02', 'sso'),"
        " ('i4', 'search', timestamp '2026-11-02', 'search')"
        ") as t(item_id, theme_key, received_at, feedback_text)"
    )
    con.execute(
        "create table loop.loop_theme_escalation_items as"
        " select item_id, theme_key, received_at from marts.fct_feedback"
    )
    themes = [
        ThemeEvidence(theme_key=key, theme_label=key, product_area=key, accounts=(), items=())
        for key in ("exports", "sso", "billing")
    ]
    # two themes a query: the third theme is read by a second query
    monkeypatch.setattr(escalations, "THEMES_PER_QUERY", 2)

    read = [
        (theme.theme_key, [row["item_id"] for row in rows])
        for theme, rows in escalations._with_items(con, themes)
    ]

    assert read == [("exports", ["i2", "i1"]), ("sso", ["i3"]), ("billing", [])]


def test_the_documents_items_read_from_their_columns_alone_are_the_whole_rows_items(nights) -> None:
    """A document's items are read from only the columns items are made from: the same items,
    field for field, as from the whole fct_feedback rows."""
    with duckdb.connect(str(nights.warehouse), read_only=True) as con:
        whole = fetch_dicts(con, f"select {FEEDBACK_COLUMNS} from marts.fct_feedback")
        alone = fetch_dicts(con, f"select {ITEM_COLUMNS} from marts.fct_feedback")

    items, rejected = feedback_items(whole)
    assert len(items) > 10 and not rejected
    assert feedback_items(alone) == (items, [])
    # compared on values, not on emptiness
    assert all(any(row[name] is not None for row in alone) for name in ("arr", "theme_key"))
