"""Chat copies of CSM alerts: Slack Block Kit messages and signed webhook events, via the outbox.

A chat message is an outbox row like an email, with its own channel (``slack`` or ``webhook``)
and a deterministic key derived from the email it copies (or, for an escalation, from the
theme), so re-running a night queues nothing new. The row names its destination
(``slack:team``, ``slack:csm:<address>``, ``webhook``), never the webhook URL: the URL is a
secret the sender looks up when it sends, so it is in no table and no log line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from notifications.chat_card import ChatCard
from notifications.escalation import (
    DEFAULT_THRESHOLDS,
    EscalationThresholds,
    ThemeEvidence,
    answer_needed_by,
    escalation_reasons,
    impact,
)
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.rendering import long_date, money, plural
from notifications.wording import display_area

SLACK = "slack"
WEBHOOK = "webhook"
CHAT_CHANNELS = (SLACK, WEBHOOK)
TEAM_DESTINATION = "slack:team"
CSM_DESTINATION_PREFIX = "slack:csm:"
# Block Kit's limits (api.slack.com/reference/block-kit/blocks): over them Slack answers 400.
_HEADER_LIMIT = 150
_SECTION_LIMIT = 3000
_FIELD_LIMIT = 2000
_FIELDS_PER_SECTION = 10
_BUTTON_LIMIT = 75
_QUOTE_LIMIT = 600


def csm_destination(address: str) -> str:
    """The destination name of a CSM's own Slack webhook."""
    return CSM_DESTINATION_PREFIX + address.strip().lower()


@dataclass(frozen=True)
class ChatMessage:
    """One chat message as the outbox holds it: the outbox's email columns, reused.

    ``to_email`` holds the destination name, ``text`` the JSON the sender posts (Block Kit for
    Slack, the event for a webhook), ``html`` stays empty.
    """

    key: str
    kind: str
    channel: str
    to_email: str
    to_name: str
    from_email: str
    from_name: str
    reply_to: str
    subject: str
    text: str
    html: str = ""
    item_id: str | None = None
    account_id: str | None = None
    theme_key: str | None = None


@dataclass(frozen=True)
class ChatRoutes:
    """Where chat copies go: the team's Slack channel, CSMs' own Slack webhooks (by address),
    a generic webhook. Only whether each is configured, never its URL."""

    slack_team: bool = False
    slack_csms: frozenset[str] = field(default_factory=frozenset)
    webhook: bool = False
    escalation_url_base: str = ""

    @property
    def any(self) -> bool:
        return self.slack_team or bool(self.slack_csms) or self.webhook

    def slack_destination(self, to_email: str) -> str | None:
        """A CSM with a webhook of their own gets it there; everything else the team channel."""
        address = to_email.strip().lower()
        if address in self.slack_csms:
            return csm_destination(address)
        return TEAM_DESTINATION if self.slack_team else None

    def copies(self, message: EmailMessage) -> list[ChatMessage]:
        """The chat copies of an email that has a card (CSM alerts); none for the others."""
        if message.card is None:
            return []
        out = []
        slack = self.slack_destination(message.to_email)
        if slack is not None:
            out.append(_chat(message.kind, SLACK, slack, message.key, message, message.card))
        if self.webhook:
            out.append(_chat(message.kind, WEBHOOK, WEBHOOK, message.key, message, message.card))
        return out

    def escalation(
        self,
        theme: ThemeEvidence,
        document: Path,
        *,
        as_of: date,
        sender: SenderIdentity,
        thresholds: EscalationThresholds = DEFAULT_THRESHOLDS,
    ) -> list[ChatMessage]:
        """The team's chat messages about a theme escalated to product, linking its document."""
        card = escalation_card(
            theme, document, as_of=as_of, thresholds=thresholds, url_base=self.escalation_url_base
        )
        email = _EscalationHeader(
            to_email=sender.reply_to,
            to_name=f"{sender.team_name} team",
            from_email=sender.from_email,
            from_name=f"{sender.product_name} feedback loop",
            reply_to=sender.reply_to,
            subject=card.title,
            theme_key=theme.theme_key,
        )
        kind = MessageKind.ESCALATION.value
        out = []
        if self.slack_team:
            out.append(_chat(kind, SLACK, TEAM_DESTINATION, theme.theme_key, email, card))
        if self.webhook:
            out.append(_chat(kind, WEBHOOK, WEBHOOK, theme.theme_key, email, card))
        return out


@dataclass(frozen=True)
class _EscalationHeader:
    """The addressing an escalation's chat messages share (there is no email to copy)."""

    to_email: str
    to_name: str
    from_email: str
    from_name: str
    reply_to: str
    subject: str
    theme_key: str
    item_id: str | None = None
    account_id: str | None = None


