"""Turning a new feedback item into the acknowledgment email its author receives."""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from notifications import wording
from notifications.feedback_item import FeedbackItem, first_name
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.redaction import redact_contact_details, shorten

QUOTE_LIMIT = 300
_TEMPLATES = Path(__file__).parent / "templates"


def _wrap(text: str, width: int = 72) -> str:
    # Jinja's wordwrap splits at hyphens, which breaks email addresses and domains in two.
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


@functools.cache
def template_environment() -> Environment:
    """Jinja2 environment for the email templates: HTML escaped, text verbatim, no silent gaps."""
    environment = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(
            enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["wrap"] = _wrap
    return environment


@dataclass(frozen=True)
class _Signer:
    from_name: str
    reply_to: str
    signature: tuple[str, ...]
    owner: str  # who keeps the promise the email makes, as a sentence's subject
    replies_reach: str
    # An account manager named besides the signer, when there is one ("" when not).
    also_ask_name: str
    also_ask_email: str


def _signer(item: FeedbackItem, sender: SenderIdentity) -> _Signer:
    has_csm = bool(item.csm_name and item.csm_email)
    if has_csm and item.tier == "Enterprise":
        # Sent from the team's authenticated address; only the name and the reply go to the CSM,
        # so the mail still passes SPF/DKIM while answers land with the person who owns the account.
        return _Signer(
            from_name=item.csm_name,
            reply_to=item.csm_email,
            signature=(
                item.csm_name,
                f"Customer Success Manager, {sender.product_name}",
                item.csm_email,
            ),
            owner=f"{item.csm_name}, your customer success manager,",
            replies_reach=f"{item.csm_name} ({item.csm_email})",
            also_ask_name="",
            also_ask_email="",
        )
    return _Signer(
        from_name=f"{sender.product_name} {sender.team_name}",
        reply_to=sender.reply_to,
        signature=(f"The {sender.team_name} team", sender.product_name),
        owner=(
            f"{item.csm_name}, your account manager,"
            if has_csm
            else f"Someone from our {sender.team_name} team"
        ),
        replies_reach=f"our {sender.team_name} team ({sender.reply_to})",
        also_ask_name=item.csm_name if has_csm else "",
        also_ask_email=item.csm_email if has_csm else "",
    )


def _context(item: FeedbackItem, sender: SenderIdentity, signer: _Signer) -> dict[str, Any]:
    quote = ""
    if item.source in wording.QUOTED_SOURCES:
        redacted = item.redacted_text
        quote = shorten(
            redacted if redacted is not None else redact_contact_details(item.text), QUOTE_LIMIT
        )
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
        "also_ask_name": signer.also_ask_name,
        "also_ask_email": signer.also_ask_email,
    }


def compose_acknowledgment(item: Mapping[str, Any], *, sender: SenderIdentity) -> EmailMessage:
    """The email telling a customer their feedback arrived, what happens next and who owns it.

    Enterprise accounts with a CSM get a note signed by their CSM (replies go to the CSM); every
    other account gets one signed by the team. Raises ValueError naming the item and the field.
    """
    try:
        feedback = FeedbackItem.from_mapping(item)
        signer = _signer(feedback, sender)
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
