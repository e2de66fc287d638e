"""Zendesk incremental-export pages read many at a time, in one DuckDB scan on the loader's
connection.

A folder of a thousand pages read one by one pays DuckDB's start-up for each and parses every
page on one thread; read together, each page is parsed once (``from_json`` straight into typed
columns, no JSON text cut out and parsed again per field) and the pages share both cores. The
rows stay in DuckDB: one temp table per group of pages, and one view per page over it.

Only a page that plainly is one (a JSON object whose `tickets` is a list, users with distinct
ids) is read here. Anything else is left to the one-page reader, so a truncated page, a file that
is not an export or not UTF-8 is quarantined with exactly the reason it always had, and the
other pages of the group still load from the scan.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from flows.sources.base import ReadResult, Source, Staged, column_plan, literal, quote
from flows.sources.readers import temp_name

# What a page holds that the raw table keeps: every leaf read as text, as
# `json_extract_string` reads it (numbers as written, objects as JSON text).
_TEXT = '"VARCHAR"'
_LEAVES = ("id", "subject", "description", "priority", "status", "requester_id")
_TICKET = ", ".join(f'"{key}": {_TEXT}' for key in (*_LEAVES, "created_at", "updated_at"))
PAGE_TYPE = (
    f'{{"tickets": [{{{_TICKET}, "tags": [{_TEXT}],'
    f' "satisfaction_rating": {{"score": {_TEXT}, "comment": {_TEXT}}}}}],'
    f' "users": [{{"id": {_TEXT}, "name": {_TEXT}, "email": {_TEXT}}}],'
    f' "end_time": {_TEXT}}}'
)

# One row per file; `page` is NULL where the file is not UTF-8 or not JSON (`try`), and
# `page.tickets` NULL where it is JSON but no page. Users with a missing or repeated id join
# differently from one ticket to the next: such a page goes the long way round too.
PAGES_SQL = """
create temp table {pages} as
select _page, ($names)[_page] as _file, page.tickets as tickets, page.users as users, page.end_time as end_time,
    page.tickets is not null
        and len(list_distinct(list_transform(coalesce(page.users, []), lambda u: u.id)))
            = len(coalesce(page.users, [])) as _plain
from (
    select list_position($paths, filename) as _page,
        try(from_json(try(decode(content)), {page_type})) as page
    from read_blob($paths)
)
"""

# One row per ticket version; `tags` is the comma list `json_extract_string(ticket, '$.tags[*]')` gives ('' when absent).
ROWS_SQL = """
create temp table {rows} as
with tickets as (
    select _page, _file, unnest(tickets) as t, generate_subscripts(tickets, 1) as _record
    from {pages} where _plain
),
users as (
    select _page, unnest(users) as u from {pages} where _plain
)
select
    _file,
    t.id as ticket_id,
    u.email as requester_email,
    u.name as requester_name,
    t.subject as subject,
    t.description as description,
    coalesce(array_to_string(t.tags, ','), '') as tags,
    t.priority as priority,
    t.status as status,
    t.created_at as created_at,
    t.updated_at as updated_at,
    t.satisfaction_rating.score as satisfaction_score,
    t.satisfaction_rating.comment as satisfaction_comment,
    _record
from tickets
left join users on users._page = tickets._page and u.id = t.requester_id
"""


# DuckDB expands these in a path as a glob: such a file is read alone, as it always was.
_GLOB = re.compile(r"[*?\[]")


def read_pages(
    files: list[tuple[Path, str]], source: Source, con: duckdb.DuckDBPyConnection
) -> list[tuple[ReadResult, str | None] | None]:
    """Each page's rows and its raw `end_time`, or None for a file to read alone (not plainly a
    page). The pages' rows are one view, each row naming its page (`_file`, the given name)."""
    chosen = [(str(path), name) for path, name in files if not _GLOB.search(str(path))]
    if not chosen:
        return [None] * len(files)
    scanned = [path for path, _ in chosen]
    pages, rows = temp_name("pages"), temp_name("tickets")
    try:
        con.execute(
            PAGES_SQL.format(pages=pages, page_type=literal(PAGE_TYPE)),
            {"paths": scanned, "names": [name for _, name in chosen]},
        )
    except duckdb.Error:
        # A file that vanished or cannot be opened: each file alone says which.
        return [None] * len(files)
    try:
        found = con.execute(f"select _page, _plain, len(tickets), end_time from {pages}").fetchall()
        plain = {int(page): (int(n or 0), end) for page, ok, n, end in found if ok}
        if plain:
            con.execute(ROWS_SQL.format(pages=pages, rows=rows))
    finally:
        con.execute(f"drop table if exists {pages}")
    if not plain:
        return [None] * len(files)
    view = temp_name("pages_view")
    try:
        # The team's column mapping applies as it does to any reader (see `column_plan`).
        plan = column_plan([*source.columns, "_record"], source, files[0][0])
        projection = ", ".join(
            f"{quote(header) if header else 'null'}::varchar as {quote(name)}"
            for name, header in plan.items()
        )
        con.execute(f"create temp view {view} as select {projection}, _record, _file from {rows}")
    except Exception:
        # The loader reads each file alone then: the group's rows must not stay behind.
        con.execute(f"drop table if exists {rows}")
        raise
    position = {path: number for number, path in enumerate(scanned, start=1)}
    read: list[tuple[ReadResult, str | None] | None] = []
    for path, _ in files:
        number = position.get(str(path), 0)
        if number not in plain:
            read.append(None)
            continue
        count, end_time = plain[number]
        read.append((ReadResult(Staged(view, count, backing=rows)), end_time))
    return read
