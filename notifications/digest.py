"""The stale-item digest: one email per CSM per day with what is slipping on their accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from notifications.internal import Recipient, csm_or_team, due_text, internal_message
from notifications.messages import EmailMessage, MessageKind, SenderIdentity, message_key
from notifications.redaction import redact_contact_details, shorten
from notifications.rendering import long_date, money, plural
from notifications.suppressions import normalise_address

# Rows a section of the digest lists, the most pressing first; the rest are counted. A CSM of
# a million-item company was sent 4,346 rows in one digest (1.3 MB; Gmail clips an email past
# 102 KB), which nobody reads through.
ROWS_PER_SECTION: Final = 15


@dataclass(frozen=True)
class StaleItem:
    """An item breaching or about to breach an SLA (one row of the SLA-clock mart).

    ``stage`` names the clock (``acknowledgment``, ``hand-off``, ``resolution``); ``summary`` is
    the item's redacted text or a short description; ``due_at`` is in UTC.
    """

    item_id: str
    csm_name: str
    csm_email: str
    account_name: str
    tier: str
    arr: float | None
    stage: str
    due_at: datetime
    summary: str
    # What lets a CSM find the item where it came from: its source, the id that source shows
    # (a ticket number), who gave it and when. Without them the digest shows the item id.
    source: str = ""
    source_record_id: str = ""
    contact: str = ""
    received_at: datetime | None = None


_SOURCE_NAMES = {
    "nps": "NPS answer",
    "ticket": "ticket",
    "widget": "in-app feedback",
    "note": "call note",
}


def item_reference(row: StaleItem, as_of: datetime) -> str:
    """How a person finds the item: "ticket #40020 from Priya Raman, 12 days old"."""
    if not row.source:
        return row.item_id
    what = _SOURCE_NAMES.get(row.source, row.source)
    if row.source == "ticket" and row.source_record_id:
        what = f"ticket #{row.source_record_id}"
    if row.contact:
        what += f" from {row.contact}"
    if row.received_at is not None:
        days = max((as_of - row.received_at).days, 0)
        what += ", under a day old" if days == 0 else f", {plural(days, 'day')} old"
    return what


@dataclass(frozen=True)
class EscalationWait:
    """A customer whose feedback sits in a theme escalated to product, still without an answer."""

    csm_name: str
    csm_email: str
    account_name: str
    tier: str
    arr: float | None
    theme_label: str
    escalated_on: date
    answer_due: date | None


@dataclass(frozen=True)
class RenewalWatch:
    """An account renewing soon with feedback still open."""

    csm_name: str
    csm_email: str
    account_name: str
    tier: str
    arr: float | None
    renewal_date: date
    open_items: int


@dataclass(frozen=True)
class UnlistedWaits:
    """Rows of a CSM's waiting-on-product section the caller did not read: beyond the
    ``ROWS_PER_SECTION`` most pressing it passes as ``EscalationWait`` rows of the same CSM
    address. The digest counts them ("...and N more") without listing them, so a caller can
    read the few rows a digest shows, not the hundreds of thousands a large company waits on.
    """

    csm_name: str
    csm_email: str
    count: int


DigestRow = StaleItem | EscalationWait | RenewalWatch | UnlistedWaits


def _group(
    rows: Iterable[DigestRow], sender: SenderIdentity
) -> dict[str, tuple[Recipient, list[DigestRow]]]:
    groups: dict[str, tuple[Recipient, list[DigestRow]]] = {}
    for row in rows:
        to = csm_or_team(row.csm_name, row.csm_email, sender)
        groups.setdefault(normalise_address(to.email), (to, []))[1].append(row)
    return groups


def compose_stale_digests(
    *,
    digest_date: date,
    as_of: datetime,
    stale: Iterable[StaleItem],
    waiting: Iterable[EscalationWait],
    renewals: Iterable[RenewalWatch],
    sender: SenderIdentity,
    unlisted_waits: Iterable[UnlistedWaits] = (),
) -> list[EmailMessage]:
    """One digest per CSM with anything to report (none for a CSM with nothing); rows without a
    CSM go to the team inbox. The key holds the date: one digest per CSM per day.

    ``as_of`` (naive UTC) splits stale items into breached and due soon. ``unlisted_waits``:
    waiting rows left unread, counted with ``waiting`` (UnlistedWaits).
    """
    # the unlisted last: a group's recipient is named by its first row, a row read in full
    rows: list[DigestRow] = [*stale, *waiting, *renewals, *unlisted_waits]
    messages = []
    for to, group in _group(rows, sender).values():
        items = sorted((r for r in group if isinstance(r, StaleItem)), key=lambda r: r.due_at)
        waits = sorted(
            (r for r in group if isinstance(r, EscalationWait)), key=lambda r: r.escalated_on
        )
        renewing = sorted(
            (r for r in group if isinstance(r, RenewalWatch)), key=lambda r: r.renewal_date
        )
        waiting_rows = len(waits) + sum(r.count for r in group if isinstance(r, UnlistedWaits))
        breached = [r for r in items if r.due_at <= as_of]
        due_soon = [r for r in items if r.due_at > as_of]
        context: dict[str, object] = {
            "day": long_date(digest_date),
            "breached": [_stale(r, as_of) for r in breached[:ROWS_PER_SECTION]],
            "due_soon": [_stale(r, as_of) for r in due_soon[:ROWS_PER_SECTION]],
            "waiting": [
                {
                    "account": f"{r.account_name} ({r.tier}, {money(r.arr)})",
                    "theme": r.theme_label,
                    "since": long_date(r.escalated_on),
                    "answer_due": long_date(r.answer_due),
                }
                for r in waits[:ROWS_PER_SECTION]
            ],
            "renewals": [
                {
                    "account": f"{r.account_name} ({r.tier}, {money(r.arr)})",
                    "renewal": long_date(r.renewal_date),
                    "open_items": r.open_items,
                }
                for r in renewing[:ROWS_PER_SECTION]
            ],
            # how many rows each section leaves out
            "more": {
                "breached": max(len(breached) - ROWS_PER_SECTION, 0),
                "due_soon": max(len(due_soon) - ROWS_PER_SECTION, 0),
                "waiting": max(waiting_rows - ROWS_PER_SECTION, 0),
                "renewals": max(len(renewing) - ROWS_PER_SECTION, 0),
            },
        }
        kind = MessageKind.STALE_DIGEST.value
        count = len(items) + waiting_rows + len(renewing)
        try:
            messages.append(
                internal_message(
                    stem="stale_digest",
                    key=message_key(kind, to.email, "digest", digest_date.isoformat()),
                    kind=kind,
                    to=to,
                    subject=f"{plural(count, 'thing')} slipping on your accounts, {long_date(digest_date)}",
                    context=context,
                    sender=sender,
                )
            )
        except ValueError as error:
            raise ValueError(f"stale digest for {to.email!r}: {error}") from error
    return messages


def _stale(row: StaleItem, as_of: datetime) -> dict[str, str]:
    return {
        "account": f"{row.account_name} ({row.tier}, {money(row.arr)})",
        "stage": row.stage,
        "due": due_text(row.due_at),
        "summary": shorten(redact_contact_details(row.summary), 200),
        "item_id": item_reference(row, as_of),
    }
