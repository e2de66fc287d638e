"""The email a composer builds and a sender delivers, and the key that makes it send once."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from notifications.chat_card import ChatCard


class MessageKind(StrEnum):
    """Kinds of email; the kind starts every message key and every .eml file name."""

    # To customers: at most once.
    ACKNOWLEDGMENT = "acknowledgment"
    CLOSED_LOOP = "closed_loop"
    DECLINED_NOTE = "declined_note"
    # To the team's own CSMs: at least once.
    HANDOFF = "handoff"
    QBR_FOLLOWUP = "qbr_followup"
    STALE_DIGEST = "stale_digest"
    AT_RISK_ALERT = "at_risk_alert"
    # Chat only (Slack, webhooks): a theme escalated to product, told to the team's channel.
    ESCALATION = "escalation"


# A customer must never get the same email twice, so a send whose outcome is unknown waits for a
# person. A CSM would rather read an alert twice than miss it, so an unknown alert is sent again.
CUSTOMER_KINDS = frozenset(
    {MessageKind.ACKNOWLEDGMENT, MessageKind.CLOSED_LOOP, MessageKind.DECLINED_NOTE}
)
AT_LEAST_ONCE_KINDS = frozenset(
    {
        MessageKind.HANDOFF,
        MessageKind.QBR_FOLLOWUP,
        MessageKind.STALE_DIGEST,
        MessageKind.AT_RISK_ALERT,
        MessageKind.ESCALATION,
    }
)


def is_at_least_once(kind: str) -> bool:
    """Whether an unknown send of this kind may be retried; unlisted kinds are at most once."""
    return kind in AT_LEAST_ONCE_KINDS


# Strict on purpose: a dot-atom local part and a dotted host name with a letter-only top-level
# domain, a subset of RFC 5322 addr-spec. Quoted local parts and IP literals are legal but never
# ours. A regex, not email.headerregistry, because parsing costs ~0.1 ms per address.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
_KIND = re.compile(r"[a-z][a-z0-9_]*")
_KEY = re.compile(r"(?P<kind>[a-z][a-z0-9_]*)-(?P<digest>[0-9a-f]{64})")
_HEADER_BREAKERS = ("\r", "\n", "\x00")

_HEADER_FIELDS = (
    "key",
    "kind",
    "to_email",
    "to_name",
    "from_email",
    "from_name",
    "reply_to",
    "subject",
)
_ADDRESS_FIELDS = ("to_email", "from_email", "reply_to")


def check_header_value(field: str, value: str) -> None:
    """Raise if a value bound for a mail header could inject another header (CR, LF or NUL)."""
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected text, got {type(value).__name__}")
    for breaker in _HEADER_BREAKERS:
        if breaker in value:
            raise ValueError(
                f"{field}: contains {breaker!r}, which is not allowed in an email header: {value!r}"
            )


def check_address(field: str, value: str) -> None:
    """Raise unless ``value`` is one plain address (``name@example.com``), no display name."""
    check_header_value(field, value)
    if len(value) > 254 or _ADDRESS.fullmatch(value) is None:
        raise ValueError(f"{field}: not a valid email address: {value!r}")


def message_key(kind: str, recipient: str, subject_id: str, stage: str) -> str:
    """A deterministic key for one email: the same kind, recipient, subject and stage give the
    same key on every run, which is what lets the outbox send it at most once."""
    if _KIND.fullmatch(kind) is None:
        raise ValueError(f"kind: must be lowercase letters, digits and '_': {kind!r}")
    # JSON keeps the parts unambiguous ("a|b", "c" never collides with "a", "b|c").
    parts = json.dumps([kind, recipient.strip().lower(), subject_id, stage], ensure_ascii=False)
    return f"{kind}-{hashlib.sha256(parts.encode('utf-8')).hexdigest()}"


def key_digest(key: str) -> str:
    """The hex digest part of a message key."""
    match = _KEY.fullmatch(key)
    if match is None:
        raise ValueError(f"key: not a message key made by message_key(): {key!r}")
    return match["digest"]


@dataclass(frozen=True)
class EmailMessage:
    """One email, validated so that no field can break or forge a header.

    ``item_id``, ``account_id`` and ``theme_key`` say what the email is about, so the marts can
    tell which items and themes a sent email closed.
    """

    key: str
    kind: str
    to_email: str
    to_name: str
    from_email: str
    from_name: str
    reply_to: str
    subject: str
    text: str
    html: str
    item_id: str | None = None
    account_id: str | None = None
    theme_key: str | None = None
    # What a chat copy of this alert says (notifications.chat); not stored with the email.
    card: ChatCard | None = field(default=None, compare=False, repr=False)
    # The outbox channel an email goes out on; chat copies carry their own.
    channel: ClassVar[str] = "email"

    def __post_init__(self) -> None:
        for name in _HEADER_FIELDS:
            check_header_value(name, getattr(self, name))
        for name in _ADDRESS_FIELDS:
            check_address(name, getattr(self, name))
        match = _KEY.fullmatch(self.key)
        if match is None:
            raise ValueError(f"key: not a message key made by message_key(): {self.key!r}")
        if match["kind"] != self.kind:
            raise ValueError(
                f"key: starts with kind {match['kind']!r}, message kind is {self.kind!r}"
            )
        for name in ("subject", "text", "html"):
            if not getattr(self, name).strip():
                raise ValueError(f"{name}: must not be empty (message {self.key})")


@dataclass(frozen=True)
class SenderIdentity:
    """Who automated email comes from: the team, its sending address and where replies go."""

    team_name: str
    from_email: str
    reply_to: str
    product_name: str

    def __post_init__(self) -> None:
        for item in fields(self):
            check_header_value(f"sender.{item.name}", getattr(self, item.name))
        for name in ("team_name", "product_name"):
            if not getattr(self, name).strip():
                raise ValueError(f"sender.{name}: must not be empty")
        check_address("sender.from_email", self.from_email)
        check_address("sender.reply_to", self.reply_to)
