from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from notifications import (
    DeclinedDecision,
    FeedbackItem,
    SenderIdentity,
    ShippedChange,
    compose_closed_loop,
    compose_declined_notes,
    message_key,
)

ItemFactory = Callable[..., FeedbackItem]
SHIPPED = ShippedChange(
    theme_key="theme:excel-export",
    theme_label="excel export",
    title="Excel export",
    shipped_on=date(2026, 11, 20),
    what_changed="Every report can now be downloaded as an .xlsx file.",
    how_to_try="Open a report and choose Export, then Excel.",
)
DECLINED = DeclinedDecision(
    theme_key="theme:dark-mode",
    theme_label="dark mode",
    title="Dark mode",
    reason="it would slow down the accessibility work this quarter",
    alternative="Your browser's reader mode darkens every report today.",
)


def flat(body: str) -> str:
    """The body as a reader sees it: tags dropped, wrapping undone."""
    return " ".join(re.sub(r"<[^>]+>", "", body).split())


def test_we_heard_you_quotes_what_they_said_and_says_what_changed(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = make_item(text="Please let us export to Excel.")

    [message] = compose_closed_loop([item], SHIPPED, sender=sender_identity).messages

    assert message.kind == "closed_loop" and message.theme_key == "theme:excel-export"
    assert message.to_email == "priya.raman@northwind-logistics.com"
    assert message.subject == "You asked, we built it: Excel export"
    for body in (flat(message.text), flat(message.html)):
        assert "Hi Priya," in body
        assert "Please let us export to Excel." in body
        assert "Excel export shipped on 20 November 2026" in body
        assert "Every report can now be downloaded as an .xlsx file." in body
        assert "Open a report and choose Export, then Excel." in body
        assert "sent automatically" in body


@pytest.mark.parametrize(
    ("tier", "from_name", "reply_to"),
    [
        pytest.param(
            "Enterprise",
            "Dana Whitfield",
            "dana.whitfield@loopkeeper-demo.io",
            id="enterprise signed by the csm",
        ),
        pytest.param(
            "SMB",
            "Acme Analytics Customer Success",
            "success@acme-analytics.io",
            id="smb signed by the team",
        ),
    ],
)
def test_closed_loop_is_signed_by_tier(
    make_item: ItemFactory,
    sender_identity: SenderIdentity,
    tier: str,
    from_name: str,
    reply_to: str,
) -> None:
    [message] = compose_closed_loop(
        [make_item(tier=tier)], SHIPPED, sender=sender_identity
    ).messages
    assert (message.from_name, message.reply_to) == (from_name, reply_to)
    assert message.from_email == sender_identity.from_email


def test_one_email_per_customer_and_theme_quoting_their_latest_words(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    items = [
        make_item(
            item_id="nps:1",
            text="Excel export please.",
            received_at=datetime(2026, 9, 1, tzinfo=UTC),
        ),
        make_item(
            item_id="widget:2",
            source="widget",
            text="Still need xlsx export!",
            contact_email="Priya.Raman@Northwind-Logistics.com",
            received_at=datetime(2026, 10, 1, tzinfo=UTC),
        ),
        make_item(
            item_id="nps:3",
            contact_email="sam.ortiz@northwind-logistics.com",
            contact_name="Sam Ortiz",
        ),
    ]

    messages = compose_closed_loop(items, SHIPPED, sender=sender_identity).messages

    assert len(messages) == 2
    priya = next(m for m in messages if m.to_name == "Priya Raman")
    assert "Still need xlsx export!" in priya.text and "Excel export please." not in priya.text
    assert "not for the first time" in priya.text
    assert priya.key == message_key(
        "closed_loop", "priya.raman@northwind-logistics.com", "theme:excel-export", "shipped"
    )


def test_items_without_a_customer_address_are_set_aside_with_the_reason(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    batch = compose_closed_loop(
        [make_item(contact_email=""), make_item(item_id="note:1", source="note")],
        SHIPPED,
        sender=sender_identity,
    )
    assert batch.messages == []
    assert [(r.item_id, r.reason) for r in batch.rejected] == [
        ("nps:r_000123", "no customer address to write to"),
        ("note:1", "no customer address to write to"),
    ]


def test_declined_note_is_short_honest_and_keyed_apart_from_shipped(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = make_item(tier="Mid-Market", text="A dark mode would save my eyes.")

    [note] = compose_declined_notes([item], DECLINED, sender=sender_identity).messages
    [shipped] = compose_closed_loop([item], SHIPPED, sender=sender_identity).messages

    assert note.kind == "declined_note" and note.theme_key == "theme:dark-mode"
    assert note.key != shipped.key
    for body in (flat(note.text), flat(note.html)):
        assert "A dark mode would save my eyes." in body
        assert "we have decided not to build Dark mode, because it would slow down" in body
        assert "reader mode darkens every report" in body
        assert "The Customer Success team" in body


def test_declined_note_without_a_reason_says_so_plainly(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    decision = DeclinedDecision("theme:dark-mode", "dark mode", "Dark mode")
    [note] = compose_declined_notes([make_item()], decision, sender=sender_identity).messages
    assert "decided not to build Dark mode for now." in flat(note.text)
    assert "What you can do instead" not in note.text


def test_we_heard_you_quotes_their_words_without_a_redacted_signature(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = make_item(text="Please let us export to Excel.\nBest,\nPriya Raman")

    [message] = compose_closed_loop([item], SHIPPED, sender=sender_identity).messages

    for body in (flat(message.text), flat(message.html)):
        assert "Please let us export to Excel." in body
        assert "[name]" not in body and "Best," not in body


def test_we_heard_you_quotes_the_sentence_that_asked_not_the_whole_ticket(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    # The ticket's subject, greeting, filler and signature around the request stay out; the
    # sentence the roadmap item was matched on (fct_closed_loop_matches) is what they hear back.
    item = make_item(
        source="ticket",
        text="Excel question\nHi team, Quick one. Please let us export to Excel. "
        "Not urgent but would be good to know.\nThanks,\nPriya Raman",
        matched_text="Please let us export to Excel.",
    )

    [message] = compose_closed_loop([item], SHIPPED, sender=sender_identity).messages

    text = flat(message.text)
    quote = text[text.index("you told us:") + len("you told us:") : text.index("We listened.")]
    assert quote.strip() == "> Please let us export to Excel."
    for body in (flat(message.text), flat(message.html)):
        assert "Excel question" not in body and "Quick one" not in body
        assert "Not urgent" not in body and "Priya Raman" not in body


def test_a_matched_sentence_of_contact_details_only_falls_back_to_their_words(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = make_item(
        text="Please let us export to Excel. Call me on +44 20 7946 0958.",
        matched_text="Call me on +44 20 7946 0958.",
    )

    [message] = compose_closed_loop([item], SHIPPED, sender=sender_identity).messages

    body = flat(message.text)
    assert "Please let us export to Excel." in body and "7946" not in body


def test_a_customer_who_asked_how_hears_now_you_can_not_that_they_asked_for_it(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    """A how-to question the shipped feature answers did not ask for it to be built; a question
    that also asks for it ("is an Excel export on the roadmap?") did."""
    asked_how = make_item(
        text="How do I get a report into Excel?", intents="question", intent="question"
    )
    asked_for = make_item(
        item_id="fb-2",
        contact_email="sam.lee@example.com",
        text="Is an Excel export on the roadmap?",
        intents="feature_request;question",
        intent="feature_request",
    )

    messages = compose_closed_loop([asked_how, asked_for], SHIPPED, sender=sender_identity).messages

    by_item = {message.item_id: message for message in messages}
    question, request = by_item[asked_how.item_id], by_item["fb-2"]
    assert question.subject == "Now you can: Excel export"
    assert request.subject == "You asked, we built it: Excel export"
    for body in (flat(question.text), flat(question.html)):
        assert "you asked us:" in body and "How do I get a report into Excel?" in body
        assert "Good news: Excel export shipped on 20 November 2026." in body
        assert "We listened" not in body
    for body in (flat(request.text), flat(request.html)):
        assert "you told us:" in body and "Is an Excel export on the roadmap?" in body
        assert "We listened. Excel export shipped on 20 November 2026." in body
