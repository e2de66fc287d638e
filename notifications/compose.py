"""Turning a new feedback item into the acknowledgment email its author receives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from notifications import wording
from notifications.feedback_item import FeedbackItem, first_name
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.redaction import shorten
from notifications.rendering import template_environment
from notifications.signature import Signer, signer_for

QUOTE_LIMIT = 300


def _context(item: FeedbackItem, sender: SenderIdentity, signer: Signer) -> dict[str, Any]:
    quote = ""
    if item.source in wording.QUOTED_SOURCES:
        quote = shorten(item.author_quote, QUOTE_LIMIT)
    area = wording.display_area(item.product_area)
    return {
        "subject": wording.subject_line(item.source, area),
        "first_name": first_name(item.contact_name),
        "received": wording.received(
            item.source,
            product=sender.product_name,
            area=area,
            date=f"{item.received_at.day} {item.received_at:%B %Y}",
            quoted=bool(quote),
        ),
        "quote": quote,
        "score_remark": wording.score_remark(item.nps_score if item.source == "nps" else None),
        "next_step": wording.next_step(item.intent, signer.owner),
        "signature": signer.signature,
        "product_name": sender.product_name,
        "replies_reach": signer.replies_reach,
        # Each fact once: an account manager the next step already names is not named again.
        "also_ask_name": "" if wording.next_step_names_owner(item.intent) else signer.also_ask_name,
        "also_ask_email": signer.also_ask_email,
    }


def compose_acknowledgment(item: Mapping[str, Any], *, sender: SenderIdentity) -> EmailMessage:
    """The email telling a customer their feedback arrived, what happens next and who owns it.

    Enterprise accounts with a CSM get a note signed by their CSM (replies go to the CSM); every
    other account gets one signed by the team. Raises ValueError naming the item and the field.
    """
    try:
        feedback = FeedbackItem.from_mapping(item)
        signer = signer_for(feedback, sender)
        context = _context(feedback, sender, signer)
        environment = template_environment()
        kind = MessageKind.ACKNOWLEDGMENT.value
        return EmailMessage(
            key=message_key(kind, feedback.contact_email, feedback.item_id, "received"),
            kind=kind,
            to_email=feedback.contact_email,
            to_name=feedback.contact_name,
            from_email=sender.from_email,
            from_name=signer.from_name,
            reply_to=signer.reply_to,
            subject=context["subject"],
            text=environment.get_template("acknowledgment.txt.j2").render(context),
            html=environment.get_template("acknowledgment.html.j2").render(context),
            item_id=feedback.item_id,
            account_id=feedback.account_id,
        )
    except ValueError as error:
        raise ValueError(f"acknowledgment for item {item.get('item_id')!r}: {error}") from error


@dataclass(frozen=True)
class RejectedItem:
    """A feedback item no acknowledgment could be written for, and why."""

    item_id: str | None
    reason: str


def compose_acknowledgments(
    items: Iterable[Mapping[str, Any]], *, sender: SenderIdentity
) -> tuple[list[EmailMessage], list[RejectedItem]]:
    """Acknowledgments for a batch; an item with bad data is set aside, not fatal to the batch."""
    messages: list[EmailMessage] = []
    rejected: list[RejectedItem] = []
    for item in items:
        try:
            messages.append(compose_acknowledgment(item, sender=sender))
        except ValueError as error:
            item_id = item.get("item_id")
            rejected.append(RejectedItem(None if item_id is None else str(item_id), str(error)))
    return messages, rejected
