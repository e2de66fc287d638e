"""In-app widget webhook payloads, one JSON object per line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.sources.base import FieldRule, ReadResult, Reject, Source
from flows.sources.readers import read_jsonl

RULES = (
    FieldRule("event_id", required=True),
    FieldRule("event_type"),
    FieldRule("account_id"),
    FieldRule("user_email", "email"),
    FieldRule("user_name"),
    FieldRule("message", required=True),
    FieldRule("page_url"),
    FieldRule("created_at", "timestamp", required=True),
)


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    raw_user = record.get("user")
    user: dict[str, Any] = raw_user if isinstance(raw_user, dict) else {}
    return {
        "event_id": record.get("id"),
        "event_type": record.get("event"),
        "account_id": record.get("account_id"),
        "user_email": user.get("email"),
        "user_name": user.get("name"),
        "message": record.get("message"),
        "page_url": record.get("page_url"),
        "created_at": record.get("created_at"),
    }


def read(path: Path, source: Source) -> ReadResult:
    records, bad_lines = read_jsonl(path)
    rows = [
        {k: (None if v is None else str(v)) for k, v in _flatten(value).items()}
        | {"_record": number}
        for number, value in records
    ]
    rejects = [Reject(number, "line", reason, "") for number, reason in bad_lines]
    return ReadResult(rows, rejects=rejects)


SOURCE = Source("widget", "widget_events", (".jsonl", ".ndjson"), RULES, read)
