"""The shape of ``ops.outbox``: its statuses and the row it holds.

Its DDL lives with the warehouse's other tables (flows/warehouse/schema/ops_outbox.sql); the
fields below follow its columns, those added later last.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum

from notifications.messages import EmailMessage


class OutboxStatus(StrEnum):
    """Where a message is in its life; see notifications.outbox."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    UNKNOWN = "unknown"
    PARKED = "parked"


# The message fields, in outbox column order, as the incoming frame carries them.
MESSAGE_COLUMNS = {
    "message_key": "key",
    "kind": "kind",
    "item_id": "item_id",
    "account_id": "account_id",
    "to_email": "to_email",
    "to_name": "to_name",
    "from_email": "from_email",
    "from_name": "from_name",
    "reply_to": "reply_to",
    "subject": "subject",
    "body_text": "text",
    "body_html": "html",
    "theme_key": "theme_key",
    "channel": "channel",
}


@dataclass(frozen=True)
class OutboxRow:
    """One row of ``ops.outbox``."""

    message_key: str
    kind: str
    item_id: str | None
    account_id: str | None
    to_email: str
    to_name: str | None
    from_email: str
    from_name: str | None
    reply_to: str | None
    subject: str
    body_text: str
    body_html: str
    status: str
    attempts: int
    provider_message_id: str | None
    error: str | None
    created_at: datetime
    claimed_at: datetime | None
    sent_at: datetime | None
    run_date: date
    theme_key: str | None = None  # added by ALTER TABLE, so after the original columns
    channel: str = "email"  # added by ALTER TABLE after theme_key

    def to_message(self) -> EmailMessage:
        """The email this row holds, validated again on its way out."""
        return EmailMessage(
            key=self.message_key,
            kind=self.kind,
            to_email=self.to_email,
            to_name=self.to_name or "",
            from_email=self.from_email,
            from_name=self.from_name or "",
            reply_to=self.reply_to or self.from_email,
            subject=self.subject,
            text=self.body_text,
            html=self.body_html,
            item_id=self.item_id,
            account_id=self.account_id,
            theme_key=self.theme_key,
        )


ROW_COLUMNS = ", ".join(item.name for item in fields(OutboxRow))
