"""In-app widget webhook payloads, one JSON object per line.

DuckDB reads the lines (``read_json_objects``) and pulls the fields out in SQL. A file with a
broken line or blank lines (where row numbers would no longer be line numbers) is read line by
line instead, so each bad line is quarantined by its number and the good ones still load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from flows.sources.base import FieldRule, FileUnreadable, ReadResult, Reject, Source
from flows.sources.readers import read_jsonl

RULES = (
    FieldRule("event_id", required=True),
    FieldRule("event_type"),
    FieldRule("account_id"),
    FieldRule("user_email", "email"),
    FieldRule("user_name", one_line=True),
    FieldRule("message", required=True),
    FieldRule("page_url", one_line=True),
    FieldRule("created_at", "timestamp", required=True),
)

# Raw column -> JSON path in the payload.
PATHS = {
    "event_id": "$.id",
    "event_type": "$.event",
    "account_id": "$.account_id",
    "user_email": "$.user.email",
    "user_name": "$.user.name",
    "message": "$.message",
    "page_url": "$.page_url",
    "created_at": "$.created_at",
}

LINES_SQL = (
    "select row_number() over () as _record, json_type(json) = 'OBJECT' as _is_object,"
    " json::varchar as _line, "
    + ", ".join(f"json_extract_string(json, '{p}') as {c}" for c, p in PATHS.items())
    + " from read_json_objects(?, format = 'newline_delimited', maximum_object_size = 16777216)"
)


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    raw_user = record.get("user")
    user: dict[str, Any] = raw_user if isinstance(raw_user, dict) else {}
    values = {
        "event_id": record.get("id"),
        "event_type": record.get("event"),
        "account_id": record.get("account_id"),
        "user_email": user.get("email"),
        "user_name": user.get("name"),
        "message": record.get("message"),
        "page_url": record.get("page_url"),
        "created_at": record.get("created_at"),
    }
    return {k: (None if v is None else str(v)) for k, v in values.items()}


def _read_with_duckdb(path: Path) -> ReadResult | None:
    """The fast path; None when the file needs reading line by line."""
    data = path.read_bytes()
    if not data.strip():
        raise FileUnreadable(f"{path.name}: the file is empty")
    if data.startswith(b"\xef\xbb\xbf") or b"\n\n" in data or b"\n\r\n" in data:
        return None
    with duckdb.connect() as con:
        try:
            frame = con.execute(LINES_SQL, [str(path)]).df()
        except duckdb.Error:
            return None
    not_object = frame[~frame.pop("_is_object").astype(bool)]
    lines = frame.pop("_line")
    rejects = [
        Reject(int(n), "line", "line is not a JSON object", str(text))
        for n, text in zip(not_object["_record"], lines[not_object.index], strict=True)
    ]
    return ReadResult(frame.drop(not_object.index), rejects=rejects)


# Below this size Python's json module is faster than starting a DuckDB query (~30 ms a file,
# which a year of one-file-a-day exports pays 365 times); above it DuckDB's reader wins.
DUCKDB_FROM_BYTES = 1 << 20


def read(path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
    fast = _read_with_duckdb(path) if path.stat().st_size >= DUCKDB_FROM_BYTES else None
    if fast is not None:
        return fast
    records, bad_lines = read_jsonl(path)
    rows = [_flatten(value) | {"_record": number} for number, value in records]
    rejects = [Reject(number, "line", reason, text) for number, reason, text in bad_lines]
    return ReadResult(rows, rejects=rejects)


SOURCE = Source(
    "widget",
    "widget_events",
    (".jsonl", ".ndjson"),
    RULES,
    read,
    key=("event_id",),
    identity=("event_id",),
    event_column="created_at",
)
