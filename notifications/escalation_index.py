"""The escalation index: one document listing what product was sent and what it is watching.

A theme that crosses every escalation threshold gets a document of its own; one that crosses
only some is listed here, with its figures and the thresholds it crosses, so product sees the
whole picture in one page and a first night does not bury it under a document per theme. The
index is rewritten every night under one name (``index.md``), through a temporary file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from notifications.escalation import (
    DEFAULT_THRESHOLDS,
    EscalationThresholds,
    ThemeEvidence,
    escalation_reasons,
    impact,
)
from notifications.escalation_store import write_atomically
from notifications.markdown import markdown_text
from notifications.rendering import long_date, money, plural

INDEX_FILE = "index.md"


@dataclass(frozen=True)
class Escalated:
    """A theme escalated on some night, and its document."""

    theme_label: str
    escalated_on: date
    document: Path


def _cell(value: object) -> str:
    # markdown_text makes the value inert, a pipe that would end the table cell included
    return markdown_text(value)


def escalation_index(
    escalated: list[Escalated],
    watched: list[ThemeEvidence],
    *,
    as_of: date,
    thresholds: EscalationThresholds = DEFAULT_THRESHOLDS,
) -> str:
    """The index's Markdown: escalated themes newest first, then watched ones biggest ARR first."""
    lines = [
        "# Escalations to product",
        "",
        f"As of {long_date(as_of)}: {plural(len(escalated), 'theme')} escalated, each with its "
        f"own document; {plural(len(watched), 'more theme')} below the escalation bar, watched "
        "here. A theme is escalated when it crosses every threshold: "
        + "; ".join(_bar(thresholds))
        + ".",
        "",
        "## Escalated",
        "",
    ]
    if escalated:
        lines += ["| Theme | Escalated | Document |", "|---|---|---|"]
        for row in sorted(escalated, key=lambda e: (e.escalated_on, e.theme_label), reverse=True):
            lines.append(
                f"| {_cell(row.theme_label)} | {_cell(long_date(row.escalated_on))} "
                f"| [{_cell(row.document.name)}]({row.document.name}) |"
            )
    else:
        lines.append("None yet.")
    lines += ["", "## Watched (below the escalation bar)", ""]
    figures = [(theme, impact(theme, as_of, thresholds)) for theme in watched]
    if figures:
        lines += [
            "| Theme | Accounts | ARR | At retention risk | Crosses |",
            "|---|---:|---:|---:|---|",
        ]
        for theme, numbers in sorted(figures, key=lambda f: (-f[1].arr, f[0].theme_label)):
            crosses = "; ".join(escalation_reasons(theme, as_of, thresholds))
            lines.append(
                f"| {_cell(theme.theme_label)} | {numbers.accounts:,} | {_cell(money(numbers.arr))}"
                f" | {numbers.retention_risk_accounts:,} | {_cell(crosses)} |"
            )
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def _bar(thresholds: EscalationThresholds) -> list[str]:
    bar = []
    if thresholds.min_accounts is not None:
        bar.append(f"{plural(thresholds.min_accounts, 'account')} or more")
    if thresholds.min_arr is not None:
        bar.append(f"{money(thresholds.min_arr)} ARR or more")
    if thresholds.min_retention_risk_accounts is not None:
        bar.append(
            f"{plural(thresholds.min_retention_risk_accounts, 'account')} or more at retention risk"
        )
    return bar or ["none is set"]


def write_escalation_index(
    folder: Path,
    escalated: list[Escalated],
    watched: list[ThemeEvidence],
    *,
    as_of: date,
    thresholds: EscalationThresholds = DEFAULT_THRESHOLDS,
) -> Path:
    """Write ``index.md`` in ``folder`` atomically; returns its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / INDEX_FILE
    content = escalation_index(escalated, watched, as_of=as_of, thresholds=thresholds)
    write_atomically(target, content)
    return target
