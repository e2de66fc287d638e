"""Escalation documents on disk and their rows in ``ops.escalations``.

The flow writes the document, then in one transaction inserts the ``ops.escalations`` row and
enqueues any email about it, so a crash leaves either both or neither (a document file without
its row is rewritten, identically, by the next night).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from notifications.escalation import (
    DEFAULT_THRESHOLDS,
    EscalationThresholds,
    ThemeEvidence,
    escalation_document,
    escalation_reasons,
    impact,
)

if TYPE_CHECKING:
    import duckdb


def escalation_file_name(theme_key: str) -> str:
    """``escalation-<readable part>-<8 hex>.md``: stable for a theme key, distinct across keys."""
    if not theme_key.strip():
        raise ValueError("theme_key: must not be empty")
    slug = re.sub(r"[^a-z0-9]+", "-", theme_key.lower()).strip("-")[:60].strip("-") or "theme"
    digest = hashlib.sha256(theme_key.encode("utf-8")).hexdigest()[:8]
    return f"escalation-{slug}-{digest}.md"


def write_escalation_document(
    theme: ThemeEvidence,
    folder: Path,
    *,
    as_of: date,
    thresholds: EscalationThresholds = DEFAULT_THRESHOLDS,
) -> Path:
    """Write the theme's document under its stable name, atomically; returns its path.

    Through a temporary file and a rename: a reader (or a link someone follows) sees the old
    document or the new one, never half of one.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / escalation_file_name(theme.theme_key)
    content = escalation_document(theme, as_of=as_of, thresholds=thresholds)
    write_atomically(target, content)
    return target


def write_atomically(target: Path, content: str) -> None:
    """Write ``content`` to ``target`` through a hidden temporary file in the same folder,
    synced, then renamed over it: a reader sees the old file or the new one, never half."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".md.tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def escalated_theme_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Themes already escalated: each escalates once."""
    return {row[0] for row in con.execute("select theme_key from ops.escalations").fetchall()}


def record_escalation(
    con: duckdb.DuckDBPyConnection,
    theme: ThemeEvidence,
    document_path: Path,
    *,
    escalated_at: datetime,
    run_date: date,
    thresholds: EscalationThresholds = DEFAULT_THRESHOLDS,
) -> bool:
    """Insert the theme's ``ops.escalations`` row; False when it was already there.

    Runs in the caller's transaction when one is open, like ``Outbox.enqueue``.
    """
    figures = impact(theme, run_date, thresholds)
    reasons = escalation_reasons(theme, run_date, thresholds)
    result = con.execute(
        """
        insert into ops.escalations
            (theme_key, theme_label, escalated_at, document_path, accounts, arr, reasons, run_date)
        values (?, ?, ?, ?, ?, ?, ?, ?)
        on conflict do nothing
        """,
        [
            theme.theme_key,
            theme.theme_label,
            escalated_at,
            str(document_path),
            figures.accounts,
            figures.arr,
            "; ".join(reasons),
            run_date,
        ],
    ).fetchone()
    return bool(result and result[0])
