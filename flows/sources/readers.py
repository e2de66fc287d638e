"""File-format readers built on DuckDB's own CSV and JSON readers (fast on large exports)."""

from __future__ import annotations

import json
from itertools import count, islice
from pathlib import Path

import duckdb
import pandas as pd

from flows.sources.base import FileUnreadable, ReadResult, Reject, Source, map_columns

# How DuckDB names a malformed row, as a reason a person can act on.
_ROW_ERRORS = {
    "TOO MANY COLUMNS": "row has more fields than the header (an unquoted comma?)",
    "MISSING COLUMNS": "row has fewer fields than the header",
    "UNQUOTED VALUE": "a quoted value is followed by text outside the quotes",
    "LINE SIZE OVER MAXIMUM": "row is longer than 4 MB",
}
_MAX_LINE = 4 * 1024 * 1024


def read_csv_frame(path: Path) -> ReadResult:
    """Every column as text, ``_record`` = 1-based data row (the header is not counted).

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
    frame, errors = _duck_csv(path, encoding)
    if encoding == "utf-8" and any(
        "ENCODING" in kind or "UNICODE" in kind for _, kind, _ in errors
    ):
        frame, errors = _duck_csv(path, "latin-1")
        warnings.append(f"{path.name}: not valid UTF-8, read as Latin-1")
    if frame.empty and not errors:
        found = ", ".join(map(str, frame.columns))
        raise FileUnreadable(f"{path.name}: a header ({found}) but no data rows")
    rejected = {line - 1 for line, _, _ in errors}
    # DuckDB numbers a rejected row by its record; the good rows are the numbers left over.
    records = list(islice((n for n in count(1) if n not in rejected), len(frame)))
    frame.insert(len(frame.columns), "_record", records)
    rejects = [
        Reject(line - 1, "row", _ROW_ERRORS.get(kind, kind.lower()), text.strip())
        for line, kind, text in errors
    ]
    return ReadResult(frame, rejects=rejects, warnings=warnings)


def read_csv_source(path: Path, source: Source) -> ReadResult:
    """A CSV export with its headers renamed to the source's raw columns."""
    read = read_csv_frame(path)
    assert isinstance(read.rows, pd.DataFrame)
    return ReadResult(map_columns(read.rows, source, path), read.rejects, read.warnings)


def _duck_csv(path: Path, encoding: str) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """DuckDB's sniffer and reader; malformed rows come back as (line, error type, text)."""
    with duckdb.connect() as con:
        try:
            frame = con.execute(
                "select * from read_csv(?, all_varchar = true, header = true, encoding = ?,"
                " max_line_size = ?, ignore_errors = true, store_rejects = true)",
                [str(path), encoding, _MAX_LINE],
            ).df()
            errors = con.execute(
                "select line, error_type, coalesce(csv_line, '') from reject_errors order by line"
            ).fetchall()
        except duckdb.Error as exc:
            raise FileUnreadable(
                f"{path.name}: not a readable CSV file: {_first_line(exc)}"
            ) from exc
    # A short row has one error per missing column: one reject per row is enough.
    first = {int(line): (int(line), str(kind), str(text)) for line, kind, text in reversed(errors)}
    return frame, sorted(first.values())


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
    """Parse JSON lines one by one so a bad line is quarantined by number, not the whole file."""
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty")
    records: list[tuple[int, dict[str, object]]] = []
    bad: list[tuple[int, str, str]] = []
    with path.open("r", encoding="utf-8-sig", errors="strict", newline="") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    bad.append((number, f"line is not valid JSON: {exc.msg}", line[:20_000]))
                    continue
                if isinstance(value, dict):
                    records.append((number, value))
                else:
                    bad.append((number, "line is not a JSON object", line[:20_000]))
        except UnicodeDecodeError as exc:
            raise FileUnreadable(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
    return records, bad


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]
