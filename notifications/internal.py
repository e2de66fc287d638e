"""What alerts to the team's own CSMs share: who gets them, where they come from, the footer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from notifications.chat_card import card_for
from notifications.feedback_item import FeedbackItem, first_name
from notifications.messages import EmailMessage, SenderIdentity
from notifications.rendering import render_pair


@dataclass(frozen=True)
class Recipient:
    """A CSM, or the team's shared inbox for accounts nobody owns."""

    name: str
    email: str
    is_team: bool

    @property
    def greeting_name(self) -> str:
        """Who "Hi ...," addresses: a CSM by first name (``first_name``, as customers are), the
        team inbox by the team's name."""
        return self.name if self.is_team else first_name(self.name) or self.email


def csm_or_team(csm_name: str, csm_email: str, sender: SenderIdentity) -> Recipient:
    """The owning CSM; without one, the team's reply-to inbox, so nothing waits unowned."""
    if csm_email.strip():
        return Recipient(csm_name.strip() or csm_email.strip(), csm_email.strip(), False)
    return Recipient(f"{sender.team_name} team", sender.reply_to, True)


def item_recipient(item: FeedbackItem, sender: SenderIdentity) -> Recipient:
    return csm_or_team(item.csm_name, item.csm_email, sender)


def due_text(moment: datetime) -> str:
    """``Tuesday 24 November 2026, 14:00 UTC``: a deadline nobody has to convert."""
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M} UTC"


def internal_message(
    *,
    stem: str,
    key: str,
    kind: str,
    to: Recipient,
    subject: str,
    context: dict[str, object],
    sender: SenderIdentity,
    item_id: str | None = None,
    account_id: str | None = None,
    theme_key: str | None = None,
) -> EmailMessage:
    """An alert from the product's loop to a CSM, rendered from ``<stem>.{txt,html}.j2``."""
    footer = (
        f"Sent by the {sender.product_name} feedback loop to "
        f"{'the ' + sender.team_name + ' team' if to.is_team else to.name}. "
        f"Customers never see this email."
    )
    text, html = render_pair(
        stem, {**context, "subject": subject, "footer": footer, "recipient": to.greeting_name}
    )
    card = card_for(stem, subject, context, f"For {to.name} · the email has the whole story")
    return EmailMessage(
        key=key,
        kind=kind,
        to_email=to.email,
        to_name=to.name,
        from_email=sender.from_email,
        from_name=f"{sender.product_name} feedback loop",
        reply_to=sender.reply_to,
        subject=subject,
        text=text,
        html=html,
        item_id=item_id,
        account_id=account_id,
        theme_key=theme_key,
        card=card,
    )
