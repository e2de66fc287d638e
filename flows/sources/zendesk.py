"""Zendesk Support tickets: incremental-export JSON pages (`tickets` with sideloaded `users`)
or a flat CSV ticket export, told apart by extension.

A ticket re-appears on a later page when it changes; every version lands in raw and staging
keeps the one with the latest `updated_at`. Pages are read many at a time
(``flows.sources.zendesk_pages``); a file that is not plainly a page is read alone with DuckDB's
JSON functions by path, which say what is wrong with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from flows.sources.base import FieldRule, FileUnreadable, ReadResult, Source, map_columns
from flows.sources.readers import header_columns, read_csv_table, stage_csv
from flows.sources.zendesk_pages import read_pages

RULES = (
    FieldRule("ticket_id", required=True, aliases=("id", "ticket")),
    FieldRule("requester_email", "email"),
    FieldRule("requester_name", one_line=True, aliases=("requester",)),
    FieldRule("subject", one_line=True, aliases=("summary", "title")),
    FieldRule("description"),
    FieldRule("tags"),
    FieldRule("priority", "choice", choices=("low", "normal", "high", "urgent")),
    FieldRule("status", "choice", choices=("new", "open", "pending", "hold", "solved", "closed")),
    FieldRule("created_at", "timestamp", required=True, aliases=("created",)),
    FieldRule("updated_at", "timestamp", required=True, aliases=("updated",)),
    FieldRule(
        "satisfaction_score",
        "choice",
        choices=("good", "bad", "offered", "unoffered", "not offered"),
        aliases=("satisfaction", "satisfaction_rating"),
    ),
    FieldRule("satisfaction_comment"),
)

_PAGE = "read_json_objects(?, format = 'auto', maximum_object_size = 536870912)"

SHAPE_SQL = f"select json_type(json), json_type(json, '$.tickets') from {_PAGE}"

# One row per ticket version; users are joined from the same page's sideload.
PAGE_SQL = f"""
with page as (
    select json_extract(json, '$.tickets[*]') as tickets, json_extract(json, '$.users[*]') as users
    from {_PAGE}
),
tickets as (
    select unnest(tickets) as t, generate_subscripts(tickets, 1) as _record from page
),
users as (
    select json_extract_string(u, '$.id') as id, u
    from (select unnest(users) as u from page)
)
select
    json_extract_string(t, '$.id') as ticket_id,
    json_extract_string(u.u, '$.email') as requester_email,
    json_extract_string(u.u, '$.name') as requester_name,
    json_extract_string(t, '$.subject') as subject,
    json_extract_string(t, '$.description') as description,
    array_to_string(json_extract_string(t, '$.tags[*]'), ',') as tags,
    json_extract_string(t, '$.priority') as priority,
    json_extract_string(t, '$.status') as status,
    json_extract_string(t, '$.created_at') as created_at,
    json_extract_string(t, '$.updated_at') as updated_at,
    json_extract_string(t, '$.satisfaction_rating.score') as satisfaction_score,
    json_extract_string(t, '$.satisfaction_rating.comment') as satisfaction_comment,
    _record
from tickets
left join users as u on u.id = json_extract_string(t, '$.requester_id')
order by _record
"""


END_TIME_SQL = f"select json_extract_string(json, '$.end_time') from {_PAGE}"


def read_page(path: Path) -> pd.DataFrame:
    """One incremental-export page; anything else (truncated, no `tickets` list) fails the file."""
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty")
    with duckdb.connect() as con:
        try:
            shapes = con.execute(SHAPE_SQL, [str(path)]).fetchall()
            if len(shapes) != 1 or shapes[0] != ("OBJECT", "ARRAY"):
                raise FileUnreadable(
                    f"{path.name}: not a Zendesk incremental export page"
                    " (expected one JSON object with a `tickets` list)"
                )
            return con.execute(PAGE_SQL, [str(path)]).df()
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0].replace(f'"{path}"', path.name)[:300]
            raise FileUnreadable(f"{path.name}: not a readable JSON export: {first}") from exc


def read_csv_export(path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
    """Zendesk's CSV ticket export: `-` stands for an empty field, tags are space-separated."""

    def columns(headers: list[str]) -> dict[str, str | None]:
        blanked = {
            name: None
            if expr is None
            else f"case when trim({expr}) = '-' then null else {expr} end"
            for name, expr in header_columns(headers, source, path).items()
        }
        if blanked["tags"] is not None:
            blanked["tags"] = f"regexp_replace(trim({blanked['tags']}), '[\\s,]+', ',', 'g')"
        return blanked

    return stage_csv(con, read_csv_table(path, con), columns)


def read_alone(path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
    """One page on its own connection, three passes: the reference the grouped read matches,
    and the reader of any file that is not plainly a page (it names what is wrong with it)."""
    if path.suffix.lower() == ".csv":
        return read_csv_export(path, source, con)
    result = ReadResult(map_columns(read_page(path), source, path))
    with duckdb.connect() as own:
        rows = own.execute(END_TIME_SQL, [str(path)]).fetchall()
    return _with_end_time(result, rows[0][0] if rows else None)


def _with_end_time(result: ReadResult, value: str | None) -> ReadResult:
    """The page's `end_time` (epoch seconds) as UTC ISO text: where the next export starts."""
    if value is not None and str(value).isdigit():
        moment = datetime.fromtimestamp(int(value), tz=UTC)
        result.cursors["zendesk_end_time"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return result


class Reader:
    """One file read as it always was; a group of pages in one scan (``flows.sources.grouped``)."""

    def __call__(self, path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
        return read_alone(path, source, con)

    def many(
        self, files: list[tuple[Path, str]], source: Source, con: duckdb.DuckDBPyConnection
    ) -> list[ReadResult | None]:
        pages = [(path, name) for path, name in files if path.suffix.lower() == ".json"]
        read = dict(zip(pages, read_pages(pages, source, con), strict=True)) if pages else {}
        return [
            None if (page := read.get(file)) is None else _with_end_time(*page) for file in files
        ]


read = Reader()


SOURCE = Source(
    "tickets",
    "zendesk_tickets",
    (".json", ".csv"),
    RULES,
    read,
    key=("ticket_id", "updated_at"),
    identity=("ticket_id",),
    event_column="updated_at",
    version_column="updated_at",
)
