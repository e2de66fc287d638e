"""Customers hear back when their theme ships ("we heard you") or is declined."""

from __future__ import annotations

from typing import Any


def sent(outbox: list[dict[str, Any]], kind: str) -> list[tuple[str, str]]:
    return sorted((row["theme_key"], row["to_email"]) for row in outbox if row["kind"] == kind)


def test_a_shipped_theme_sends_one_email_per_customer_who_asked_before_it_shipped(nights) -> None:
    # Priya asked twice (one email); Jo asked after the ship date (none); Lee's item sits in
    # the theme but never named reports, so Lee is not told "you asked" (none).
    assert sent(nights.outbox_after_first, "closed_loop") == [
        ("reports", "max@litware.com"),
        ("reports", "priya@northwind-logistics.com"),
    ]


def test_the_email_quotes_the_customer_and_names_what_shipped(nights) -> None:
    [(text,)] = nights.query(
        "select body_text from ops.outbox where kind = 'closed_loop'"
        " and to_email = 'priya@northwind-logistics.com'"
    )
    assert "Reports still slow today." in text
    assert "Faster reports shipped on 10 November 2026" in " ".join(text.split())


def test_a_declined_theme_sends_an_honest_note_to_who_asked_before_the_decision(nights) -> None:
    assert sent(nights.outbox_after_first, "declined_note") == [("dark_mode", "kim@tailspin.dev")]
    assert sent(nights.outbox_after_first, "closed_loop") == sent(
        nights.outbox_after_again, "closed_loop"
    )
