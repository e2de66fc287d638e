"""Every kind of message, built from the same hostile item: inert HTML, no header injection,
distinct keys, and an .eml a mail client reads."""

from __future__ import annotations

import email.message
from collections.abc import Callable
from datetime import date, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from notifications import (
    AccountHealth,
    AtRiskSignal,
    DeclinedDecision,
    EmailMessage,
    FeedbackItem,
    FileSender,
    QbrNote,
    SenderIdentity,
    ShippedChange,
    StaleItem,
    compose_acknowledgment,
    compose_at_risk_alert,
    compose_closed_loop,
    compose_declined_notes,
    compose_handoff,
    compose_qbr_followup,
    compose_stale_digests,
)

ItemFactory = Callable[..., FeedbackItem]
HOSTILE = "Fix this <script>alert('x')</script> <b>now</b> &amp;\r\nX-Injected: yes\r\n\r\nbye"
KINDS = [
    "acknowledgment",
    "handoff",
    "qbr_followup",
    "stale_digest",
    "at_risk_alert",
    "closed_loop",
    "declined_note",
]


def build(
    kind: str, item: FeedbackItem, row: dict[str, object], sender: SenderIdentity
) -> EmailMessage:
    if kind == "acknowledgment":
        return compose_acknowledgment(row, sender=sender)
    if kind == "handoff":
        return compose_handoff(item, sender=sender, handed_off_at=datetime(2026, 11, 22))
    if kind == "qbr_followup":
        note = QbrNote("note.md", date(2026, 10, 28), date(2026, 11, 11), (item,))
        return compose_qbr_followup(note, sender=sender)
    if kind == "stale_digest":
        stale = StaleItem(
            item.item_id,
            item.csm_name,
            item.csm_email,
            item.account_name,
            item.tier,
            item.arr,
            "acknowledgment",
            datetime(2026, 11, 21),
            item.text,
        )
        [digest] = compose_stale_digests(
            digest_date=date(2026, 11, 22),
            as_of=datetime(2026, 11, 22),
            stale=[stale],
            waiting=[],
            renewals=[],
            sender=sender,
        )
        return digest
    if kind == "at_risk_alert":
        health = AccountHealth(
            "001A000001",
            item.account_name,
            item.tier,
            item.arr,
            None,
            item.csm_name,
            item.csm_email,
        )
        return compose_at_risk_alert(
            health, AtRiskSignal.CHURN_OR_COMPETITOR_MENTION, sender=sender, evidence=[item]
        )
    if kind == "closed_loop":
        change = ShippedChange("theme:x", "x", "X", date(2026, 11, 20), "It works now.")
        batch = compose_closed_loop([item], change, sender=sender)
    else:
        batch = compose_declined_notes([item], DeclinedDecision("theme:x", "x", "X"), sender=sender)
    if batch.rejected:  # a batch sets bad items aside; here, say why
        raise ValueError(batch.rejected[0].reason)
    [message] = batch.messages
    return message


@pytest.fixture
def hostile(
    feedback_item: Callable[..., dict[str, object]], make_item: ItemFactory
) -> tuple[FeedbackItem, dict[str, object]]:
    changes = {"text": HOSTILE, "nps_score": 2, "intent": "bug"}
    return make_item(**changes), feedback_item(**changes)


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_comment_renders_inert(
    kind: str, hostile: tuple[FeedbackItem, dict[str, object]], sender_identity: SenderIdentity
) -> None:
    message = build(kind, *hostile, sender_identity)

    assert message.kind == kind
    assert "<script>" not in message.html and "<b>now</b>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "&amp;amp;" in message.html  # an entity in the text is shown, not interpreted
    assert "\r" not in message.subject and "X-Injected" not in message.subject


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_gives_an_eml_with_text_and_html_in_utf8(
    kind: str,
    make_item: ItemFactory,
    feedback_item: Callable[..., dict[str, object]],
    sender_identity: SenderIdentity,
    tmp_path: Path,
) -> None:
    changes = {
        "contact_name": "Zoë Ångström",
        "account_name": "Café Müller",
        "nps_score": 2,
        "text": "Die Exporte sind zu langsam — bitte beheben.",
    }
    message = build(kind, make_item(**changes), feedback_item(**changes), sender_identity)

    FileSender(tmp_path).send(message)

    [path] = tmp_path.iterdir()
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, email.message.EmailMessage)
    assert parsed.get_content_type() == "multipart/alternative"
    plain, html = (part for part in parsed.iter_parts())
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    assert parsed["Subject"] == message.subject
    for part in (plain, html):
        assert "Die Exporte sind zu langsam — bitte beheben." in " ".join(
            part.get_content().split()
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("csm_name", "Dana\r\nBcc: all@example.com", id="csm name"),
        pytest.param("account_name", "Northwind\nBcc: all@example.com", id="account name"),
        pytest.param("contact_name", "Priya\x00", id="nul in a name"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_header_injection_through_the_data_is_refused(
    kind: str,
    field: str,
    value: str,
    make_item: ItemFactory,
    feedback_item: Callable[..., dict[str, object]],
    sender_identity: SenderIdentity,
) -> None:
    changes = {field: value, "nps_score": 2}
    try:
        message = build(kind, make_item(**changes), feedback_item(**changes), sender_identity)
    except ValueError as error:
        assert "not allowed in an email header" in str(error)
    else:
        # The value reached no header of this kind (a CSM's name in a customer email body).
        for header in (message.subject, message.to_name, message.from_name):
            assert value not in header


def test_keys_are_distinct_across_kinds(
    hostile: tuple[FeedbackItem, dict[str, object]], sender_identity: SenderIdentity
) -> None:
    keys = [build(kind, *hostile, sender_identity).key for kind in KINDS]
    again = [build(kind, *hostile, sender_identity).key for kind in KINDS]
    assert keys == again
    assert len(set(keys)) == len(KINDS)
