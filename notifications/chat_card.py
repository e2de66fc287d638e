"""What a CSM alert says in a chat message: a title, a few lines, facts, one quote, a link.

Built from the same context its email is rendered from, so the Slack message and the webhook
event say what the email says, shortened for a phone: the email stays the whole story.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

# A phone shows a handful of lines before "see more"; the email has the rest.
MAX_LINES = 8


@dataclass(frozen=True)
class ChatCard:
    """One alert as a chat message shows it. ``link_url`` is an http(s) address or empty;
    ``link_label`` is shown as text when there is no address to link (a file path)."""

    title: str
    lines: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    quote: str = ""
    link_label: str = ""
    link_url: str = ""
    footer: str = ""


def _rows(context: Mapping[str, Any], name: str) -> Sequence[Mapping[str, Any]]:
    value = context.get(name) or ()
    return value if isinstance(value, Sequence) else ()


def _at_risk(subject: str, context: Mapping[str, Any]) -> ChatCard:
    evidence = _rows(context, "evidence")
    first = evidence[0] if evidence else None
    return ChatCard(
        title=f"At risk: {context['account_name']}",
        lines=tuple(f"• {context['account_name']} {line}." for line in context["headlines"]),
        facts=(
            ("Tier", str(context["tier"])),
            ("ARR", str(context["arr"])),
            ("Renewal", str(context["renewal"])),
        ),
        quote=f"{first['quote']} ({first['received']})" if first else "",
    )


def _handoff(subject: str, context: Mapping[str, Any]) -> ChatCard:
    pieces = _rows(context, "pieces")
    reasons = dict.fromkeys(reason for piece in pieces for reason in piece["reasons"])
    first = pieces[0] if pieces else None
    several = f" ({len(pieces)} pieces of feedback)" if len(pieces) > 1 else ""
    return ChatCard(
        title=f"Hand-off: {context['account_name']}{several}",
        lines=(
            f"*Personal reply due by {context['due']}.* No automatic acknowledgment was sent.",
            f"Why: {'; '.join(reasons)}.",
        ),
        facts=(
            ("Tier", str(context["tier"])),
            ("ARR", str(context["arr"])),
            ("Renewal", str(context["renewal"])),
            ("From", str(context["contact_name"])),
        ),
        quote=str(first["quote"]) if first and first["quote"] else "",
    )


_DIGEST_SECTIONS = (
    ("breached", "Past SLA", lambda r: f"{r['account']}: {r['stage']} was due {r['due']}"),
    ("due_soon", "About to breach", lambda r: f"{r['account']}: {r['stage']} due {r['due']}"),
    (
        "waiting",
        "Waiting on product",
        lambda r: f"{r['account']}: “{r['theme']}”, answer due {r['answer_due']}",
    ),
    (
        "renewals",
        "Renewing with open feedback",
        lambda r: f"{r['account']} renews {r['renewal']} ({r['open_items']} open)",
    ),
)


def _digest(subject: str, context: Mapping[str, Any]) -> ChatCard:
    lines: list[str] = []
    facts: list[tuple[str, str]] = []
    hidden = 0
    # the rows the email digest counts without listing them (notifications.digest)
    more: Mapping[str, int] = context.get("more") or {}
    for name, label, line in _DIGEST_SECTIONS:
        rows = _rows(context, name)
        if not rows:
            continue
        facts.append((label, f"{len(rows) + more.get(name, 0):,}"))
        hidden += more.get(name, 0)
        for row in rows:
            if len(lines) < MAX_LINES:
                lines.append(f"• *{label}*: {line(row)}")
            else:
                hidden += 1
    if hidden:
        lines.append(f"…and {hidden:,} more.")
    return ChatCard(title=subject, lines=tuple(lines), facts=tuple(facts))


# Only the alerts CSMs act on in the moment go to chat; QBR follow-ups stay email drafts.
_BUILDERS: dict[str, Callable[[str, Mapping[str, Any]], ChatCard]] = {
    "at_risk_alert": _at_risk,
    "handoff": _handoff,
    "stale_digest": _digest,
}


def card_for(stem: str, subject: str, context: Mapping[str, Any], footer: str) -> ChatCard | None:
    """The chat card of an internal alert rendered from template ``stem``; None for kinds that
    do not go to chat."""
    build = _BUILDERS.get(stem)
    if build is None:
        return None
    return replace(build(subject, context), footer=footer)
