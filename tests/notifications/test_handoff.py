from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from notifications import (
    FeedbackItem,
    HandoffReason,
    SenderIdentity,
    compose_handoff,
    handoff_reasons,
    message_key,
    needs_handoff,
)

ItemFactory = Callable[..., FeedbackItem]
HANDED_OFF_AT = datetime(2026, 11, 22, 0, 0)


def flat(body: str) -> str:
    return " ".join(body.split())


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"nps_score": 6}, (HandoffReason.DETRACTOR,), id="nps 6 is a detractor"),
        pytest.param({"nps_score": 7}, (), id="nps 7 is not"),
        pytest.param({"nps_score": 0}, (HandoffReason.DETRACTOR,), id="nps 0"),
        pytest.param({"ces_score": 5}, (HandoffReason.HIGH_EFFORT,), id="ces 5 is high effort"),
        pytest.param({"ces_score": 4}, (), id="ces 4 is not"),
        pytest.param(
            {"intents": "bug;churn_risk"}, (HandoffReason.CHURN_MENTION,), id="churn mention"
        ),
        pytest.param(
            {"intents": ["competitor"]}, (HandoffReason.COMPETITOR_MENTION,), id="competitor"
        ),
        pytest.param(
            {"intent": "churn_risk", "intents": None},
            (HandoffReason.CHURN_MENTION,),
            id="top intent alone counts",
        ),
        pytest.param({"severity": "critical"}, (HandoffReason.CRITICAL,), id="critical"),
        pytest.param({"severity": "high"}, (), id="high severity is not"),
        pytest.param(
            {
                "nps_score": 2,
                "ces_score": 7,
                "intents": "churn_risk;competitor",
                "severity": "critical",
            },
            tuple(HandoffReason),
            id="every reason at once",
        ),
    ],
)
def test_handoff_reasons(
    make_item: ItemFactory, changes: dict[str, object], expected: tuple[HandoffReason, ...]
) -> None:
    item = make_item(**changes)
    assert handoff_reasons(item) == expected
    assert needs_handoff(item) is bool(expected)


def test_handoff_goes_to_the_owning_csm_with_the_context(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = make_item(nps_score=3, intents="competitor", text="We are trialling Looker instead.")

    message = compose_handoff(item, sender=sender_identity, handed_off_at=HANDED_OFF_AT)

    assert message.kind == "handoff"
    assert message.to_email == "dana.whitfield@loopkeeper-demo.io"
    assert message.key == message_key("handoff", message.to_email, "nps:r_000123", "handoff")
    assert message.item_id == "nps:r_000123" and message.account_id == "001A000001"
    for body in (flat(message.text), flat(message.html)):
        assert "Northwind Logistics" in body
        assert "Enterprise" in body
        assert "$180,000" in body
        assert "15 January 2027" in body
        assert "detractor (NPS 6 or lower); mentions a competitor" in body
        assert "We are trialling Looker instead." in body
        assert "Monday 23 November 2026, 00:00 UTC" in body  # 24 h after the hand-off
        # The draft greets the customer and is signed by the CSM.
        assert "Hi Priya," in body
        assert "Dana Whitfield" in body
    assert "Monday 23 November 2026" in message.subject


def test_handoff_for_an_account_without_a_csm_goes_to_the_team_inbox(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = make_item(tier="SMB", csm_name="", csm_email="", severity="critical")

    message = compose_handoff(item, sender=sender_identity, handed_off_at=HANDED_OFF_AT)

    assert message.to_email == sender_identity.reply_to
    assert "Hi Customer Success team," in message.text
    assert "[your name]" in message.text  # the draft leaves the signature to whoever sends it


def test_an_item_needing_no_handoff_is_refused(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    with pytest.raises(ValueError, match="needs no hand-off"):
        compose_handoff(make_item(), sender=sender_identity, handed_off_at=HANDED_OFF_AT)


def test_handoff_quotes_redacted_words(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    item = make_item(nps_score=2, text="Call me on +44 20 7946 0958 or priya@northwind.com")

    message = compose_handoff(item, sender=sender_identity, handed_off_at=HANDED_OFF_AT)

    assert "7946" not in message.text and "priya@northwind.com" not in message.html
