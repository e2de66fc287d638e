"""What every source reader shares: the field rules, the header mapping and what a read gives.

A reader turns one export file into rows of text columns named as the raw table names them,
plus ``_record`` (where in the file the row came from): a temp table on the loader's connection
(CSV), a DataFrame or plain records (formats parsed in Python). Validation
(``flows.sources.checks``) then splits them into rows to load and rows to quarantine, each reject
naming its record, field and reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

Kind = Literal["text", "email", "timestamp", "date", "int", "number", "choice"]

EMAIL_RE = r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[A-Za-z]{2,}$"
MAX_TEXT_CHARS = 100_000


class FileUnreadable(Exception):
    """The whole file cannot be read (bad JSON, missing columns, undecodable bytes).

    ``head`` is the start of the file as it was read, kept in the quarantine (empty: nothing).
    """

    head = ""


class FileRefused(FileUnreadable):
    """Not the inbox's to read (a link, a path outside the inbox, a FIFO or device): its content
    is never opened, so nothing of it can reach the quarantine or the summary."""


# C0 and C1 controls, DEL, line/paragraph separators and bidi overrides: a name holding one can
# forge lines in a summary or reorder what a terminal shows.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text as one printable line: every control character written as its escape (``\\n``,
    ``\\x1b``, ``\\u202e``), so a file name can never forge a line where it is printed."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
        if named:
            return named
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _UNPRINTABLE.sub(escape, text)


@dataclass(frozen=True)
class FieldRule:
    name: str
    kind: Kind = "text"
    required: bool = False
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    allow_future: bool = False
    # Names and subjects are one line: a CR/LF pasted into them becomes a space.
    one_line: bool = False
    # A column added after rows were stored: it joins the row hash only when it has a value,
    # so a row stored before the column existed keeps its hash and is not loaded twice.
    added_later: bool = False
    # An added_later column's empty value keeps an empty slot in the hash (the survey columns:
    # every hash stored since they came has it); False for a column added to a table whose
    # stored hashes have no slot for it, so an old export's row still hashes as it did.
    empty_hash_slot: bool = True


@dataclass(frozen=True)
class Reject:
    record: int
    field: str
    reason: str
    content: str
    file: str = ""


@dataclass(frozen=True)
class Staged:
    """Rows a reader put in a temp table or view of the loader's connection (raw columns +
    ``_record``); ``backing`` is the table under a view, dropped with it."""

    table: str
    count: int
    backing: str | None = None

    def __len__(self) -> int:
        return self.count


@dataclass
class ReadResult:
    """Rows of one file: staged in DuckDB, a DataFrame, or (for formats parsed in Python) plain
    records already named like the raw columns, so many small files make one batch, not many."""

    rows: Staged | pd.DataFrame | list[dict[str, Any]]
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Positions the export itself reports (e.g. Zendesk's `end_time`), as sortable text.
    cursors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One inbox folder: which files it reads, how, into which raw table, with which rules."""

    name: str
    table: str
    suffixes: tuple[str, ...]
    rules: tuple[FieldRule, ...]
    # (file, source, the loader's connection, for readers that stage rows in DuckDB)
    read: Callable[[Path, Source, duckdb.DuckDBPyConnection], ReadResult]
    is_feedback: bool = True
    # What identifies one fact in a file: a key repeated with other values is quarantined.
    key: tuple[str, ...] = ()
    # What identifies one item across files (its natural key): the same item re-delivered with
    # other values is a new version, stored beside the old; staging takes the latest.
    identity: tuple[str, ...] = ()
    # A team's own export headers -> raw column names (`[loopkeeper.columns.<source>]`).
    mapping: tuple[tuple[str, str], ...] = ()
    # When each fact happened: its greatest loaded value is the source's `max_event_at` cursor.
    event_column: str | None = None
    # The export's own version stamp of an item (Zendesk's `updated_at`): of two versions the
    # later stamp is the newer, whatever order they were loaded in; without one, load order.
    # The staging model ranks versions the same way (its `latest_first`), and so does the gate.
    version_column: str | None = None
    # A reader of a small file's bytes, for a format parsed in Python: (its bytes, the file's
    # inbox path for its name, source). The loader then reads each file once, from the file it
    # opened, for its hash and its rows (flows.sources.inbox); `read` stays for other callers.
    read_data: Callable[[bytes, Path, Source], ReadResult] | None = None

    @property
    def columns(self) -> list[str]:
        return [rule.name for rule in self.rules]


