"""Closing the loop by email: composition, the outbox, senders, delivery, escalation documents.

A pure library: it never imports Prefect or the flows, and it is handed its DuckDB connection.
"""

from notifications.at_risk import (
    AccountHealth,
    AtRiskSignal,
    Crossing,
    alert_key,
    compose_account_alert,
    compose_at_risk_alert,
)
from notifications.closed_loop import (
    ComposedBatch,
    DeclinedDecision,
    ShippedChange,
    compose_closed_loop,
    compose_declined_notes,
)
from notifications.compose import (
    GroupedAcknowledgment,
    RejectedItem,
    compose_acknowledgment,
    compose_acknowledgments,
    compose_grouped_acknowledgments,
)
from notifications.delivery import DeliveryReport, deliver
from notifications.digest import (
    EscalationWait,
    RenewalWatch,
    StaleItem,
    UnlistedWaits,
    compose_stale_digests,
)
from notifications.escalation import (
    EscalationThresholds,
    ThemeAccount,
    ThemeEvidence,
    answer_needed_by,
    escalates,
    escalation_document,
    escalation_reasons,
)
from notifications.escalation_index import Escalated, write_escalation_index
from notifications.escalation_store import (
    escalated_theme_keys,
    record_escalation,
    write_escalation_document,
)
from notifications.feedback_item import FeedbackItem
from notifications.handoff import HandoffReason, compose_handoff, handoff_reasons, needs_handoff
from notifications.messages import (
    AT_LEAST_ONCE_KINDS,
    CUSTOMER_KINDS,
    EmailMessage,
    MessageKind,
    SenderIdentity,
    message_key,
)
from notifications.outbox import Outbox
from notifications.outbox_schema import OutboxRow, OutboxStatus
from notifications.qbr import QbrNote, compose_qbr_followup
from notifications.secrets import install_log_redaction, redact_secrets, remember_secret
from notifications.senders import (
    DeliveryUnavailable,
    DeliveryUnknown,
    FileSender,
    Reconciling,
    Sender,
    SendRejected,
)
from notifications.sendgrid_sender import ApiKeyError, SendGridSender, check_api_key
from notifications.suppressions import (
    Suppression,
    SuppressionResult,
    add_suppressions,
    filter_suppressed,
    load_suppressions,
)

__all__ = [
    "AT_LEAST_ONCE_KINDS",
    "CUSTOMER_KINDS",
    "AccountHealth",
    "ApiKeyError",
    "AtRiskSignal",
    "ComposedBatch",
    "Crossing",
    "DeclinedDecision",
    "DeliveryReport",
    "DeliveryUnavailable",
    "DeliveryUnknown",
    "EmailMessage",
    "Escalated",
    "EscalationThresholds",
    "EscalationWait",
    "FeedbackItem",
    "FileSender",
    "GroupedAcknowledgment",
    "HandoffReason",
    "MessageKind",
    "Outbox",
    "OutboxRow",
    "OutboxStatus",
    "QbrNote",
    "Reconciling",
    "RejectedItem",
    "RenewalWatch",
    "SendGridSender",
    "SendRejected",
    "Sender",
    "SenderIdentity",
    "ShippedChange",
    "StaleItem",
    "Suppression",
    "SuppressionResult",
    "ThemeAccount",
    "ThemeEvidence",
    "UnlistedWaits",
    "add_suppressions",
    "alert_key",
    "answer_needed_by",
    "check_api_key",
    "compose_account_alert",
    "compose_acknowledgment",
    "compose_acknowledgments",
    "compose_at_risk_alert",
    "compose_closed_loop",
    "compose_declined_notes",
    "compose_grouped_acknowledgments",
    "compose_handoff",
    "compose_qbr_followup",
    "compose_stale_digests",
    "deliver",
    "escalated_theme_keys",
    "escalates",
    "escalation_document",
    "escalation_reasons",
    "filter_suppressed",
    "handoff_reasons",
    "install_log_redaction",
    "load_suppressions",
    "message_key",
    "needs_handoff",
    "record_escalation",
    "redact_secrets",
    "remember_secret",
    "write_escalation_document",
    "write_escalation_index",
]
