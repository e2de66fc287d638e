"""Hand-offs: items a person answers instead of a template, and the email that hands them over."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from notifications import wording
from notifications.feedback_item import FeedbackItem, first_name
from notifications.internal import due_text, internal_message, item_recipient
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.redaction import shorten
from notifications.rendering import long_date, money, plural

HANDOFF_DUE = timedelta(hours=24)
DETRACTOR_MAX_NPS = 6
HIGH_EFFORT_MIN_CES = 5
_QUOTE_LIMIT = 600


class HandoffReason(StrEnum):
    """Why an item goes to a person; each value is also the phrase the CSM reads."""

    DETRACTOR = "detractor (NPS 6 or lower)"
    HIGH_EFFORT = "high effort (CES 5 or higher)"
    CHURN_MENTION = "mentions leaving or cancelling"
    COMPETITOR_MENTION = "mentions a competitor"
    CRITICAL = "critical severity"


# One sentence of the drafted reply per reason, in the CSM's voice; {product} is the product.
_DRAFT_LINES = {
    HandoffReason.CRITICAL: "I understand this is blocking your team, and I am following it "
    "personally with our engineers until it is fixed.",
    HandoffReason.CHURN_MENTION: "I know you are weighing whether {product} is still right for "
    "you, and I would like the chance to put this right before you decide.",
    HandoffReason.COMPETITOR_MENTION: "I would like to understand what you need that you are "
    "looking for elsewhere, so we can be straight with you about what we can do.",
    HandoffReason.DETRACTOR: "Your score tells me we have let you down, and I am sorry.",
    HandoffReason.HIGH_EFFORT: "You told us this took far more effort than it should, and that "
    "is on us, not you.",
}


def handoff_reasons(item: FeedbackItem) -> tuple[HandoffReason, ...]:
    """Every reason this item needs a person (empty: an automatic acknowledgment may answer it).

    Detractor: NPS 0-6. High effort: CES 5-7. Churn or competitor: the intents ``churn_risk`` or
    ``competitor``. Critical: the tagger's severity ``critical``.
    """
    reasons: list[HandoffReason] = []
    if item.nps_score is not None and item.nps_score <= DETRACTOR_MAX_NPS:
        reasons.append(HandoffReason.DETRACTOR)
    if item.ces_score is not None and item.ces_score >= HIGH_EFFORT_MIN_CES:
        reasons.append(HandoffReason.HIGH_EFFORT)
    if "churn_risk" in item.intents:
        reasons.append(HandoffReason.CHURN_MENTION)
    if "competitor" in item.intents:
        reasons.append(HandoffReason.COMPETITOR_MENTION)
    if item.severity == "critical":
        reasons.append(HandoffReason.CRITICAL)
    return tuple(reasons)


def needs_handoff(item: FeedbackItem) -> bool:
    """True when a person, not a template, must answer this item."""
    return bool(handoff_reasons(item))


def _draft(item: FeedbackItem, reasons: tuple[HandoffReason, ...], product: str) -> list[str]:
    """The reply the CSM can send as it is or edit: paragraphs, greeting to sign-off."""
    name = first_name(item.contact_name)
    area = wording.display_area(item.product_area)
    about = f" about {area}" if area else ""
    ordered = [reason for reason in _DRAFT_LINES if reason in reasons][:2]
    return [
        f"Hi {name}," if name else "Hello,",
        f"Thank you for your feedback{about} on {long_date(item.received_at)}. "
        "I read it myself, and I wanted to answer you personally rather than with an "
        "automatic note.",
        *(_DRAFT_LINES[reason].format(product=product) for reason in ordered),
        "Could we find twenty minutes this week to talk it through? Reply with a time that "
        "suits you, and I will make it work.",
        item.csm_name or "[your name]",
    ]


def compose_handoff(
    item: FeedbackItem | Sequence[FeedbackItem],
    *,
    sender: SenderIdentity,
    handed_off_at: datetime,
    reasons: tuple[HandoffReason, ...] | None = None,
) -> EmailMessage:
    """The email handing an item to its owning CSM (the team inbox when nobody owns the account).

    Given several items of one person, one email lists each (newest first) with why it was
    handed off; its key covers every item. It carries the account (tier, ARR, renewal), the
    customer's words (redacted), and a drafted reply; the reply is due ``HANDOFF_DUE`` after
    ``handed_off_at``. Raises ValueError when an item needs no hand-off or a field would break
    the email.
    """
    items = sorted(
        [item] if isinstance(item, FeedbackItem) else list(item),
        key=lambda one: (one.received_at, one.item_id),
        reverse=True,
    )
    ids = ", ".join(repr(one.item_id) for one in items)
    if not items:
        raise ValueError("hand-off: no items")
    if len({one.contact_email.strip().lower() for one in items}) > 1:
        raise ValueError(f"hand-off for items {ids}: items of several people")
    why = {one.item_id: handoff_reasons(one) if reasons is None else reasons for one in items}
    for one in items:
        if not why[one.item_id]:
            raise ValueError(f"hand-off for item {one.item_id!r}: the item needs no hand-off")
    newest = items[0]
    every = tuple(reason for reason in HandoffReason if any(reason in r for r in why.values()))
    moment = handed_off_at.astimezone(UTC) if handed_off_at.tzinfo else handed_off_at
    to = item_recipient(newest, sender)
    who = newest.account_name or newest.contact_name or newest.contact_email or "a customer"
    due = due_text(moment + HANDOFF_DUE)
    kind = MessageKind.HANDOFF.value
    context: dict[str, object] = {
        "account_name": newest.account_name or "Unmatched account",
        "tier": newest.tier or "tier unknown",
        "arr": money(newest.arr),
        "renewal": long_date(newest.renewal_date),
        "contact_name": newest.contact_name or "not known",
        "contact_email": newest.contact_email or "not known",
        "pieces": [
            {
                "reasons": [reason.value for reason in why[one.item_id]],
                "source": one.source,
                "received": long_date(one.received_at),
                "product_area": wording.display_area(one.product_area) or "not tagged",
                "quote": shorten(one.colleague_quote, _QUOTE_LIMIT),
            }
            for one in items
        ],
        "due": due,
        "draft": _draft(newest, every, sender.product_name),
    }
    item_ids = sorted(one.item_id for one in items)
    subject_id = item_ids[0] if len(item_ids) == 1 else json.dumps(item_ids)
    several = f" ({plural(len(items), 'piece')} of feedback)" if len(items) > 1 else ""
    try:
        return internal_message(
            stem="handoff",
            key=message_key(kind, to.email, subject_id, "handoff"),
            kind=kind,
            to=to,
            subject=f"Hand-off: {who}{several} needs a personal reply by {due}",
            context=context,
            sender=sender,
            item_id=newest.item_id,
            account_id=newest.account_id,
        )
    except ValueError as error:
        raise ValueError(f"hand-off for item {ids}: {error}") from error
