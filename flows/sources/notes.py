"""QBR and CSM call notes: markdown with YAML front matter, one item per bullet under `Feedback`."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import yaml

import flows.sources.encodings  # noqa: F401  (registers the Latin-1 fallback)
from flows.sources.base import FieldRule, FileUnreadable, ReadResult, Source

RULES = (
    FieldRule("note_id", required=True),
    FieldRule("account_id", required=True),
    FieldRule("note_type", "choice", choices=("qbr", "csm_call")),
    FieldRule("note_date", "date", required=True),
    FieldRule("author_email", "email"),
    FieldRule("attendees"),
    FieldRule("item_index", required=True),
    FieldRule("item_text", required=True),
)

# libyaml's C loader when present: front matter of thousands of notes parses ~10x faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")


def feedback_bullets(body: str) -> list[tuple[int, str]]:
    """(line number in body, text) of each bullet under a heading that says "Feedback"."""
    bullets: list[tuple[int, str]] = []
    in_section = False
    for number, line in enumerate(body.splitlines(), start=1):
        heading = HEADING.match(line)
        if heading:
            in_section = "feedback" in heading.group(1).lower()
            continue
        bullet = BULLET.match(line)
        if in_section and bullet:
            bullets.append((number, bullet.group(1).strip()))
        elif in_section and bullets and line.startswith("  ") and line.strip():
            # A wrapped bullet continues on an indented line.
            last_number, text = bullets[-1]
            bullets[-1] = (last_number, f"{text} {line.strip()}")
    return bullets


def read(path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
    return read_data(path.read_bytes(), path, source)


def read_data(data: bytes, path: Path, source: Source) -> ReadResult:
    """The note's rows from its bytes; ``path`` names it (its stem is the note's id)."""
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A note typed in a Windows editor: Windows-1252 reads every byte (flows.sources.encodings).
        text = data.decode("cp1252", errors="loopkeeper_latin1")
        warnings.append(f"{path.name}: not UTF-8, read as Windows-1252")
    match = FRONT_MATTER.match(text)
    if not match:
        raise FileUnreadable(f"{path.name}: no YAML front matter (--- ... ---) at the top")
    try:
        meta = yaml.load(match.group(1), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise FileUnreadable(f"{path.name}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise FileUnreadable(f"{path.name}: front matter is not a mapping")
    attendees = meta.get("attendees") or []
    attendees_text = (
        "; ".join(map(str, attendees)) if isinstance(attendees, list) else str(attendees)
    )
    offset = text[: match.end()].count("\n")
    rows = [
        {
            "note_id": path.stem,
            "account_id": _text(meta.get("account")),
            "note_type": _text(meta.get("type")),
            "note_date": _text(meta.get("date")),
            "author_email": _text(meta.get("author")),
            "attendees": attendees_text,
            "item_index": str(index),
            "item_text": bullet,
            "_record": offset + line,
        }
        for index, (line, bullet) in enumerate(feedback_bullets(text[match.end() :]), start=1)
    ]
    if not rows:
        warnings.append(f"{path.name}: no bullets under a Feedback heading")
    return ReadResult(list(rows), warnings=warnings)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


SOURCE = Source(
    "notes",
    "note_items",
    (".md", ".markdown"),
    RULES,
    read,
    event_column="note_date",
    identity=("note_id", "item_index"),
    read_data=read_data,
)
