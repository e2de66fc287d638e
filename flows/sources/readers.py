"""File-format readers built on DuckDB's own CSV and JSON readers (fast on large exports).

A CSV export is read straight into a temp table of the loader's connection and stays in DuckDB
until it is validated and inserted: a million-row export never becomes a million Python objects.
"""

from __future__ import annotations

import codecs
import json
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import duckdb
import pandas as pd

from flows.sources.base import (
    FileUnreadable,
    ReadResult,
    Reject,
    Source,
    Staged,
    column_plan,
    quote,
)
from flows.sources.encodings import Utf8Scan, scan_utf8, transcode_windows_1252
from flows.sources.width import check_line_widths

# How DuckDB names a malformed row, as a reason a person can act on.
_ROW_ERRORS = {
    "TOO MANY COLUMNS": "row has more fields than the header (an unquoted comma?)",
    "MISSING COLUMNS": "row has fewer fields than the header",
    "UNQUOTED VALUE": "a quoted value is followed by text outside the quotes",
    "LINE SIZE OVER MAXIMUM": "row is longer than 4 MB",
}
_MAX_LINE = 4 * 1024 * 1024


@dataclass
class CsvTable:
    """One CSV export read into a temp table of the loader's connection, all columns text.

    The table's rows are in file order (DuckDB keeps insertion order), so a row's ``rowid`` is its
    position among the well-formed rows; ``rejected`` (1-based data-row numbers of malformed rows)
    turns that position back into the row's record number.
    """

    table: str
    headers: list[str]
    rows: int
    rejected: list[int]
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_names = count(1)


def temp_name(kind: str) -> str:
    """A temp-table name no other read in this process uses."""
    return f"_lk_{kind}_{next(_names)}"


def read_csv_table(path: Path, con: duckdb.DuckDBPyConnection) -> CsvTable:
    """Every column as text; rows numbered by data row (the header is not counted).

    A malformed row (wrong number of fields) is a reject with its row number; the file's other
    rows still load. Latin-1 files are read with a warning, UTF-16 ones (Excel "Unicode text")
    too; binary files and files with a header but no rows fail whole.
    """
    head = _head(path)
    warnings: list[str] = []
    encoding = "utf-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
        warnings.append(f"{path.name}: UTF-16 text, read as such")
    elif head.startswith(b"PK\x03\x04") or head.count(b"\x00") > 8:
        # One stray NUL is a bad value (quarantined by row); many are a binary file.
        hint = " (an Excel workbook renamed .csv?)" if head.startswith(b"PK") else ""
        raise FileUnreadable(f"{path.name}: a binary file, not CSV text{hint}")
    check_line_widths(path)  # before DuckDB: its reader is quadratic in a row's fields
    table = temp_name("csv")
    errors = _duck_csv(con, path, table, encoding)
    stray: Utf8Scan | None = None
    if encoding == "utf-8" and any(_is_encoding(kind) for _, kind, _ in errors):
        scan = scan_utf8(path)
        if scan.is_damaged_utf8:
            # DuckDB turned down just the rows holding the stray bytes: they are quarantined
            # (with the offset), the others load.
            stray = scan
            warnings.append(
                f"{path.name}: {scan.fault_count} byte(s) that are not UTF-8;"
                " the rows holding them are quarantined"
            )
        else:
            with tempfile.TemporaryDirectory(prefix="loopkeeper-") as folder:
                utf8 = Path(folder) / "export.csv"
                transcode_windows_1252(path, utf8)
                errors = _duck_csv(con, utf8, table, "utf-8", shown=path.name)
            warnings.append(
                f"{path.name}: not UTF-8, read as Windows-1252 (Latin-1 and Excel's CSV)"
            )
    described = con.execute(f'select * from "{table}" limit 0').description or []
    headers = [str(column[0]) for column in described]
    rows = int(con.execute(f'select count(*) from "{table}"').fetchall()[0][0])
    if rows == 0 and not errors:
        con.execute(f'drop table "{table}"')
        raise FileUnreadable(f"{path.name}: a header ({', '.join(headers)}) but no data rows")
    rejects = [
        Reject(line - 1, "row", _row_reason(kind, line, stray), text.strip())
        for line, kind, text in errors
    ]
    return CsvTable(table, headers, rows, [line - 1 for line, _, _ in errors], rejects, warnings)


def _is_encoding(kind: str) -> bool:
    return "ENCODING" in kind or "UNICODE" in kind


def _row_reason(kind: str, line: int, stray: Utf8Scan | None) -> str:
    if stray is not None and _is_encoding(kind):
        offset = stray.offset_on_or_after(line)
        where = f" (byte offset {offset})" if offset is not None else ""
        return f"row has bytes that are not UTF-8{where}"
    return _ROW_ERRORS.get(kind, kind.lower())


def record_sql(rejected: list[int]) -> str:
    """The record number of the row at ``rowid``: its position plus the malformed rows before it.

    With rejected rows r1 < r2 < ..., the i-th good row is row i + #{j : r_j - j + 1 <= i}.
    """
    position = "(rowid + 1)"
    if not rejected:
        return position
    steps = ", ".join(str(r - j) for j, r in enumerate(sorted(rejected)))
    return f"{position} + len(list_filter([{steps}], lambda s: s <= {position}))"