def _chat(
    kind: str,
    channel: str,
    destination: str,
    about: str,
    header: EmailMessage | _EscalationHeader,
    card: ChatCard,
) -> ChatMessage:
    key = message_key(kind, destination, about, channel)
    payload = (
        slack_payload(card)
        if channel == SLACK
        else webhook_event(
            card,
            key=key,
            kind=kind,
            recipient={"name": header.to_name, "email": header.to_email},
            about={
                "item_id": header.item_id,
                "account_id": header.account_id,
                "theme_key": header.theme_key,
            },
        )
    )
    return ChatMessage(
        key=key,
        kind=kind,
        channel=channel,
        to_email=destination,
        to_name=header.to_name,
        from_email=header.from_email,
        from_name=header.from_name,
        reply_to=header.reply_to,
        subject=header.subject,
        text=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        item_id=header.item_id,
        account_id=header.account_id,
        theme_key=header.theme_key,
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as markup: customer words are shown, never parsed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(card: ChatCard) -> dict[str, Any]:
    """The incoming-webhook body: a header, short lines, facts two abreast (one column on a
    phone), the customer's words as a quote, a button to the document, who it is for.

    ``text`` is what the phone's notification shows."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(card.title, _HEADER_LIMIT)}}
    ]
    if card.lines:
        text = "\n".join(_escape(line) for line in card.lines)
        blocks.append(_mrkdwn_section(_cut(text, _SECTION_LIMIT)))
    if card.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {
                        "type": "mrkdwn",
                        "text": _cut(f"*{_escape(name)}*\n{_escape(value)}", _FIELD_LIMIT),
                    }
                    for name, value in card.facts[:_FIELDS_PER_SECTION]
                ],
            }
        )
    if card.quote.strip():
        quote = _escape(_cut(" ".join(card.quote.split()), _QUOTE_LIMIT))
        blocks.append(_mrkdwn_section(f"&gt; _{quote}_"))
    if card.link_url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {
                            "type": "plain_text",
                            "text": _cut(card.link_label or "Open", _BUTTON_LIMIT),
                        },
                        "url": card.link_url,
                    }
                ],
            }
        )
    elif card.link_label:
        blocks.append(_mrkdwn_section(f"Document: `{_escape(card.link_label)}`"))
    if card.footer:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _escape(card.footer)}]}
        )
    # The notification's text is mrkdwn too (a header's plain_text is not).
    return {"text": _escape(_cut(card.title, _HEADER_LIMIT)), "blocks": blocks}


def _mrkdwn_section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def webhook_event(
    card: ChatCard,
    *,
    key: str,
    kind: str,
    recipient: Mapping[str, str],
    about: Mapping[str, str | None],
) -> dict[str, Any]:
    """The webhook's JSON: ``id`` is stable across re-sends, so a receiver drops repeats by it."""
    return {
        "id": key,
        "type": kind,
        "title": card.title,
        "lines": list(card.lines),
        "facts": dict(card.facts),
        "quote": card.quote or None,
        "link": card.link_url or None,
        "document": card.link_label or None,
        "recipient": dict(recipient),
        **about,
    }


def escalation_card(
    theme: ThemeEvidence,
    document: Path,
    *,
    as_of: date,
    thresholds: EscalationThresholds = DEFAULT_THRESHOLDS,
    url_base: str = "",
) -> ChatCard:
    """A theme escalated to product: its weight, why it crossed, when product must answer, and
    the document (a link under ``url_base`` when the folder is served, else its path)."""
    weight = impact(theme, as_of, thresholds)
    link = f"{url_base.rstrip('/')}/{document.name}" if url_base else ""
    return ChatCard(
        title=f"Escalated to product: {theme.theme_label}",
        lines=(
            f"*Product answer needed by {long_date(answer_needed_by(theme, as_of, thresholds))}.*",
            f"Crossed: {'; '.join(escalation_reasons(theme, as_of, thresholds))}.",
        ),
        facts=(
            ("ARR", money(weight.arr)),
            ("At retention risk", plural(weight.retention_risk_accounts, "account")),
            (
                f"Renewing in {thresholds.renewal_window_days} days",
                plural(len(weight.renewals), "account"),
            ),
        ),
        link_label="Open the escalation document" if link else str(document),
        link_url=link,
        footer=f"{display_area(theme.product_area) or 'No product area'} · escalated"
        f" {long_date(as_of)}",
    )


def chat_copies(messages: Iterable[EmailMessage], routes: ChatRoutes) -> list[ChatMessage]:
    """Every chat copy of these emails under ``routes``."""
    return [copy for message in messages for copy in routes.copies(message)]
