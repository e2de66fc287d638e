"""Customer email for Loopkeeper: composition, the outbox, senders and delivery.

A pure library: it never imports Prefect or the flows, and it is handed its DuckDB connection.
"""

from notifications.compose import RejectedItem, compose_acknowledgment, compose_acknowledgments
from notifications.delivery import DeliveryReport, deliver
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.outbox import Outbox
from notifications.outbox_schema import OutboxRow, OutboxStatus
from notifications.senders import DeliveryUnknown, FileSender, Sender
from notifications.sendgrid_sender import SendGridSender, SendRejected

__all__ = [
    "DeliveryReport",
    "DeliveryUnknown",
    "EmailMessage",
    "FileSender",
    "MessageKind",
    "Outbox",
    "OutboxRow",
    "OutboxStatus",
    "RejectedItem",
    "SendGridSender",
    "SendRejected",
    "Sender",
    "SenderIdentity",
    "compose_acknowledgment",
    "compose_acknowledgments",
    "deliver",
    "message_key",
]
