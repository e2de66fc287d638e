"""Roadmap items (Productboard, Jira or Linear style CSV export)."""

from __future__ import annotations

from pathlib import Path

from flows.sources.base import FieldRule, ReadResult, Source, map_columns
from flows.sources.readers import read_csv_frame

STATUSES = ("planned", "in progress", "in_progress", "shipped", "declined")

RULES = (
    FieldRule("item_id", required=True, aliases=("id", "key", "issue_key")),
    FieldRule("title", required=True, aliases=("name", "summary", "feature")),
    FieldRule("theme_keywords", aliases=("keywords", "labels", "tags")),
    FieldRule("status", "choice", required=True, choices=STATUSES, aliases=("state",)),
    FieldRule("effort", "number", low=0, aliases=("estimate", "story_points", "size")),
    FieldRule("created_at", "date", aliases=("created",)),
    FieldRule(
        "target_date", "date", allow_future=True, aliases=("due_date", "target", "planned_for")
    ),
    FieldRule("shipped_at", "date", aliases=("released_at", "completed_at", "done_at")),
)


def read(path: Path, source: Source) -> ReadResult:
    frame, warnings = read_csv_frame(path)
    return ReadResult(map_columns(frame, source, path), warnings=warnings)


SOURCE = Source("roadmap", "roadmap_items", (".csv",), RULES, read, is_feedback=False)
