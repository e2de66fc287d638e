"""The follow-up a CSM sends after a QBR: every point raised, heard, what happens, next update."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from notifications import wording
from notifications.feedback_item import FeedbackItem
from notifications.internal import csm_or_team, internal_message
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.redaction import shorten
from notifications.rendering import long_date


@dataclass(frozen=True)
class QbrNote:
    """One QBR note and the feedback items its bullets became, in the note's order.

    ``note_id`` is stable for the note (its file, say); the account and CSM come from the items,
    which all belong to one account. ``plans`` maps an item id to what will happen, written by a
    person; an item without one gets the sentence for its intent.
    """

    note_id: str
    meeting_date: date
    next_update: date
    items: tuple[FeedbackItem, ...]
    plans: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError(f"QBR note {self.note_id!r}: has no feedback items")
        accounts = {item.account_id for item in self.items}
        if len(accounts) > 1:
            raise ValueError(
                f"QBR note {self.note_id!r}: items belong to several accounts: "
                f"{', '.join(sorted(str(account) for account in accounts))}"
            )


def compose_qbr_followup(note: QbrNote, *, sender: SenderIdentity) -> EmailMessage:
    """A draft for the CSM to send the customer after the QBR; one per note, to the CSM.

    Every point raised is listed as heard, with what happens next and the date of the next update.
    """
    lead = note.items[0]
    to = csm_or_team(lead.csm_name, lead.csm_email, sender)
    owner = "I" if not to.is_team else f"Our {sender.team_name} team"
    points = [
        {
            "heard": shorten(item.author_quote, 300),
            "area": wording.display_area(item.product_area),
            "plan": note.plans.get(item.item_id) or wording.next_step(item.ranked_intents, owner),
        }
        for item in note.items
    ]
    account = lead.account_name or "the customer"
    kind = MessageKind.QBR_FOLLOWUP.value
    context: dict[str, object] = {
        "account_name": account,
        "tier": lead.tier or "tier unknown",
        "meeting": long_date(note.meeting_date),
        "next_update": long_date(note.next_update),
        "points": points,
        "signature": lead.csm_name or "[your name]",
        "product_name": sender.product_name,
    }
    try:
        return internal_message(
            stem="qbr_followup",
            key=message_key(kind, to.email, note.note_id, "draft"),
            kind=kind,
            to=to,
            subject=f"Draft follow-up for the {account} QBR of {long_date(note.meeting_date)}",
            context=context,
            sender=sender,
            account_id=lead.account_id,
        )
    except ValueError as error:
        raise ValueError(f"QBR follow-up for note {note.note_id!r}: {error}") from error
