"""What every source reader shares: the field rules, header mapping, and row-level validation.

A reader turns one export file into a DataFrame of text columns named as the raw table names
them, plus ``_record`` (where in the file the row came from). Validation then splits it into
rows to load and rows to quarantine, each reject naming its record, field and reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from flows.sources.dates import DATE_FORMATS_HELP, parse_timestamps

Kind = Literal["text", "email", "timestamp", "date", "int", "number", "choice"]

EMAIL_RE = r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[A-Za-z]{2,}$"
MAX_TEXT_CHARS = 100_000


class FileUnreadable(Exception):
    """The whole file cannot be read (bad JSON, missing columns, undecodable bytes)."""


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


@dataclass(frozen=True)
class Reject:
    record: int
    field: str
    reason: str
    content: str
    file: str = ""


@dataclass
class ReadResult:
    """Rows of one file, as a DataFrame or (for formats parsed in Python) as plain records
    already named like the raw columns: many small files then make one DataFrame, not many."""

    rows: pd.DataFrame | list[dict[str, Any]]
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Positions the export itself reports (e.g. Zendesk's `end_time`), as sortable text.
    cursors: dict[str, str] = field(default_factory=dict)


@dataclass
class Validated:
    """Rows that passed every rule (timestamps normalised) and the rejects, with reasons."""

    rows: pd.DataFrame
    rejects: list[Reject]


@dataclass(frozen=True)
class Source:
    """One inbox folder: which files it reads, how, into which raw table, with which rules."""

    name: str
    table: str
    suffixes: tuple[str, ...]
    rules: tuple[FieldRule, ...]
    read: Callable[[Path, Source], ReadResult]
    is_feedback: bool = True
    # What identifies one fact in a file: a key repeated with other values is quarantined.
    key: tuple[str, ...] = ()
    # A team's own export headers -> raw column names (`[loopkeeper.columns.<source>]`).
    mapping: tuple[tuple[str, str], ...] = ()
    # When each fact happened: its greatest loaded value is the source's `max_event_at` cursor.
    event_column: str | None = None

    @property
    def columns(self) -> list[str]:
        return [rule.name for rule in self.rules]


def normalise_header(name: str) -> str:
    """`Responded At` / `responded-at` / '\\ufeffResponded_At' all become `responded_at`."""
    return re.sub(r"[^0-9a-z]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


def map_columns(frame: pd.DataFrame, source: Source, path: Path) -> pd.DataFrame:
    """Rename export headers to raw column names; a required column that is missing fails the file."""
    by_header = {normalise_header(str(c)): c for c in frame.columns}
    # The team's mapping wins over the built-in aliases: it is what their export says.
    for header, column in source.mapping:
        if normalise_header(header) in by_header:
            by_header[column] = by_header[normalise_header(header)]
    renamed: dict[str, pd.Series] = {}
    missing = []
    for rule in source.rules:
        match = next((by_header[a] for a in (rule.name, *rule.aliases) if a in by_header), None)
        if match is None:
            if rule.required:
                missing.append(rule.name)
            renamed[rule.name] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        else:
            renamed[rule.name] = frame[match]
    if missing:
        found = ", ".join(str(c) for c in frame.columns if c != "_record") or "no columns"
        raise FileUnreadable(
            f"{path.name}: missing required column(s) {', '.join(missing)} (found: {found})"
        )
    out = pd.DataFrame(renamed, index=frame.index)
    out["_record"] = frame["_record"] if "_record" in frame else range(1, len(frame) + 1)
    return out


def validate(
    frame: pd.DataFrame,
    rules: Sequence[FieldRule],
    *,
    now: pd.Timestamp,
    key: Sequence[str] = (),
) -> Validated:
    """Split rows into good ones (timestamps normalised to UTC ISO 8601) and rejects with reasons.

    The first failing rule of a row is its reason; ``key`` repeated within one file with other
    values (two different answers for one response id) quarantines the later rows.
    """
    original = frame
    frame = frame.copy()
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")
    bad_field = pd.Series(pd.NA, index=frame.index, dtype="string")

    def flag(mask: pd.Series, name: str, why: str) -> None:
        new = mask.fillna(False).astype(bool) & reason.isna()
        reason[new] = why
        bad_field[new] = name

    for rule in rules:
        text = frame[rule.name].astype("string").str.strip()
        blank = text.isna() | (text == "")
        if rule.required:
            flag(blank, rule.name, f"{rule.name} is empty")
        present = ~blank
        if rule.kind == "text":
            if rule.one_line:
                frame[rule.name] = text.str.replace(r"\s*[\r\n]+\s*", " ", regex=True)
            flag(
                present & (text.str.len() > MAX_TEXT_CHARS),
                rule.name,
                f"{rule.name} is longer than {MAX_TEXT_CHARS} characters",
            )
            flag(
                present & text.str.contains("\x00", regex=False),
                rule.name,
                f"{rule.name} contains a NUL byte",
            )
        elif rule.kind == "email":
            flag(
                present & ~text.str.match(EMAIL_RE),
                rule.name,
                f"{rule.name} is not an email address",
            )
            frame[rule.name] = text.str.lower()
        elif rule.kind in ("int", "number"):
            number = pd.to_numeric(text, errors="coerce")
            flag(present & number.isna(), rule.name, f"{rule.name} is not a number")
            if rule.kind == "int":
                flag(
                    present & number.notna() & (number % 1 != 0),
                    rule.name,
                    f"{rule.name} is not a whole number",
                )
            if rule.low is not None:
                flag(present & (number < rule.low), rule.name, f"{rule.name} is below {rule.low:g}")
            if rule.high is not None:
                flag(
                    present & (number > rule.high), rule.name, f"{rule.name} is above {rule.high:g}"
                )
        elif rule.kind in ("timestamp", "date"):
            stamp = parse_timestamps(text)
            flag(
                present & stamp.isna(),
                rule.name,
                f"{rule.name} is not a date/time we can read ({DATE_FORMATS_HELP})",
            )
            flag(
                present & (stamp > now) & (not rule.allow_future),
                rule.name,
                f"{rule.name} is in the future",
            )
            fmt = "%Y-%m-%dT%H:%M:%SZ" if rule.kind == "timestamp" else "%Y-%m-%d"
            frame[rule.name] = stamp.dt.strftime(fmt).where(stamp.notna(), None)
        elif rule.kind == "choice":
            allowed = {c.lower() for c in rule.choices}
            flag(
                present & ~text.str.lower().isin(allowed),
                rule.name,
                f"{rule.name} must be one of {', '.join(rule.choices)}",
            )

    if key:
        repeats = _repeated_keys(frame, [r.name for r in rules], list(key), reason.isna())
        reason[repeats.index] = repeats
        bad_field[repeats.index] = key[0]

    bad = reason.notna()
    rejects = [
        Reject(
            int(str(frame.at[i, "_record"])),
            str(bad_field[i]),
            str(reason[i]),
            _content(original.loc[i]),
            str(frame.at[i, "_file"]) if "_file" in frame else "",
        )
        for i in frame.index[bad]
    ]
    return Validated(rows=frame[~bad].reset_index(drop=True), rejects=rejects)


def _repeated_keys(
    frame: pd.DataFrame, columns: list[str], key: list[str], pending: pd.Series
) -> pd.Series:
    """Reasons for rows whose key was seen earlier in the same file with other values.
    Identical rows get none: the row hash stores them once."""
    scope = ["_file"] if "_file" in frame else []
    rows = frame[pending]
    distinct = rows[~rows.duplicated(subset=[*scope, *columns], keep="first")]
    first = distinct.groupby([*scope, *key], dropna=False, sort=False)["_record"].transform("first")
    repeated = distinct.duplicated(subset=[*scope, *key], keep="first")
    label = " + ".join(key)
    return (
        f"{label} repeats record "
        + first[repeated].astype(str)
        + " of this file with different values"
    )


def _content(row: pd.Series) -> str:
    values: Mapping[str, object] = {
        str(k): (None if pd.isna(v) else str(v))
        for k, v in row.items()
        if k not in ("_record", "_file")
    }
    return json.dumps(values, ensure_ascii=False)[:20_000]
