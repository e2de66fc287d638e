from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from notifications import (
    RejectedItem,
    SenderIdentity,
    compose_acknowledgment,
    compose_acknowledgments,
    message_key,
)
from notifications.compose import QUOTE_LIMIT

ItemFactory = Callable[..., dict[str, Any]]
SOURCES = ["nps", "ticket", "widget", "note"]


def flat(body: str) -> str:
    """The body with line wrapping undone, so phrases can be looked for whole."""
    return " ".join(body.split())


@pytest.mark.parametrize("source", SOURCES)
def test_enterprise_acknowledgment_is_signed_by_the_csm(
    feedback_item: ItemFactory, sender_identity: SenderIdentity, source: str
) -> None:
    message = compose_acknowledgment(feedback_item(source=source), sender=sender_identity)
    assert message.from_name == "Dana Whitfield"
    assert message.reply_to == "dana.whitfield@loopkeeper-demo.io"
    assert message.from_email == sender_identity.from_email
    for body in (flat(message.text), message.html):
        assert "Customer Success Manager, Acme Analytics" in body
        assert "Dana Whitfield (dana.whitfield@loopkeeper-demo.io)" in body


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("tier", ["Mid-Market", "SMB"])
def test_other_tiers_get_a_note_signed_by_the_team(
    feedback_item: ItemFactory, sender_identity: SenderIdentity, source: str, tier: str
) -> None:
    message = compose_acknowledgment(
        feedback_item(source=source, tier=tier), sender=sender_identity
    )
    assert message.from_name == "Acme Analytics Customer Success"
    assert message.reply_to == "success@acme-analytics.io"
    for body in (flat(message.text), message.html):
        assert "The Customer Success team" in body
        assert "our Customer Success team (success@acme-analytics.io)" in body
        assert "Dana Whitfield" in body  # their account manager is still named


