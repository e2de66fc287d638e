"""Roadmap items: Productboard, Jira or Linear exports, as CSV or as the tools' JSON.

Each tool names its statuses its own way; they are mapped onto ours (planned, in progress,
shipped, declined) and a status we do not know is quarantined rather than guessed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flows.sources.base import FieldRule, ReadResult, Source, map_columns
from flows.sources.readers import read_csv_frame
from flows.sources.roadmap_json import read_roadmap_json

STATUSES = ("planned", "in progress", "shipped", "declined")

STATUS_NAMES = {
    "planned": (
        "planned", "to do", "todo", "backlog", "triage", "candidate", "new idea", "next",
        "later", "under consideration", "selected for development", "unstarted",
    ),
    "in progress": ("in progress", "in_progress", "in review", "in development", "started", "now"),
    "shipped": ("shipped", "done", "released", "completed", "resolved"),
    "declined": ("declined", "won't do", "wont do", "canceled", "cancelled", "rejected"),
}  # fmt: skip
STATUS_MAP = {name: ours for ours, names in STATUS_NAMES.items() for name in names}

RULES = (
    FieldRule("item_id", required=True, aliases=("id", "key", "issue_key", "identifier")),
    FieldRule("title", required=True, one_line=True, aliases=("name", "summary", "feature_name")),
    FieldRule("theme_keywords", aliases=("keywords", "labels", "tags")),
    FieldRule("status", "choice", required=True, choices=STATUSES, aliases=("state",)),
    FieldRule(
        "effort",
        "number",
        low=0,
        aliases=("estimate", "story_points", "custom_field_story_points", "size"),
    ),
    FieldRule("created_at", "date", aliases=("created",)),
    FieldRule(
        "target_date",
        "date",
        allow_future=True,
        aliases=("due_date", "target", "planned_for", "timeframe_end"),
    ),
    FieldRule(
        "shipped_at",
        "date",
        aliases=("released_at", "completed_at", "done_at", "resolved", "completed"),
    ),
)


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Jira writes one `Labels` column per label (DuckDB names them Labels, Labels_1, ...) and
    Linear one comma-separated column: both become one `;`-separated list."""
    label_columns = [c for c in frame.columns if str(c).lower().rstrip("_0123456789") == "labels"]
    if not label_columns:
        return frame
    first, *rest = label_columns
    joined = frame[first].str.cat(frame[rest], sep=";", na_rep="") if rest else frame[first]
    joined = joined.str.replace(r"\s*[;,]\s*", ";", regex=True).str.strip("; ")
    return frame.drop(columns=label_columns).assign(Labels=joined)


def normalise_status(frame: pd.DataFrame) -> pd.DataFrame:
    status = frame["status"].astype("string").str.strip().str.lower()
    frame["status"] = status.map(STATUS_MAP).fillna(frame["status"])
    return frame


def read(path: Path, source: Source) -> ReadResult:
    if path.suffix.lower() == ".json":
        return ReadResult(normalise_status(map_columns(read_roadmap_json(path), source, path)))
    read = read_csv_frame(path)
    assert isinstance(read.rows, pd.DataFrame)
    frame = normalise_status(map_columns(_labels(read.rows), source, path))
    return ReadResult(frame, read.rejects, read.warnings)


SOURCE = Source(
    "roadmap",
    "roadmap_items",
    (".csv", ".json"),
    RULES,
    read,
    is_feedback=False,
    key=("item_id",),
)
