"""The shape of ``ops.outbox``: its statuses, its DDL and the row it holds."""

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


OUTBOX_DDL = """
create schema if not exists ops;
create table if not exists ops.outbox (
    message_key varchar primary key,
    kind varchar not null,
    item_id varchar,
    account_id varchar,
    to_email varchar not null,
    to_name varchar,
    from_email varchar not null,
    from_name varchar,
    reply_to varchar,
    subject varchar not null,
    body_text varchar not null,
    body_html varchar not null,
    status varchar not null
        check (status in ('pending', 'claimed', 'sent', 'unknown', 'parked')),
    attempts integer not null default 0,
    provider_message_id varchar,
    error varchar,
    created_at timestamp not null,
    claimed_at timestamp,
    sent_at timestamp,
    run_date date not null
);
-- Added with the closing-the-loop messages: the theme a message is about (closed-loop and
-- declined notes, escalations), so the marts can tell which items a message closed.
alter table ops.outbox add column if not exists theme_key varchar;
-- Added with chat alerts: 'email', 'slack' or 'webhook'. One outbox for every channel, so chat
-- messages get the email's guarantees; a chat row's to_email names its destination, never
-- the webhook URL (a secret), and its body_text holds the JSON to post.
alter table ops.outbox add column if not exists channel varchar default 'email';

-- One row per theme escalated to product: written with the escalation document, never rewritten.
create table if not exists ops.escalations (
    theme_key varchar primary key,
    theme_label varchar not null,
    escalated_at timestamp not null,
    document_path varchar not null,
    accounts integer not null,
    arr double not null,
    reasons varchar not null,
    run_date date not null
);

-- Addresses no customer email goes to: unsubscribed, bounced or complained.
create table if not exists ops.suppressions (
    email varchar primary key,
    reason varchar not null,
    added_at timestamp not null
);
"""


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