def test_enterprise_account_without_a_csm_falls_back_to_the_team(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(
        feedback_item(csm_name="", csm_email=None), sender=sender_identity
    )
    assert message.reply_to == sender_identity.reply_to
    assert "Dana" not in message.text


def test_every_acknowledgment_says_it_is_automated(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(feedback_item(), sender=sender_identity)
    assert "sent automatically by Acme Analytics" in flat(message.text)
    assert "sent automatically by Acme Analytics" in message.html


def test_greets_by_first_name_and_quotes_their_words(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(feedback_item(), sender=sender_identity)
    assert message.text.startswith("Hi Priya,\n")
    assert "> Exports keep timing out when I pick a full year." in message.text
    assert "Exports keep timing out when I pick a full year." in message.html
    assert "3 November 2026" in message.text


def test_csm_notes_are_acknowledged_without_being_quoted(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = feedback_item(source="note", text="At risk: they are trialling a competitor.")
    message = compose_acknowledgment(item, sender=sender_identity)
    assert "competitor" not in message.text
    assert "competitor" not in message.html
    assert "<blockquote" not in message.html
    assert "shared in our conversation on 3 November 2026" in flat(message.text)


def test_a_survey_answer_without_a_comment_has_no_quote(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(feedback_item(text="", nps_score=9), sender=sender_identity)
    assert "you wrote" not in message.text
    assert ">" not in message.text
    assert "<blockquote" not in message.html
    assert "Your 9 out of 10 means a lot to us." in message.text


def test_name_written_last_first_is_greeted_by_first_name(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(
        feedback_item(contact_name="Raman, Priya"), sender=sender_identity
    )
    assert message.text.startswith("Hi Priya,\n")


def test_no_name_gets_a_plain_hello(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(feedback_item(contact_name=""), sender=sender_identity)
    assert message.text.startswith("Hello,\n")


@pytest.mark.parametrize(
    ("area", "subject"),
    [
        pytest.param("exports", "We got your feedback on exports", id="known area"),
        pytest.param(
            "single_sign_on", "We got your feedback on single sign on", id="snake case area"
        ),
        pytest.param("", "We got your survey feedback", id="unknown area"),
    ],
)
def test_subject_names_the_product_area_when_known(
    feedback_item: ItemFactory, sender_identity: SenderIdentity, area: str, subject: str
) -> None:
    message = compose_acknowledgment(feedback_item(product_area=area), sender=sender_identity)
    assert message.subject == subject


@pytest.mark.parametrize(
    ("intent", "promise"),
    [
        pytest.param(
            "feature_request", "A product specialist reviews it this week", id="feature request"
        ),
        pytest.param("bug", "Our support team is on it", id="bug"),
        pytest.param(
            "churn_risk",
            "Dana Whitfield, your customer success manager, will reach out",
            id="churn risk",
        ),
        pytest.param("", "A product specialist reads it this week", id="no intent"),
    ],
)
def test_says_what_happens_next_by_intent(
    feedback_item: ItemFactory, sender_identity: SenderIdentity, intent: str, promise: str
) -> None:
    message = compose_acknowledgment(feedback_item(intent=intent), sender=sender_identity)
    assert promise in flat(message.text)
    assert promise in message.html


def test_feedback_about_speed_is_not_told_it_described_slowness(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    # The performance intent covers praise of speed as well as complaints about it.
    item = feedback_item(
        intent="performance",
        intents="performance",
        text="Dashboards load in a second now!",
    )
    text = flat(compose_acknowledgment(item, sender=sender_identity).text)
    assert "Dashboards load in a second now!" in text
    assert "Our engineers read what you told us about speed" in text
    assert "slow" not in text


def test_feedback_text_is_escaped_in_html_and_verbatim_in_text(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = feedback_item(text='Broken <script>alert("x")</script> & slow')
    message = compose_acknowledgment(item, sender=sender_identity)
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; slow" in message.html
    assert '<script>alert("x")</script> & slow' in message.text


def test_contact_details_in_the_feedback_stay_out_of_the_quote(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = feedback_item(
        text="Exports fail. Call me on +44 20 7946 0958 or write to priya@home.example.org"
    )
    message = compose_acknowledgment(item, sender=sender_identity)
    for body in (message.text, message.html):
        assert "Exports fail." in body
        assert "7946" not in body
        assert "priya@home" not in body
        assert "[phone]" not in body and "[email]" not in body


def test_redacted_text_given_by_the_caller_decides_what_is_left_out(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = feedback_item(
        text="Exports fail. My name is Priya Raman",
        redacted_text="Exports fail. My name is [person]",
    )
    message = compose_acknowledgment(item, sender=sender_identity)
    assert "Exports fail." in message.text
    assert "[person]" not in message.text
    assert "Priya Raman" not in message.html.split("<blockquote", 1)[1]


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        pytest.param(
            "Exports time out.\nThanks,\nMaria Lopez", "Exports time out.", id="name under sign-off"
        ),
        pytest.param(
            "Exports time out. Regards, Tariq Aziz", "Exports time out.", id="sign-off closing text"
        ),
        pytest.param(
            "Exports time out — Jan Kowalski, Ops lead", "Exports time out", id="name after a dash"
        ),
        pytest.param(
            "Exports time out. Thanks in advance! Tariq", "Exports time out.", id="unredacted name"
        ),
        pytest.param(
            "Big fan. Best tool in our stack.", "Big fan. Best tool in our stack.", id="no sign-off"
        ),
    ],
)
def test_a_quote_to_its_author_has_no_placeholder_and_no_sign_off(
    feedback_item: ItemFactory, sender_identity: SenderIdentity, text: str, quoted: str
) -> None:
    message = compose_acknowledgment(feedback_item(text=text, tier="SMB"), sender=sender_identity)
    quote = message.html.split("<blockquote", 1)[1].split(">", 1)[1].split("</blockquote>")[0]
    assert quote == quoted
    assert "[name]" not in message.text and "[name]" not in message.html


def test_the_account_manager_is_named_once_when_the_next_step_names_them(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = feedback_item(tier="Mid-Market", intent="pricing", text="Seats cost too much.")
    message = compose_acknowledgment(item, sender=sender_identity)
    for body in (message.text, " ".join(message.html.split())):
        assert " ".join(body.split()).count("Dana Whitfield") == 1
    other = compose_acknowledgment(
        feedback_item(tier="Mid-Market", intent="bug"), sender=sender_identity
    )
    assert "Your account manager, Dana Whitfield" in " ".join(other.text.split())


def test_praise_that_also_asks_for_something_is_answered_on_the_ask_too(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    """Praise leads, a wish follows: the email thanks them and says what happens to the wish,
    where it used to say only that their words were shared."""
    text = "Love the usage report. Could we get shareable links to dashboards?"
    mixed = feedback_item(tier="SMB", intent="praise", intents=["praise", "feature_request"])
    message = compose_acknowledgment({**mixed, "text": text}, sender=sender_identity)
    for body in (flat(message.text), flat(message.html)):
        assert "We have shared your words with the team who built it." in body
        assert "A product specialist reviews it this week" in body
    # an ask that names who follows up names them there, and only there
    pricing = feedback_item(tier="Mid-Market", intent="praise", intents=["praise", "pricing"])
    told = flat(compose_acknowledgment(pricing, sender=sender_identity).text)
    assert "Dana Whitfield, your account manager, will follow up within two business" in told
    assert told.count("Dana Whitfield") == 1
    # praise alone, and an ask that leads, keep their own one next step
    alone = flat(
        compose_acknowledgment(feedback_item(intent="praise"), sender=sender_identity).text
    )
    assert "shared your words" in alone and "product specialist" not in alone
    asked = feedback_item(intent="feature_request", intents=["feature_request", "praise"])
    assert "shared your words" not in compose_acknowledgment(asked, sender=sender_identity).text


def test_long_feedback_is_trimmed(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(feedback_item(text="slow " * 400), sender=sender_identity)
    quote = message.html.split("<blockquote", 1)[1].split(">", 1)[1].split("</blockquote>")[0]
    assert len(quote) <= QUOTE_LIMIT
    assert quote.endswith("…")


@pytest.mark.parametrize(
    ("score", "remark"),
    [
        pytest.param(10, "Your 10 out of 10 means a lot to us.", id="promoter"),
        pytest.param(8, "we would like to earn a higher one", id="passive"),
        pytest.param(3, "Your 3 out of 10 tells us we have fallen short", id="detractor"),
    ],
)
def test_nps_score_is_answered_in_its_register(
    feedback_item: ItemFactory, sender_identity: SenderIdentity, score: int, remark: str
) -> None:
    message = compose_acknowledgment(feedback_item(nps_score=score), sender=sender_identity)
    assert remark in message.html


def test_message_is_keyed_to_the_item_and_recipient(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(feedback_item(account_id="001A000001"), sender=sender_identity)
    assert message.key == message_key(
        "acknowledgment", "priya.raman@northwind-logistics.com", "nps:r_000123", "received"
    )
    assert (message.kind, message.item_id, message.account_id) == (
        "acknowledgment",
        "nps:r_000123",
        "001A000001",
    )
    assert message.to_name == "Priya Raman"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        pytest.param(
            {"contact_name": "Priya\r\nBcc: x@example.com"}, "to_name: contains", id="crlf in name"
        ),
        pytest.param(
            {"contact_email": "priya.raman"}, "to_email: not a valid", id="bad contact address"
        ),
        pytest.param(
            {"csm_email": "dana at example"}, "csm_email: not a valid", id="bad csm address"
        ),
        pytest.param({"source": "email"}, "source: 'email' is not one of", id="unknown source"),
        pytest.param(
            {"tier": "enterprise"}, "tier: 'enterprise' is not one of", id="tier in wrong case"
        ),
        pytest.param(
            {"received_at": "2026-11-03"}, "received_at: expected a datetime", id="date as text"
        ),
        pytest.param({"nps_score": "3"}, "nps_score: expected a whole number", id="score as text"),
        pytest.param({"nps_score": 11}, "nps_score: expected a whole number", id="score above ten"),
        pytest.param(
            {"nps_score": 7.5}, "nps_score: expected a whole number", id="fractional score"
        ),
    ],
)
def test_bad_items_are_rejected_naming_the_item_and_field(
    feedback_item: ItemFactory, sender_identity: SenderIdentity, changes: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValueError, match=rf"^acknowledgment for item 'nps:r_000123': {error}"):
        compose_acknowledgment(feedback_item(**changes), sender=sender_identity)


def test_missing_fields_are_listed(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = feedback_item()
    del item["intent"], item["tier"]
    with pytest.raises(ValueError, match="missing field"):
        compose_acknowledgment(item, sender=sender_identity)


def test_a_dataframe_record_with_gaps_is_read_as_missing_values(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    record = pd.DataFrame(
        [
            feedback_item(nps_score=3, contact_name="Priya Raman", redacted_text="Exports fail"),
            feedback_item(nps_score=None, contact_name=None, redacted_text=None),
        ]
    ).astype({"nps_score": "Int64"})
    with_gaps = {str(key): value for key, value in record.to_dict("records")[1].items()}
    message = compose_acknowledgment(with_gaps, sender=sender_identity)
    assert message.text.startswith("Hello,\n")
    assert "out of 10" not in message.text
    assert "Exports keep timing out" in message.text  # no redacted text: its own redaction applies


def test_a_whole_float_score_from_a_column_with_gaps_counts(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    message = compose_acknowledgment(feedback_item(nps_score=10.0), sender=sender_identity)
    assert "Your 10 out of 10 means a lot to us." in message.text


def test_a_batch_sets_bad_items_aside_and_composes_the_rest(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    items = [
        feedback_item(item_id="nps:1"),
        feedback_item(item_id="nps:2", contact_email="not-an-address"),
        feedback_item(item_id="nps:3", contact_email="sam.ortiz@northwind-logistics.com"),
    ]
    messages, rejected = compose_acknowledgments(items, sender=sender_identity)
    assert [message.item_id for message in messages] == ["nps:1", "nps:3"]
    assert rejected == [
        RejectedItem(
            "nps:2",
            "acknowledgment for item 'nps:2': to_email: not a valid email address: 'not-an-address'",
        )
    ]


def test_two_pieces_of_feedback_from_one_person_get_one_email_naming_each(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    older = feedback_item(
        item_id="widget:w1",
        source="widget",
        text="The export button is hard to find.",
        intent="usability",
        received_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
    )
    newer = feedback_item(item_id="nps:r1", text="Exports keep timing out.", nps_score=8)
    message = compose_acknowledgment([older, newer], sender=sender_identity)
    text = " ".join(message.text.split())
    assert message.subject == "We got your 2 pieces of feedback"
    assert text.index("Exports keep timing out.") < text.index("The export button is hard")
    assert text.count("What happens next:") == 2
    assert text.count("Hi Priya,") == 1
    singles = {compose_acknowledgment(one, sender=sender_identity).key for one in (older, newer)}
    assert message.key not in singles
    assert message.key == compose_acknowledgment([newer, older], sender=sender_identity).key


def test_several_pieces_say_each_fact_once(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    # Two widget reports and a ticket: thanked once (the opening), where each came from said
    # without thanking again, and the two faults' shared next step said once, for both.
    pieces = [
        feedback_item(
            item_id=f"widget:w{day}",
            source="widget",
            text=text,
            intent="bug",
            received_at=datetime(2026, 11, day, 9, tzinfo=UTC),
        )
        for day, text in ((2, "The export fails halfway."), (3, "Charts never load."))
    ]
    ticket = feedback_item(
        item_id="ticket:7",
        source="ticket",
        text="How do I add a second portal?",
        intent="question",
        received_at=datetime(2026, 11, 4, 9, tzinfo=UTC),
    )
    message = compose_acknowledgment([*pieces, ticket], sender=sender_identity)
    for body in (" ".join(message.text.split()), message.html):
        assert body.count("Thank you") == 1
        assert body.count("from inside Acme Analytics") == 2
        assert body.count("Our support team is on it") == 1
        assert body.count("What happens next") == 2
    text = " ".join(message.text.split())
    assert "What happens next for both: Our support team is on it" in text
    assert (
        text.index("Charts never load.")
        < text.index("The export fails halfway.")
        < (text.index("What happens next for both"))
    )


def test_one_email_never_mixes_people(
    feedback_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    with pytest.raises(ValueError, match="several people"):
        compose_acknowledgment(
            [feedback_item(), feedback_item(item_id="nps:2", contact_email="sam@example.com")],
            sender=sender_identity,
        )
