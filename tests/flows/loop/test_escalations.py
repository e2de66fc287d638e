"""A theme over a threshold is escalated to product once: one document, one ops row."""

from __future__ import annotations

from pathlib import Path


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
