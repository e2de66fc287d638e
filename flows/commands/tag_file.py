"""`loopkeeper tag`: tag any CSV or JSONL file of texts, streaming, chunk by chunk.

The output keeps every input column and adds the columns DESIGN.md names. Without a warehouse,
the file's own items are grouped among themselves: each run starts an empty theme book, and an
item joins the nearest theme an earlier row of the file started (nlp/theme_book.py), so
near-duplicates in one file share a theme.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

from flows.commands.spreadsheet import neutralise_formulas
from nlp import Tagger
from nlp.theme_book import ThemeBook

TAG_COLUMNS = (
    "intents",
    "intent",
    "sentiment",
    "sentiment_score",
    "severity",
    "product_area",
    "theme",
)
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class TagFileError(ValueError):
    """The input or output cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class TagFileResult:
    rows: int
    output: Path


def file_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise TagFileError(
            f"{path}: unsupported file type {path.suffix or '(none)'}; use .csv, .jsonl or .ndjson"
        ) from None


class _CountingReader(io.RawIOBase):
    """A binary reader that reports how many bytes were consumed (for the progress bar)."""

    def __init__(self, handle: IO[bytes], on_read: Callable[[int], None]) -> None:
        self._handle = handle
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._handle.read(len(buffer))
        buffer[: len(data)] = data
        self._on_read(len(data))
        return len(data)


def _chunks(
    path: Path, kind: str, size: int, on_read: Callable[[int], None]
) -> Iterator[pd.DataFrame]:
    with path.open("rb") as raw:
        stream = io.TextIOWrapper(
            io.BufferedReader(_CountingReader(raw, on_read)), encoding="utf-8-sig", newline=""
        )
        if kind == "csv":
            # Every value stays text exactly as given: ids like 007 must not become 7.
            yield from pd.read_csv(
                stream, dtype=str, keep_default_na=False, chunksize=size, on_bad_lines="error"
            )
        else:
            reader: Any = stream
            yield from pd.read_json(reader, lines=True, dtype=False, chunksize=size)


def tag_file(
    source: Path,
    output: Path,
    *,
    text_column: str,
    tagger: Tagger,
    chunk_rows: int = 10_000,
    on_progress: Callable[[int, int], None] | None = None,
) -> TagFileResult:
    """Tag ``source`` into ``output`` (format from each one's extension); returns rows written."""
    if not source.is_file():
        raise TagFileError(f"{source}: input file not found")
    in_kind, out_kind = file_format(source), file_format(output)
    if source.resolve() == output.resolve():
        raise TagFileError(f"{output}: output would overwrite the input")
    output.parent.mkdir(parents=True, exist_ok=True)
    tagger.themes = ThemeBook()
    tagger.live_labels = False  # the second pass writes every label once
    # Rows are written with their theme's key first: a theme's label comes from all the items
    # that joined it, so it is known only at the end, when a second pass writes the labels.
    keyed = output.with_name(output.name + ".keyed.partial")
    partial = output.with_name(output.name + ".partial")
    rows = 0

    def advance(consumed: int) -> None:
        if on_progress:
            on_progress(consumed, rows)

    try:
        with keyed.open("w", encoding="utf-8", newline="") as out:
            for number, chunk in enumerate(_chunks(source, in_kind, chunk_rows, advance)):
                if text_column not in chunk.columns:
                    found = ", ".join(map(str, chunk.columns)) or "no columns"
                    raise TagFileError(
                        f"{source}: no column {text_column!r} (found: {found}); pass --text-column"
                    )
                tagged = _tag_chunk(chunk, text_column, tagger)
                _write(out, tagged, out_kind, header=number == 0)
                rows += len(tagged)
                advance(0)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        keyed.unlink(missing_ok=True)
        if isinstance(exc, TagFileError):
            raise
        raise TagFileError(f"{source}: cannot read as {in_kind}: {exc}") from None
    try:
        labels = {key: tagger.theme_label(key) for key in tagger.themes.bucket_of}
        with partial.open("w", encoding="utf-8", newline="") as out:
            for number, chunk in enumerate(_chunks(keyed, out_kind, chunk_rows, lambda _: None)):
                chunk["theme"] = [labels.get(key, key) for key in chunk["theme"]]
                _write(out, chunk, out_kind, header=number == 0)
    finally:
        keyed.unlink(missing_ok=True)
    partial.replace(output)
    return TagFileResult(rows, output)


def _write(out: IO[str], frame: pd.DataFrame, kind: str, *, header: bool) -> None:
    if kind == "csv":
        neutralise_formulas(frame).to_csv(out, index=False, header=header)
    else:
        text = frame.to_json(orient="records", lines=True, force_ascii=False) or ""
        out.write(text if not text or text.endswith("\n") else text + "\n")


def _tag_chunk(chunk: pd.DataFrame, text_column: str, tagger: Tagger) -> pd.DataFrame:
    texts = [None if pd.isna(v) else str(v) for v in chunk[text_column].tolist()]
    tags = list(tagger.tag(texts))
    added = pd.DataFrame(
        {
            "intents": [";".join(t.intents) for t in tags],
            "intent": [t.intent for t in tags],
            "sentiment": [t.sentiment for t in tags],
            "sentiment_score": [round(float(t.sentiment_score), 4) for t in tags],
            "severity": [t.severity for t in tags],
            "product_area": [t.product_area for t in tags],
            "theme": [t.theme_key for t in tags],  # a label once the file is done
        },
        index=chunk.index,
    )
    # An input column with one of our names is replaced, not duplicated.
    return pd.concat(
        [chunk.drop(columns=[c for c in TAG_COLUMNS if c in chunk.columns]), added], axis=1
    )
