"""The suppression list (``ops.suppressions``): addresses no customer email goes to.

Checked twice: when customer email is composed (``filter_suppressed``, so skipped messages are
counted) and again just before a claimed row is sent (``deliver``), because an address can bounce
between the night that queued an email and the run that sends it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from notifications.messages import CUSTOMER_KINDS, EmailMessage, check_address

if TYPE_CHECKING:
    import duckdb

REASONS = ("unsubscribed", "bounced", "complained")


def normalise_address(email: str) -> str:
    """The form addresses are compared in: trimmed and lowercased."""
    return email.strip().lower()


@dataclass(frozen=True)
class Suppression:
    """One address to leave alone and why (``unsubscribed``, ``bounced`` or ``complained``)."""

    email: str
    reason: str

    def __post_init__(self) -> None:
        check_address("suppression email", self.email.strip())
        if self.reason not in REASONS:
            raise ValueError(
                f"suppression of {self.email!r}: reason {self.reason!r} is not one of "
                f"{', '.join(REASONS)}"
            )


def load_suppressions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every suppressed address (normalised) with its reason."""
    rows = con.execute("select email, reason from ops.suppressions").fetchall()
    return {normalise_address(email): reason for email, reason in rows}


def add_suppressions(
    con: duckdb.DuckDBPyConnection, entries: Iterable[Suppression], added_at: datetime
) -> int:
    """Add addresses to the list; one already there keeps its first reason. Returns how many new."""
    added = 0
    for entry in entries:
        result = con.execute(
            "insert into ops.suppressions (email, reason, added_at) values (?, ?, ?) "
            "on conflict do nothing",
            [normalise_address(entry.email), entry.reason, added_at],
        ).fetchone()
        added += int(result[0]) if result else 0
    return added


@dataclass(frozen=True)
class SkippedMessage:
    """A customer email not queued because its address is suppressed."""

    message: EmailMessage
    reason: str


@dataclass(frozen=True)
class SuppressionResult:
    """Messages to queue and the ones held back; ``skipped`` is what the nightly reports."""

    kept: list[EmailMessage] = field(default_factory=list)
    skipped: list[SkippedMessage] = field(default_factory=list)


def suppression_reason(kind: str, to_email: str, suppressed: Mapping[str, str]) -> str | None:
    """Why an email must not go out, or None; only customer email is ever suppressed."""
    if kind not in CUSTOMER_KINDS:
        return None
    return suppressed.get(normalise_address(to_email))


def filter_suppressed(
    messages: Iterable[EmailMessage], suppressed: Mapping[str, str]
) -> SuppressionResult:
    """Split messages into the ones that may go out and the suppressed ones, with the reason.

    Alerts to CSMs always pass: the list holds customers' choices about customer email.
    """
    result = SuppressionResult()
    for message in messages:
        reason = suppression_reason(message.kind, message.to_email, suppressed)
        if reason is None:
            result.kept.append(message)
        else:
            result.skipped.append(SkippedMessage(message, reason))
    return result
