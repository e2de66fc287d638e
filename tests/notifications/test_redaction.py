from __future__ import annotations

import pytest

from notifications.redaction import (
    quote_for_author,
    quote_for_colleague,
    redact_contact_details,
    shorten,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("mail me at sam.o+x@acme.co.uk today", "mail me at [email] today", id="email"),
        pytest.param("call +1 (555) 123-4567 please", "call [phone] please", id="us phone"),
        pytest.param("ring 020 7946 0958.", "ring [phone].", id="uk phone"),
        pytest.param("since 2026-11-03 it fails", "since 2026-11-03 it fails", id="date kept"),
        pytest.param("ticket 50231 on v3.2.1", "ticket 50231 on v3.2.1", id="short numbers kept"),
        pytest.param("no contact details", "no contact details", id="nothing to mask"),
    ],
)
def test_contact_details_are_masked(text: str, expected: str) -> None:
    assert redact_contact_details(text) == expected


def test_shorten_cuts_at_a_word_and_marks_the_cut() -> None:
    text = "word " * 100
    short = shorten(text, 30)
    assert len(short) <= 30
    assert short.endswith("word…")


def test_shorten_keeps_short_text_and_collapses_whitespace() -> None:
    assert shorten("  Exports\n  time out  ", 300) == "Exports time out"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Error in the CSV export\n\nHi team,\n\nThe export fails halfway.\n\nCheers,\nUma",
            "Error in the CSV export\n\n\nThe export fails halfway.",
            id="ticket: subject kept, greeting and sign-off gone",
        ),
        pytest.param(
            "Dear support team,\nIt never arrives.\n\nThanks in advance!\nHassan Ali",
            "It never arrives.",
            id="thanks in advance",
        ),
        pytest.param("Speed is the problem.\n\nMarco", "Speed is the problem.", id="bare name"),
        pytest.param(
            "Hi, the report at https://x.example/r?t=1 fails.",
            "Hi, the report at [url] fails.",
            id="a greeting inside the first sentence stays",
        ),
        pytest.param("Love it, thanks", "Love it", id="short praise"),
    ],
)
def test_a_colleague_reads_the_problem_without_greeting_or_placeholder_signature(
    text: str, expected: str
) -> None:
    quote = quote_for_colleague(redact_contact_details(text))
    assert quote == expected
    assert "[name]" not in quote


def test_sentences_split_where_the_plain_pattern_splits_them() -> None:
    """Sentences end at '.', '!' or '?' before whitespace or at a line break, as
    `(?<=[.!?])\\s+|\\s*\\n\\s*` splits them; searched that way, long runs of spaces took
    seconds."""
    import random
    import re

    from notifications.redaction import _SENTENCES

    plain = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
    rng = random.Random(2)
    for alphabet in ("a. \n!?\t", " \n", "ab \n\n. "):
        for _ in range(20_000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            assert _SENTENCES.split(text) == plain.split(text), repr(text)


def test_a_text_padded_with_whitespace_is_quoted_whole() -> None:
    padding = " " * 200_000
    text = f"Export fails.{padding}Since Monday{padding}"
    assert quote_for_author(text) == "Export fails. Since Monday"
