"""Turning new feedback into the acknowledgment email its author receives: one per person and
night, naming each piece of feedback they gave."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from notifications import wording
from notifications.feedback_item import FeedbackItem, as_feedback_item, first_name, item_id_of
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.redaction import shorten
from notifications.rendering import plural, template_environment
from notifications.signature import Signer, signer_for

QUOTE_LIMIT = 300

# A typed item, or a mapping with fct_feedback's columns (read with FeedbackItem.from_mapping).
ItemLike: TypeAlias = FeedbackItem | Mapping[str, Any]


def _piece(
    item: FeedbackItem, sender: SenderIdentity, signer: Signer, *, several: bool
) -> dict[str, str]:
    """What the email says about one piece of feedback: when it came, their words, what next."""
    quote = ""
    if item.source in wording.QUOTED_SOURCES:
        quote = shorten(item.author_quote, QUOTE_LIMIT)
    area = wording.display_area(item.product_area)
    return {
        "received": wording.received(
            item.source,
            product=sender.product_name,
            area=area,
            date=f"{item.received_at.day} {item.received_at:%B %Y}",
            quoted=bool(quote),
            thank=not several,
        ),
        "quote": quote,
        "score_remark": wording.score_remark(item.nps_score if item.source == "nps" else None),
        "next_step": wording.next_step(item.ranked_intents, signer.owner),
        "next_for": "",
    }


def _pieces(
    items: Sequence[FeedbackItem], sender: SenderIdentity, signer: Signer
) -> list[dict[str, str]]:
    """Each piece of feedback, newest first, with each next step said once: pieces with the
    same next step are put together and it follows the last of them ("for both", "for all 3")."""
    several = len(items) > 1
    groups: dict[str, list[dict[str, str]]] = {}
    for item in items:
        piece = _piece(item, sender, signer, several=several)
        groups.setdefault(piece["next_step"], []).append(piece)
    pieces: list[dict[str, str]] = []
    for group in groups.values():
        for piece in group[:-1]:
            piece["next_step"] = ""
        if len(group) > 1:
            group[-1]["next_for"] = "both" if len(group) == 2 else f"all {len(group)}"
        pieces.extend(group)
    return pieces


def _context(
    items: Sequence[FeedbackItem], sender: SenderIdentity, signer: Signer
) -> dict[str, Any]:
    newest = items[0]
    area = wording.display_area(newest.product_area)
    return {
        "subject": (
            wording.subject_line(newest.source, area)
            if len(items) == 1
            else f"We got your {plural(len(items), 'piece')} of feedback"
        ),
        "first_name": first_name(newest.contact_name),
        "opening": f"Thank you for the {plural(len(items), 'piece')} of feedback you sent us. "
        "Here is each of them, and what happens next.",
        "pieces": _pieces(items, sender, signer),
        "signature": signer.signature,
        "product_name": sender.product_name,
        "replies_reach": signer.replies_reach,
        # Each fact once: an account manager a next step already names is not named again.
        "also_ask_name": ""
        if any(wording.next_step_names_owner(item.ranked_intents) for item in items)
        else signer.also_ask_name,
        "also_ask_email": signer.also_ask_email,
    }


def acknowledgment_subject_id(item_ids: Sequence[str]) -> str:
    """What an acknowledgment's key is about: its item, or all its items in order."""
    return item_ids[0] if len(item_ids) == 1 else json.dumps(sorted(item_ids))


def compose_acknowledgment(
    item: ItemLike | Sequence[ItemLike], *, sender: SenderIdentity
) -> EmailMessage:
    """The email telling a customer their feedback arrived, what happens next and who owns it.

    Given several items of one person, one email names each piece of feedback (newest first);
    its key covers every item. Enterprise accounts with a CSM get a note signed by their CSM
    (replies go to the CSM); every other account gets one signed by the team. Items come
    typed (the application reads each mart row once) or as mappings, read here. Raises
    ValueError naming the item and the field.
    """
    given = [item] if isinstance(item, FeedbackItem | Mapping) else list(item)
    try:
        if not given:
            raise ValueError("no items to acknowledge")
        items = sorted(
            (as_feedback_item(one) for one in given),
            key=lambda one: (one.received_at, one.item_id),
            reverse=True,
        )
        addresses = {one.contact_email.strip().lower() for one in items}
        if len(addresses) > 1:
            raise ValueError(f"items of several people ({', '.join(sorted(addresses))})")
        newest = items[0]
        signer = signer_for(newest, sender)
        context = _context(items, sender, signer)
        environment = template_environment()
        kind = MessageKind.ACKNOWLEDGMENT.value
        item_ids = [one.item_id for one in items]
        return EmailMessage(
            key=message_key(
                kind, newest.contact_email, acknowledgment_subject_id(item_ids), "received"
            ),
            kind=kind,
            to_email=newest.contact_email,
            to_name=newest.contact_name,
            from_email=sender.from_email,
            from_name=signer.from_name,
            reply_to=signer.reply_to,
            subject=context["subject"],
            text=environment.get_template("acknowledgment.txt.j2").render(context),
            html=environment.get_template("acknowledgment.html.j2").render(context),
            item_id=newest.item_id,
            account_id=newest.account_id,
        )
    except ValueError as error:
        ids = ", ".join(repr(item_id_of(one)) for one in given)
        raise ValueError(f"acknowledgment for item {ids}: {error}") from error


@dataclass(frozen=True)
class RejectedItem:
    """A feedback item no acknowledgment could be written for, and why."""

    item_id: str | None
    reason: str


def compose_acknowledgments(
    items: Iterable[ItemLike], *, sender: SenderIdentity
) -> tuple[list[EmailMessage], list[RejectedItem]]:
    """Acknowledgments for a batch; an item with bad data is set aside, not fatal to the batch."""
    messages: list[EmailMessage] = []
    rejected: list[RejectedItem] = []
    for item in items:
        try:
            messages.append(compose_acknowledgment(item, sender=sender))
        except ValueError as error:
            rejected.append(RejectedItem(item_id_of(item), str(error)))
    return messages, rejected


@dataclass(frozen=True)
class GroupedAcknowledgment:
    """One person's acknowledgment and every item it answers (the outbox keeps one row per
    message; which items it covers is the caller's to record)."""

    message: EmailMessage
    item_ids: tuple[str, ...]


def compose_grouped_acknowledgments(
    items: Iterable[ItemLike], *, sender: SenderIdentity
) -> tuple[list[GroupedAcknowledgment], list[RejectedItem]]:
    """One acknowledgment per person for a night's items, naming each piece of feedback.

    An item with bad data is set aside with the reason; the person's other items are still
    acknowledged together.
    """
    groups: dict[str, list[FeedbackItem]] = {}
    rejected: list[RejectedItem] = []
    for given in items:
        try:
            item = as_feedback_item(given)
            address = item.contact_email.strip().lower()
            if not address:
                raise ValueError("contact_email: no address to write to")
        except ValueError as error:
            item_id = item_id_of(given)
            reason = f"acknowledgment for item {item_id!r}: {error}"
            rejected.append(RejectedItem(item_id, reason))
            continue
        groups.setdefault(address, []).append(item)
    composed: list[GroupedAcknowledgment] = []
    for group in groups.values():
        try:
            message = compose_acknowledgment(group, sender=sender)
        except ValueError as error:  # e.g. an address the message check refuses
            rejected.extend(RejectedItem(item.item_id, str(error)) for item in group)
            continue
        composed.append(GroupedAcknowledgment(message, tuple(item.item_id for item in group)))
    return composed, rejected
