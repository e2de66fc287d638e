"""Widget JSON-lines files read many at a time, in one DuckDB scan on the loader's connection.

A year of daily webhook files is hundreds of small files: parsed line by line in Python each
costs more than its rows are worth, and a DuckDB query per file pays its start-up each time.
Read together, the files are split into lines and every line parsed in SQL, and the rows stay
in DuckDB for validation.

The one-file reader (``flows.sources.widget``) parses lines with Python's ``json`` and writes
values with ``str``: ``True`` for true, a dict's repr for an object, and the last of two equal
keys. So only a plain file is read here: UTF-8 without a byte order mark, lines ended by LF or
CRLF, and every non-blank line an object whose fields are strings, whole numbers or null, with
no key twice. Any other file is left to the one-file reader, which quarantines what it always
quarantined (a broken line by its number, a file that is not UTF-8 whole).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from flows.sources.base import ReadResult, Staged, literal
from flows.sources.readers import temp_name

# Raw column -> JSON path in the payload (as ``flows.sources.widget.PATHS``).
PathMap = dict[str, str]

# Value types that the one-file reader's `str(value)` writes as the JSON text DuckDB reads.
_PLAIN_TYPES = "['VARCHAR', 'BIGINT', 'UBIGINT', 'NULL']"
# Spaces Python's `str.strip` and JSON both skip; a line of only these is blank to both.
_BLANK = "' \t\r\n\x0b\x0c'"

LINES_SQL = r"""
create temp table {lines} as
with files as (
    select list_position($paths, filename) as _page, ($names)[_page] as _file,
        try(decode(content)) as text
    from read_blob($paths)
),
split as (
    select _page, _file, string_split(text, chr(10)) as lines
    from files
    where not starts_with(text, chr(65279))
        and not contains(replace(text, chr(13) || chr(10), ''), chr(13))
),
lines as (
    select _page, _file, unnest(lines) as line, generate_subscripts(lines, 1) as _record
    from split
),
parsed as (
    -- Three parses of each line: its values, the types of the top level and the fields, and
    -- the keys of the top level and of `user`.
    select _page, _file, _record, line,
        try(json_extract_string(line, {paths})) as _values,
        try(json_type(line, ['$', {paths_listed}])) as _types,
        try(json_keys(line, ['$', '$.user'])) as _keys
    from lines
    where trim(line, {blank}) <> ''
)
select _page, _file, _record, {columns},
    coalesce(
        _types[1] = 'OBJECT'
        and list_bool_and(list_transform(_types[2:],
            lambda t: t is null or list_contains({plain_types}, t)))
        and list_bool_and(list_transform(_keys,
            lambda k: k is null or len(k) = len(list_distinct(k))))
        -- DuckDB takes a trailing comma that Python's json refuses.
        and not regexp_matches(line, ',\s*[]}}]'),
        false
    ) as _plain
from parsed
"""

# DuckDB expands these in a path as a glob: such a file is read alone, as it always was.
_GLOB = re.compile(r"[*?\[]")


def read_lines(
    files: list[tuple[Path, str]], paths: PathMap, con: duckdb.DuckDBPyConnection
) -> list[ReadResult | None]:
    """Each file's rows, or None for a file to read alone (empty, or not plain). The files'
    rows are one view, each row naming its file (`_file`, the given name)."""
    chosen = [
        (str(path), name)
        for path, name in files
        if not _GLOB.search(str(path)) and path.stat().st_size > 0
    ]
    if not chosen:
        return [None] * len(files)
    scanned = [path for path, _ in chosen]
    lines = temp_name("lines")
    listed = ", ".join(literal(p) for p in paths.values())
    sql = LINES_SQL.format(
        lines=lines,
        paths=f"[{listed}]",
        paths_listed=listed,
        columns=", ".join(f"_values[{i}] as {c}" for i, c in enumerate(paths, start=1)),
        plain_types=_PLAIN_TYPES,
        blank=literal(_BLANK),
    )
    try:
        con.execute(sql, {"paths": scanned, "names": [name for _, name in chosen]})
        found = con.execute(
            f"select _page, count(*), bool_and(_plain) from {lines} group by _page"
        ).fetchall()
    except duckdb.Error:
        # A file that vanished or cannot be opened: each file alone says which.
        con.execute(f"drop table if exists {lines}")
        return [None] * len(files)
    plain = {int(page): int(n) for page, n, ok in found if ok}
    if not plain:
        con.execute(f"drop table {lines}")
        return [None] * len(files)
    # The plain files' rows, read where they were parsed: the others are read again alone.
    where = "" if len(plain) == len(found) else f"where list_contains({sorted(plain)}, _page)"
    view = temp_name("events_view")
    listed_columns = ", ".join(paths)
    con.execute(
        f"create temp view {view} as select {listed_columns}, _record, _file from {lines} {where}"
    )
    position = {path: number for number, path in enumerate(scanned, start=1)}
    return [
        ReadResult(Staged(view, plain[number], backing=lines))
        if (number := position.get(str(path), 0)) in plain
        else None
        for path, _ in files
    ]
