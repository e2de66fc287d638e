"""Who answers an item: its CSM (hand-offs, QBR follow-ups) or an automatic acknowledgment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from flows.loop.acknowledgments import is_acknowledgeable
from notifications import FeedbackItem, needs_handoff


def kinds_for(outbox: list[dict[str, Any]], item_id: str) -> dict[str, str]:
    return {row["kind"]: row["to_email"] for row in outbox if row["item_id"] == item_id}


def test_a_detractor_is_handed_to_the_csm_and_gets_no_automatic_reply(nights) -> None:
    assert kinds_for(nights.outbox_after_first, "nps:det") == {"handoff": "ari@loopkeeper-demo.io"}


def test_a_ces_of_5_is_handed_off_even_from_a_passive(nights) -> None:
    assert kinds_for(nights.outbox_after_first, "nps:ces") == {"handoff": "ari@loopkeeper-demo.io"}


def test_a_promoter_in_the_window_is_acknowledged(nights) -> None:
    assert kinds_for(nights.outbox_after_first, "nps:fan") == {"acknowledgment": "max@litware.com"}


def test_items_before_the_window_get_nothing(nights) -> None:
    # nps:old (ten days before the night) and the churn ticket (six days) are history.
    assert kinds_for(nights.outbox_after_first, "nps:old") == {}
    assert kinds_for(nights.outbox_after_first, "ticket:701") == {}


def test_a_qbr_note_gets_one_follow_up_draft_to_its_csm(nights) -> None:
    drafts = [row for row in nights.outbox_after_first if row["kind"] == "qbr_followup"]
    assert [(row["account_id"], row["to_email"]) for row in drafts] == [
        ("A1", "dana@loopkeeper-demo.io")
    ]
    assert nights.first.qbr_followups.composed == 1


def row(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "item_id": "ticket:9",
        "source": "ticket",
        "text": "The export button does nothing.",
        "received_at": datetime(2026, 11, 15, 9, tzinfo=UTC),
        "contact_email": "kim@tailspin.dev",
        "contact_name": "Kim Doe",
        "account_name": "Tailspin",
        "tier": "SMB",
        "csm_name": "Ari Lund",
        "csm_email": "ari@loopkeeper-demo.io",
        "product_area": "exports",
        "intent": "bug",
        "intents": ["bug"],
        "nps_score": None,
    }
    return item | changes


@pytest.mark.parametrize(
    ("changes", "human", "automatic"),
    [
        pytest.param({}, False, False, id="bug ticket: support answers it"),
        pytest.param({"intents": ["feature_request"]}, False, True, id="feature ticket: acked"),
        # One intent parser (FeedbackItem): a `;`-joined column and the top intent count too.
        pytest.param({"intents": "bug;praise"}, False, True, id="intents as text: acked"),
        pytest.param(
            {"intents": None, "intent": "usability"}, False, True, id="top intent only: acked"
        ),
        pytest.param({"intents": ["bug", "churn_risk"]}, True, False, id="churn ticket: CSM"),
        pytest.param({"intents": ["competitor"]}, True, False, id="competitor mention: CSM"),
        pytest.param({"severity": "critical"}, True, False, id="critical: CSM"),
        pytest.param({"source": "nps", "nps_score": 6}, True, True, id="NPS 6: CSM"),
        pytest.param({"source": "nps", "nps_score": 7, "ces_score": 5}, True, True, id="CES 5"),
        pytest.param({"source": "nps", "nps_score": 7, "ces_score": 4}, False, True, id="CES 4"),
        pytest.param({"source": "note"}, False, False, id="note: the CSM wrote it"),
    ],
)
def test_routing_sends_every_hand_off_case_to_a_person(
    changes: dict[str, Any], human: bool, automatic: bool
) -> None:
    item = FeedbackItem.from_mapping(row(**changes))
    assert needs_handoff(item) is human
    assert is_acknowledgeable(item) is automatic