def normalise_header(name: str) -> str:
    """`Responded At` / `responded-at` / '\\ufeffResponded_At' all become `responded_at`."""
    return re.sub(r"[^0-9a-z]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


def quote(name: str) -> str:
    """A SQL identifier, whatever characters an export put in its header."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


# DuckDB names a repeated header `Comment_1`, `Comment_2`: the copies of `Comment`.
_COPY = re.compile(r"^(.*)_(\d+)$")


def column_plan(headers: list[str], source: Source, path: Path) -> dict[str, str | None]:
    """Raw column -> the export header it comes from (None: not in this export).

    A required column that is missing fails the file, and so does a field two columns map to
    (a repeated header, or two of its aliases): which one holds the customer's words cannot be
    guessed, and loading one would silently drop the other. The team's mapping
    (``[loopkeeper.columns.<source>]``) settles it.
    """
    named = [h for h in headers if h != "_record"]
    present = set(named)
    by_header: dict[str, list[str]] = {}
    for header in named:
        copy = _COPY.match(header)
        base = copy.group(1) if copy and copy.group(1) in present else header
        by_header.setdefault(normalise_header(base), []).append(header)
    mapped: dict[str, str] = {}
    # The team's mapping wins over the built-in aliases: it is what their export says.
    for header, column in source.mapping:
        for original in named:
            if normalise_header(original) == normalise_header(header):
                mapped[column] = original
                break
    plan: dict[str, str | None] = {}
    missing = []
    for rule in source.rules:
        if rule.name in mapped:
            plan[rule.name] = mapped[rule.name]
            continue
        found = list(
            dict.fromkeys(h for a in (rule.name, *rule.aliases) for h in by_header.get(a, []))
        )
        if len(found) > 1:
            found.sort(key=named.index)
            columns = " and ".join(_described(h, named, present) for h in found)
            raise FileUnreadable(
                f"{path.name}: columns {columns} both map to {rule.name}: keep one, or name the"
                f" one to read in [loopkeeper.columns.{source.name}]"
            )
        if not found and rule.required:
            missing.append(rule.name)
        plan[rule.name] = found[0] if found else None
    if missing:
        found_text = ", ".join(named) or "no columns"
        raise FileUnreadable(
            f"{path.name}: missing required column(s) {', '.join(missing)} (found: {found_text})"
        )
    return plan


def _described(header: str, named: list[str], present: set[str]) -> str:
    """`Comment` (column 4): a copy DuckDB renamed is shown by the name the export gave it."""
    copy = _COPY.match(header)
    shown = copy.group(1) if copy and copy.group(1) in present else header
    return f"`{printable(shown)}` (column {named.index(header) + 1})"


def map_columns(frame: pd.DataFrame, source: Source, path: Path) -> pd.DataFrame:
    """Rename a DataFrame's export headers to raw column names (see ``column_plan``)."""
    plan = column_plan([str(c) for c in frame.columns], source, path)
    headers = {str(c): c for c in frame.columns}
    out = pd.DataFrame(
        {
            name: frame[headers[header]]
            if header is not None
            else pd.Series([None] * len(frame), index=frame.index, dtype=object)
            for name, header in plan.items()
        },
        index=frame.index,
    )
    out["_record"] = frame["_record"] if "_record" in frame else range(1, len(frame) + 1)
    return out