# Raw column -> SQL expression over the export's headers (None: NULL), from the headers.
ColumnsFor = Callable[[list[str]], Mapping[str, str | None]]


def stage_csv(
    con: duckdb.DuckDBPyConnection,
    csv: CsvTable,
    columns_for: ColumnsFor,
    *,
    skip_first: bool = False,
) -> ReadResult:
    """Project a read CSV onto raw columns; a file whose headers do not fit (``FileUnreadable``
    from ``columns_for``) leaves no temp table behind."""
    try:
        columns = columns_for(csv.headers)
    except Exception:
        con.execute(f"drop table if exists {quote(csv.table)}")
        raise
    projection = ", ".join(
        f"{expr if expr is not None else 'null'}::varchar as {quote(name)}"
        for name, expr in columns.items()
    )
    staged = temp_name("staged")
    where = "where rowid > 0" if skip_first else ""
    con.execute(
        f"create temp view {quote(staged)} as select {projection},"
        f" {record_sql(csv.rejected)} as _record from {quote(csv.table)} {where}"
    )
    # A view: the rows are copied once more, into the batch, not twice.
    rows = Staged(staged, csv.rows - (1 if skip_first and csv.rows else 0), backing=csv.table)
    return ReadResult(rows, csv.rejects, csv.warnings)


def header_columns(headers: list[str], source: Source, path: Path) -> dict[str, str | None]:
    """Raw column -> quoted export header (None where the export has no such column)."""
    return {
        name: (quote(header) if header is not None else None)
        for name, header in column_plan(headers, source, path).items()
    }


def read_csv_source(path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
    """A CSV export with its headers renamed to the source's raw columns."""
    csv = read_csv_table(path, con)
    return stage_csv(con, csv, lambda headers: header_columns(headers, source, path))


def _duck_csv(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, encoding: str, *, shown: str = ""
) -> list[tuple[int, str, str]]:
    """DuckDB's sniffer and reader into ``table``; malformed rows as (line, error type, text)."""
    rejects, scans = temp_name("rejects"), temp_name("scans")
    try:
        con.execute(
            f"create or replace temp table {quote(table)} as select * from read_csv(?,"
            " all_varchar = true, header = true, encoding = ?, max_line_size = ?,"
            f" ignore_errors = true, store_rejects = true, rejects_table = '{rejects}',"
            f" rejects_scan = '{scans}')",
            [str(path), encoding, _MAX_LINE],
        )
        errors = con.execute(
            f"select line, error_type, coalesce(csv_line, '') from {quote(rejects)} order by line"
        ).fetchall()
    except duckdb.Error as exc:
        name = shown or path.name
        why = _first_line(exc).replace(str(path), name)
        raise FileUnreadable(f"{name}: not a readable CSV file: {why}") from exc
    finally:
        con.execute(f"drop table if exists {quote(rejects)}")
        con.execute(f"drop table if exists {quote(scans)}")
    # A short row has one error per missing column: one reject per row is enough.
    first = {int(line): (int(line), str(kind), str(text)) for line, kind, text in reversed(errors)}
    return sorted(first.values())


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise FileUnreadable(f"{path.name}: the file is empty")
    return head


def read_json_document(path: Path, sql: str) -> pd.DataFrame:
    """Run ``sql`` over one JSON document exposed as table ``doc``; bad JSON fails the file."""
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty")
    with duckdb.connect() as con:
        try:
            # A view cannot take a prepared parameter: the path goes in as an escaped literal.
            literal = "'" + str(path).replace("'", "''") + "'"
            con.execute(
                f"create temp view doc as select * from read_json({literal}, format = 'auto',"
                " records = true, maximum_object_size = 536870912)"
            )
            return con.execute(sql).df()
        except duckdb.Error as exc:
            raise FileUnreadable(
                f"{path.name}: not a readable JSON export: {_first_line(exc)}"
            ) from exc


def read_jsonl(
    path: Path,
) -> tuple[list[tuple[int, dict[str, object]]], list[tuple[int, str, str]]]:
    """Parse JSON lines one by one so a bad line is quarantined by number, not the whole file.

    JSON is UTF-8 (RFC 8259): a line holding bytes that are not is quarantined naming the byte's
    offset in the file, and the other lines still load.
    """
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty")
    records: list[tuple[int, dict[str, object]]] = []
    bad: list[tuple[int, str, str]] = []
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw, start = raw[len(codecs.BOM_UTF8) :], start + len(codecs.BOM_UTF8)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                shown = raw[:20_000].decode("utf-8", errors="replace")
                reason = f"line has bytes that are not UTF-8 (byte offset {start + exc.start})"
                bad.append((number, reason, shown))
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                bad.append((number, f"line is not valid JSON: {exc.msg}", line[:20_000]))
                continue
            except RecursionError:
                # A line of 50,000 nested brackets is the line's fault, not the night's.
                bad.append((number, "line is nested too deeply to parse", line[:2_000]))
                continue
            if isinstance(value, dict):
                records.append((number, value))
            else:
                bad.append((number, "line is not a JSON object", line[:20_000]))
    return records, bad


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]
