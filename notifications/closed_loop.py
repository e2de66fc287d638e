"""Closing the loop with customers: "we heard you" when a theme ships, an honest note when not.

One email per customer address and theme, quoting what that customer said (the sentence that
asked for it when the match stored one, ``FeedbackItem.matched_quote``), signed by
tier like acknowledgments are. Suppressed addresses are the caller's to filter
(``filter_suppressed``); ``deliver`` checks again before sending.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from notifications import wording
from notifications.compose import RejectedItem
from notifications.feedback_item import FeedbackItem, first_name
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.redaction import shorten
from notifications.rendering import long_date, one_line, render_pair
from notifications.signature import signer_for
from notifications.suppressions import normalise_address

_QUOTE_LIMIT = 300


@dataclass(frozen=True)
class ShippedChange:
    """A roadmap item that shipped, and the theme of feedback it answers.

    ``what_changed`` and ``how_to_try`` are a sentence or two each, written for customers;
    without ``how_to_try`` the email offers a walk-through by the owner instead.
    """

    theme_key: str
    theme_label: str
    title: str
    shipped_on: date
    what_changed: str
    how_to_try: str = ""


@dataclass(frozen=True)
class DeclinedDecision:
    """A roadmap item decided against; ``reason`` is said to customers as written, when given."""

    theme_key: str
    theme_label: str
    title: str
    reason: str = ""
    alternative: str = ""


@dataclass(frozen=True)
class ComposedBatch:
    """Messages composed for a batch and the items no email could be written for, with why."""

    messages: list[EmailMessage]
    rejected: list[RejectedItem]


def _by_customer(
    items: Iterable[FeedbackItem], rejected: list[RejectedItem]
) -> dict[str, list[FeedbackItem]]:
    """Items grouped by customer address, newest first; items without an address are rejected."""
    groups: dict[str, list[FeedbackItem]] = {}
    for item in items:
        if not item.contact_email or item.source not in wording.QUOTED_SOURCES:
            rejected.append(RejectedItem(item.item_id, "no customer address to write to"))
            continue
        groups.setdefault(normalise_address(item.contact_email), []).append(item)
    for group in groups.values():
        group.sort(key=lambda item: (item.received_at, item.item_id), reverse=True)
    return groups


def asked_how(item: FeedbackItem) -> bool:
    """The customer asked how to do something, not for something to be built: a question with
    no feature request ("how do I remove inactive seats?"). Told that a feature answering it
    shipped, they hear "now you can", not "you asked, we built it"."""
    return "question" in item.intents and "feature_request" not in item.intents


def _compose(
    kind: MessageKind,
    stage: str,
    items: Iterable[FeedbackItem],
    *,
    theme_key: str,
    subject: str,
    extra: dict[str, object],
    sender: SenderIdentity,
    question_subject: str | None = None,
) -> ComposedBatch:
    """One message per customer address; ``question_subject`` is the subject for a customer
    whose latest words asked how (``asked_how``), when it differs."""
    rejected: list[RejectedItem] = []
    messages = []
    for address, group in _by_customer(items, rejected).items():
        newest = group[0]
        signer = signer_for(newest, sender)
        asked = asked_how(newest)
        subject_line = question_subject if asked and question_subject else subject
        context = {
            **extra,
            "subject": subject_line,
            "asked": asked,
            "first_name": first_name(newest.contact_name),
            "quote": shorten(newest.matched_quote, _QUOTE_LIMIT),
            "said_on": long_date(newest.received_at),
            "times": len(group),
            "owner": signer.owner,
            "signature": signer.signature,
            "footer": (
                f"This email was sent automatically by {sender.product_name} because you gave us "
                f"feedback on this. Reply to it and your answer reaches {signer.replies_reach}; "
                "a person reads every reply."
            ),
        }
        try:
            text, html = render_pair(kind.value, context)
            messages.append(
                EmailMessage(
                    key=message_key(kind.value, address, theme_key, stage),
                    kind=kind.value,
                    to_email=newest.contact_email,
                    to_name=newest.contact_name,
                    from_email=sender.from_email,
                    from_name=signer.from_name,
                    reply_to=signer.reply_to,
                    subject=subject_line,
                    text=text,
                    html=html,
                    item_id=newest.item_id,
                    account_id=newest.account_id,
                    theme_key=theme_key,
                )
            )
        except ValueError as error:
            reason = f"{kind.value} for theme {theme_key!r}: {error}"
            rejected.extend(RejectedItem(item.item_id, reason) for item in group)
    return ComposedBatch(messages, rejected)


def compose_closed_loop(
    items: Iterable[FeedbackItem], change: ShippedChange, *, sender: SenderIdentity
) -> ComposedBatch:
    """ "We heard you": to every customer with feedback in the shipped theme, once per address."""
    label = one_line(change.theme_label)
    return _compose(
        MessageKind.CLOSED_LOOP,
        "shipped",
        items,
        theme_key=change.theme_key,
        subject=f"You asked, we built it: {one_line(change.title)}",
        question_subject=f"Now you can: {one_line(change.title)}",
        extra={
            "theme": label,
            "title": one_line(change.title),
            "shipped_on": long_date(change.shipped_on),
            "what_changed": change.what_changed,
            "how_to_try": change.how_to_try,
            "product_name": sender.product_name,
        },
        sender=sender,
    )


def compose_declined_notes(
    items: Iterable[FeedbackItem], decision: DeclinedDecision, *, sender: SenderIdentity
) -> ComposedBatch:
    """A short, honest note to every customer with feedback in a declined theme, once each."""
    return _compose(
        MessageKind.DECLINED_NOTE,
        "declined",
        items,
        theme_key=decision.theme_key,
        subject=f"An update on your request: {one_line(decision.title)}",
        extra={
            "theme": one_line(decision.theme_label),
            "title": one_line(decision.title),
            "reason": decision.reason,
            "alternative": decision.alternative,
            "product_name": sender.product_name,
        },
        sender=sender,
    )
