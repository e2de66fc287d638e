"""Widget files are read by DuckDB when large and line by line when small: both give the same rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.sources import widget
from flows.sources.base import FileUnreadable, ReadResult

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
FILES = [
    *sorted((FIXTURES / "bad" / "widget").glob("*.jsonl")),
    FIXTURES / "widget" / "widget-2026-11-04.jsonl",
]


def outcome(result: ReadResult) -> tuple[list[dict[str, object]], list[tuple[int, str, str]]]:
    rows = result.rows
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    records = [
        {k: (None if pd.isna(v) else str(v)) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]
    return records, [(r.record, r.field, r.reason) for r in result.rejects]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_duckdb_and_line_by_line_agree(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read(threshold: int) -> object:
        monkeypatch.setattr(widget, "DUCKDB_FROM_BYTES", threshold)
        try:
            return outcome(widget.read(path, widget.SOURCE, duckdb.connect()))
        except FileUnreadable as exc:
            return str(exc)

    assert read(0) == read(1 << 40)
