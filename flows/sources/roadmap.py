"""Roadmap items: Productboard, Jira or Linear exports, as CSV or as the tools' JSON.

Each tool names its statuses its own way; they are mapped onto ours (planned, in progress,
shipped, declined) and a status we do not know is quarantined rather than guessed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from flows.sources.base import (
    FieldRule,
    ReadResult,
    Source,
    column_plan,
    literal,
    map_columns,
    quote,
)
from flows.sources.readers import read_csv_table, stage_csv
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


def labels_sql(headers: list[str]) -> tuple[list[str], str | None]:
    """Jira writes one `Labels` column per label (DuckDB names them Labels, Labels_1, ...) and
    Linear one comma-separated column: both become one `;`-separated list.

    Returns the headers without the label columns and the SQL joining them (None: no labels).
    """
    label_columns = [h for h in headers if h.lower().rstrip("_0123456789") == "labels"]
    if not label_columns:
        return headers, None
    joined = "concat_ws(';', " + ", ".join(f"coalesce({quote(h)}, '')" for h in label_columns)
    joined = f"trim(regexp_replace({joined}), '\\s*[;,]\\s*', ';', 'g'), '; ')"
    return [h for h in headers if h not in label_columns], joined


def status_sql(expr: str) -> str:
    """Each tool's status name as ours; an unknown one is kept, to be quarantined by its rule."""
    cases = " ".join(
        f"when {literal(name)} then {literal(ours)}" for name, ours in STATUS_MAP.items()
    )
    return f"case lower(trim({expr})) {cases} else {expr} end"


def normalise_status(frame: pd.DataFrame) -> pd.DataFrame:
    status = frame["status"].astype("string").str.strip().str.lower()
    frame["status"] = status.map(STATUS_MAP).fillna(frame["status"])
    return frame


def read(path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
    if path.suffix.lower() == ".json":
        return ReadResult(normalise_status(map_columns(read_roadmap_json(path), source, path)))

    def columns(all_headers: list[str]) -> dict[str, str | None]:
        headers, labels = labels_sql(all_headers)
        plan = column_plan([*headers, "Labels"] if labels else headers, source, path)
        out = {
            name: labels
            if header == "Labels" and labels
            else (None if header is None else quote(header))
            for name, header in plan.items()
        }
        if out["status"] is not None:
            out["status"] = status_sql(out["status"])
        return out

    return stage_csv(con, read_csv_table(path, con), columns)


SOURCE = Source(
    "roadmap",
    "roadmap_items",
    (".csv", ".json"),
    RULES,
    read,
    is_feedback=False,
    key=("item_id",),
    identity=("item_id",),
)
