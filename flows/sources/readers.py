"""File-format readers built on DuckDB's own CSV and JSON readers (fast on large exports)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from flows.sources.base import FileUnreadable


def read_csv_frame(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Every column as text, `_record` = 1-based data row; Latin-1 files are read with a warning."""
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty")
    warnings: list[str] = []
    try:
        frame = _duck_csv(path, "utf-8")
    except duckdb.Error as exc:
        if "utf" not in str(exc).lower() and "unicode" not in str(exc).lower():
            raise FileUnreadable(
                f"{path.name}: not a readable CSV file: {_first_line(exc)}"
            ) from exc
        try:
            frame = _duck_csv(path, "latin-1")
        except duckdb.Error as exc2:
            raise FileUnreadable(
                f"{path.name}: not readable as UTF-8 or Latin-1: {_first_line(exc2)}"
            ) from exc2
        warnings.append(f"{path.name}: not valid UTF-8, read as Latin-1")
    frame.insert(len(frame.columns), "_record", range(1, len(frame) + 1))
    return frame, warnings


def _duck_csv(path: Path, encoding: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute(
            "select * from read_csv(?, all_varchar = true, header = true, encoding = ?,"
            " max_line_size = 4194304)",
            [str(path), encoding],
        ).df()


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


def read_jsonl(path: Path) -> tuple[list[tuple[int, dict[str, object]]], list[tuple[int, str]]]:
    """Parse JSON lines one by one so a bad line is quarantined by number, not the whole file."""
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty")
    records: list[tuple[int, dict[str, object]]] = []
    bad: list[tuple[int, str]] = []
    with path.open("r", encoding="utf-8-sig", errors="strict", newline="") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    bad.append((number, f"line is not valid JSON: {exc.msg}"))
                    continue
                if isinstance(value, dict):
                    records.append((number, value))
                else:
                    bad.append((number, "line is not a JSON object"))
        except UnicodeDecodeError as exc:
            raise FileUnreadable(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
    return records, bad


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]
