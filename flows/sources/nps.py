"""NPS survey exports (Delighted, SurveyMonkey or Typeform style CSV)."""

from __future__ import annotations

from pathlib import Path

from flows.sources.base import FieldRule, ReadResult, Source, map_columns
from flows.sources.readers import read_csv_frame

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
        aliases=("created_at", "response_date", "submitted_at", "date", "timestamp"),
    ),
    FieldRule("survey_id", aliases=("survey", "survey_name", "campaign")),
)


def read(path: Path, source: Source) -> ReadResult:
    frame, warnings = read_csv_frame(path)
    return ReadResult(map_columns(frame, source, path), warnings=warnings)


SOURCE = Source("nps", "nps_responses", (".csv",), RULES, read)
