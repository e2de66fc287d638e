"""NPS survey exports: Delighted, SurveyMonkey or Typeform style CSV.

Delighted names its columns; SurveyMonkey and Typeform name a column by the question's text,
so a question is recognised by its wording ("How likely ... recommend" is the NPS score).
SurveyMonkey also writes a second header row ("Response", "Open-Ended Response"), dropped here.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from flows.sources.base import (
    FieldRule,
    ReadResult,
    Source,
    column_plan,
    normalise_header,
    quote,
)
from flows.sources.readers import read_csv_table, stage_csv

RULES = (
    FieldRule("response_id", required=True, aliases=("id", "respondent_id", "token")),
    FieldRule(
        "email",
        "email",
        required=True,
        aliases=("person_email", "respondent_email", "email_address"),
    ),
    FieldRule(
        "score", "int", required=True, low=0, high=10, aliases=("nps", "nps_score", "rating")
    ),
    FieldRule("comment", aliases=("comments", "feedback", "reason", "why")),
    FieldRule(
        "responded_at",
        "timestamp",
        required=True,
        aliases=(
            "response_timestamp",
            "submit_date_utc",
            "end_date",
            "created_at",
            "response_date",
            "submitted_at",
            "date",
            "timestamp",
        ),
    ),
    FieldRule("survey_id", aliases=("survey", "survey_name", "campaign", "collector_id")),
    # Customer Effort Score, 1 (very easy) to 7 (very hard), where the survey asks it.
    FieldRule("ces_score", "int", low=1, high=7, aliases=("ces", "effort_score"), added_later=True),
    # CSAT, 1 (very unsatisfied) to 5 (very satisfied), where the survey asks it.
    FieldRule(
        "csat_score", "int", low=1, high=5, aliases=("csat", "satisfaction"), added_later=True
    ),
)

# Question wording -> raw column, first match wins; only for columns the export does not name.
QUESTIONS = (
    (re.compile(r"how likely .*recommend", re.I), "score"),
    (re.compile(r"how easy|how much effort|effort did it take", re.I), "ces_score"),
    (re.compile(r"how satisfied", re.I), "csat_score"),
    (re.compile(r"\bwhy\b|reason for your score|what could we", re.I), "comment"),
    (re.compile(r"e-?mail", re.I), "email"),
    (re.compile(r"^#$"), "response_id"),
)
SUBHEADER_VALUES = {"response", "open-ended response", "other (please specify)"}


def question_columns(headers: list[str]) -> dict[str, str]:
    """Header -> raw column for headers that are question text (Typeform, SurveyMonkey)."""
    taken = {normalise_header(h) for h in headers}
    renames: dict[str, str] = {}
    for header in headers:
        for pattern, column in QUESTIONS:
            if column not in taken and pattern.search(header):
                renames[header] = column
                taken.add(column)
                break
    return renames


def is_subheader(values: list[object]) -> bool:
    """SurveyMonkey's second header row: every filled cell is a label like "Response"."""
    filled = [str(v).strip().lower() for v in values if v is not None]
    return bool(filled) and all(v in SUBHEADER_VALUES | {""} for v in filled)


def read(path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
    csv = read_csv_table(path, con)
    first = con.execute(f"select * from {quote(csv.table)} where rowid = 0").fetchall()

    def columns(headers: list[str]) -> dict[str, str | None]:
        renames = question_columns(headers)
        plan = column_plan([renames.get(h, h) for h in headers], source, path)
        original = {renames.get(h, h): h for h in headers}
        return {name: None if h is None else quote(original[h]) for name, h in plan.items()}

    skip = bool(first) and is_subheader(list(first[0]))
    return stage_csv(con, csv, columns, skip_first=skip)


SOURCE = Source(
    "nps",
    "nps_responses",
    (".csv",),
    RULES,
    read,
    key=("response_id",),
    identity=("response_id",),
    event_column="responded_at",
)
