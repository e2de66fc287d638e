"""Chat copies of CSM alerts: what Slack shows on a phone, where each goes, and one row per copy."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from notifications import (
    AccountHealth,
    AtRiskSignal,
    EmailMessage,
    EscalationThresholds,
    FeedbackItem,
    Outbox,
    SenderIdentity,
    ThemeAccount,
    ThemeEvidence,
    compose_at_risk_alert,
    compose_handoff,
    compose_stale_digests,
)
from notifications.chat import ChatRoutes, slack_payload
from notifications.digest import StaleItem

ItemFactory = Callable[..., FeedbackItem]
DANA = "dana.whitfield@loopkeeper-demo.io"
RUN_DATE = date(2026, 11, 22)


def at_risk(sender: SenderIdentity, make_item: ItemFactory, **changes: Any) -> EmailMessage:
    fields: dict[str, Any] = {
        "account_id": "001A000001",
        "account_name": "Northwind Logistics",
        "tier": "Enterprise",
        "arr": 180_000.0,
        "renewal_date": date(2027, 1, 15),
        "csm_name": "Dana Whitfield",
        "csm_email": DANA,
        "competitors": ("Looker",),
    }
    fields.update(changes)
    return compose_at_risk_alert(
        AccountHealth(**fields),
        AtRiskSignal.CHURN_OR_COMPETITOR_MENTION,
        sender=sender,
        evidence=[make_item(text="Looker does this <out of the box> & cheaper.")],
    )


def blocks_of(payload: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [block for block in payload["blocks"] if block["type"] == kind]


def test_an_at_risk_alert_reads_on_a_phone_as_header_facts_and_quote(
    sender_identity: SenderIdentity, make_item: ItemFactory
) -> None:
    message = at_risk(sender_identity, make_item)
    payload = slack_payload(message.card)  # type: ignore[arg-type]

    assert payload["text"] == "At risk: Northwind Logistics"  # the notification's preview
    assert [block["type"] for block in payload["blocks"]] == [
        "header",
        "section",
        "section",
        "section",
        "context",
    ]
    header, lines, facts, quote, context = payload["blocks"]
    assert header["text"] == {"type": "plain_text", "text": "At risk: Northwind Logistics"}
    assert "mentioned leaving or a competitor (Looker)" in lines["text"]["text"]
    assert facts["fields"][1] == {"type": "mrkdwn", "text": "*ARR*\n$180,000"}
    # Customer words are shown, never parsed as Slack markup (<...> would be a link).
    assert "&lt;out of the box&gt; &amp; cheaper." in quote["text"]["text"]
    assert context["elements"][0]["text"].startswith("For Dana Whitfield")


def test_a_handoff_card_says_when_the_reply_is_due_and_why(
    sender_identity: SenderIdentity, make_item: ItemFactory
) -> None:
    item = make_item(nps_score=3, intents="competitor", text="We are trialling Looker instead.")
    message = compose_handoff(
        item, sender=sender_identity, handed_off_at=datetime(2026, 11, 3, 15, tzinfo=UTC)
    )
    card = message.card

    assert card is not None and card.title == "Hand-off: Northwind Logistics"
    assert card.lines[0].startswith("*Personal reply due by Wednesday 4 November 2026, 15:00 UTC")
    assert "detractor (NPS 6 or lower); mentions a competitor" in card.lines[1]
    assert card.quote == "We are trialling Looker instead."


def test_a_long_digest_is_cut_for_the_phone_and_counts_the_rest(
    sender_identity: SenderIdentity,
) -> None:
    stale = [
        StaleItem(
            f"nps:{n}",
            "Dana Whitfield",
            DANA,
            f"Account {n}",
            "SMB",
            10_000.0,
            "acknowledgment",
            datetime(2026, 11, 21, 9),
            "Exports time out.",
        )
        for n in range(20)  # more than the email digest lists, too
    ]
    (digest,) = compose_stale_digests(
        digest_date=RUN_DATE,
        as_of=datetime(2026, 11, 22),
        stale=stale,
        waiting=[],
        renewals=[],
        sender=sender_identity,
    )

    assert digest.card is not None
    assert len(digest.card.lines) == 9 and digest.card.lines[-1] == "…and 12 more."
    assert digest.card.facts == (("Past SLA", "20"),)


def test_the_block_kit_limits_hold_for_a_very_long_title() -> None:
    from notifications.chat_card import ChatCard

    payload = slack_payload(
        ChatCard(title="x" * 400, facts=tuple((f"f{n}", "v") for n in range(14)))
    )

    assert len(payload["blocks"][0]["text"]["text"]) == 150
    assert len(blocks_of(payload, "section")[0]["fields"]) == 10


def test_copies_go_to_the_csms_own_webhook_else_the_team_channel_and_to_the_webhook(
    sender_identity: SenderIdentity, make_item: ItemFactory
) -> None:
    dana = at_risk(sender_identity, make_item)
    lee = at_risk(sender_identity, make_item, csm_name="Lee", csm_email="lee@loopkeeper-demo.io")
    routes = ChatRoutes(slack_team=True, slack_csms=frozenset({DANA}), webhook=True)

    assert [(c.channel, c.to_email) for c in routes.copies(dana)] == [
        ("slack", f"slack:csm:{DANA}"),
        ("webhook", "webhook"),
    ]
    assert [(c.channel, c.to_email) for c in routes.copies(lee)] == [
        ("slack", "slack:team"),
        ("webhook", "webhook"),
    ]


def test_customer_email_never_goes_to_chat(make_message: Callable[..., EmailMessage]) -> None:
    assert ChatRoutes(slack_team=True, webhook=True).copies(make_message(1)) == []


def test_the_outbox_queues_the_copies_with_their_email_and_a_rerun_queues_nothing(
    con: Any, sender_identity: SenderIdentity, make_item: ItemFactory
) -> None:
    outbox = Outbox(con, chat=ChatRoutes(slack_team=True, webhook=True))
    message = at_risk(sender_identity, make_item)

    assert outbox.enqueue([message], RUN_DATE) == 1  # the email; its copies ride along
    assert outbox.enqueue([message], RUN_DATE) == 0
    rows = con.execute(
        "select channel, kind, to_email, account_id, body_text from ops.outbox order by channel"
    ).fetchall()
    assert [row[:4] for row in rows] == [
        ("email", "at_risk_alert", DANA, "001A000001"),
        ("slack", "at_risk_alert", "slack:team", "001A000001"),
        ("webhook", "at_risk_alert", "webhook", "001A000001"),
    ]
    event = json.loads(rows[2][4])
    assert event["type"] == "at_risk_alert" and event["account_id"] == "001A000001"
    assert event["recipient"] == {"name": "Dana Whitfield", "email": DANA}


def test_an_escalation_links_its_document_under_the_served_folder(
    sender_identity: SenderIdentity,
) -> None:
    theme = ThemeEvidence(
        theme_key="theme:export-timeouts",
        theme_label="export timeouts",
        product_area="exports",
        accounts=tuple(
            ThemeAccount(f"A{n}", f"Account {n}", "Mid-Market", 50_000.0, None) for n in range(3)
        ),
        items=(),
    )
    only_accounts = EscalationThresholds(
        min_accounts=3, min_arr=None, min_retention_risk_accounts=None
    )
    document = Path("/srv/escalations/escalation-export-timeouts-1a2b3c4d.md")

    def slack(base: str) -> dict[str, Any]:
        routes = ChatRoutes(slack_team=True, escalation_url_base=base)
        (message,) = routes.escalation(
            theme, document, as_of=RUN_DATE, sender=sender_identity, thresholds=only_accounts
        )
        assert message.kind == "escalation" and message.theme_key == "theme:export-timeouts"
        return dict(json.loads(message.text))

    served = slack("https://wiki.example.com/cs/escalations/")
    (actions,) = blocks_of(served, "actions")
    assert actions["elements"][0]["url"] == (
        "https://wiki.example.com/cs/escalations/escalation-export-timeouts-1a2b3c4d.md"
    )
    assert served["text"] == "Escalated to product: export timeouts"
    assert "Crossed: 3 accounts (threshold 3)." in blocks_of(served, "section")[0]["text"]["text"]
    not_served = slack("")
    assert not blocks_of(not_served, "actions")
    assert str(document) in json.dumps(not_served)


@pytest.mark.parametrize("channel", ["slack", "webhook"])
def test_a_copy_key_is_the_same_on_every_run_and_differs_from_its_email(
    channel: str, sender_identity: SenderIdentity, make_item: ItemFactory
) -> None:
    routes = ChatRoutes(slack_team=True, webhook=True)
    first = {c.channel: c.key for c in routes.copies(at_risk(sender_identity, make_item))}
    again = {c.channel: c.key for c in routes.copies(at_risk(sender_identity, make_item))}

    assert first[channel] == again[channel]
    assert first[channel] != at_risk(sender_identity, make_item).key
    assert first[channel].startswith("at_risk_alert-")


def test_an_account_name_with_an_ampersand_is_escaped_where_slack_parses_markup() -> None:
    from notifications.chat_card import ChatCard

    payload = slack_payload(ChatCard(title="Hand-off: Arora & Singh", facts=(("From", "A <b>"),)))

    assert payload["text"] == "Hand-off: Arora &amp; Singh"  # mrkdwn
    assert payload["blocks"][0]["text"]["text"] == "Hand-off: Arora & Singh"  # plain_text
    assert payload["blocks"][1]["fields"][0]["text"] == "*From*\nA &lt;b&gt;"
