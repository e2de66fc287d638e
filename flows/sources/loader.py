"""Load inbox files into ``raw.*``: each file once (by content hash), each row once (by row hash).

Files are read one by one but written in batches (many files per transaction, a few hundred
thousand rows at most), so a folder of thousands of small files costs a few commits, not
thousands. A batch is one transaction: a crash never leaves part of a file loaded, and a re-run
picks the files up again. A file that cannot be read is quarantined whole (record 0) and the
others still load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from flows.sources.base import FileUnreadable, Reject, Source, validate

BATCH_ROWS = 250_000
BATCH_FILES = 1_000


@dataclass
class SourceLoad:
    """What loading one source folder did."""

    source: str
    files_read: int = 0
    files_skipped: int = 0
    files_quarantined: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_quarantined: int = 0
    # Rows older than the source's `max_event_at` before this load: late, and still loaded.
    rows_late: int = 0
    cursors: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


@dataclass
class _File:
    relative: str
    digest: str
    size: int
    rows: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class _Batch:
    files: list[_File] = field(default_factory=list)
    frames: list[pd.DataFrame] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(f) for f in self.frames) + len(self.records)


def with_mapping(source: Source, columns: Mapping[str, str]) -> Source:
    """The source reading a team's own headers; a target that is not a raw column is an error."""
    unknown = sorted(set(columns.values()) - set(source.columns))
    if unknown:
        raise ValueError(
            f"columns.{source.name}: {', '.join(unknown)} not a column of raw.{source.table}"
            f" (columns: {', '.join(source.columns)})"
        )
    return replace(source, mapping=tuple(columns.items())) if columns else source


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inbox_files(inbox: Path, source: Source) -> list[Path]:
    folder = inbox / source.name
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in source.suffixes and not p.name.startswith(".")
    )


def load_source(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    source: Source,
    *,
    loaded_at: datetime,
    on_file: Callable[[Path], None] | None = None,
    columns: Mapping[str, str] | None = None,
) -> SourceLoad:
    """Load every new file of one source folder; returns counts and human-readable messages.

    ``columns`` maps the team's export headers to raw column names (``[loopkeeper.columns.<source>]``).
    """
    source = with_mapping(source, columns or {})
    result = SourceLoad(source.name)
    seen = {
        row[0]
        for row in con.execute(
            "select content_sha256 from raw._files where source = ?", [source.name]
        ).fetchall()
    }
    prior = dict(
        con.execute(
            "select cursor, value from raw._cursors where source = ?", [source.name]
        ).fetchall()
    )
    # Anything stamped more than a day past the wall clock cannot be real yet.
    now = pd.Timestamp(datetime.now(UTC) + timedelta(days=1))
    batch = _Batch()
    for path in inbox_files(inbox, source):
        if on_file:
            on_file(path)
        digest = file_sha256(path)
        if digest in seen:
            result.files_skipped += 1
            continue
        seen.add(digest)
        entry = _File(path.relative_to(inbox).as_posix(), digest, path.stat().st_size)
        batch.files.append(entry)
        try:
            read = source.read(path, source)
        except (FileUnreadable, duckdb.Error, ValueError, OSError) as exc:
            entry.error = str(exc) if isinstance(exc, FileUnreadable) else f"{path.name}: {exc}"
            head = path.read_bytes()[:20_000].decode("utf-8", errors="replace")
            batch.rejects.append(Reject(0, "file", entry.error, head, entry.relative))
            result.messages.append(f"{entry.relative}: quarantined whole file: {entry.error}")
            continue
        if isinstance(read.rows, pd.DataFrame):
            batch.frames.append(read.rows.assign(_file=entry.relative))
        else:
            batch.records.extend(row | {"_file": entry.relative} for row in read.rows)
        entry.rows = len(read.rows)
        entry.warnings = read.warnings
        for name, value in read.cursors.items():
            batch.cursors[name] = max(value, batch.cursors.get(name, value))
        batch.rejects.extend(
            Reject(r.record, r.field, r.reason, r.content, entry.relative) for r in read.rejects
        )
        result.messages.extend(read.warnings)
        if batch.rows >= BATCH_ROWS or len(batch.files) >= BATCH_FILES:
            _flush(con, source, batch, loaded_at, now, result, prior)
            batch = _Batch()
    _flush(con, source, batch, loaded_at, now, result, prior)
    result.cursors = dict(
        con.execute(
            "select cursor, value from raw._cursors where source = ?", [source.name]
        ).fetchall()
    )
    return result


def _flush(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    batch: _Batch,
    loaded_at: datetime,
    now: pd.Timestamp,
    result: SourceLoad,
    prior: Mapping[str, str],
) -> None:
    """Validate and write one batch of files in one transaction."""
    if not batch.files:
        return
    frames = [f for f in batch.frames if not f.empty]
    if batch.records:
        columns = [*source.columns, "_record", "_file"]
        frames.append(pd.DataFrame.from_records(batch.records, columns=columns))
    checked = (
        validate(pd.concat(frames, ignore_index=True), source.rules, now=now, key=source.key)
        if frames
        else None
    )
    rejects = batch.rejects + (checked.rejects if checked else [])
    stamp = loaded_at.replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        inserted = _insert_rows(con, source, checked.rows, stamp) if checked else {}
        _insert_rejects(con, source.name, rejects, stamp)
        bad_by_file: dict[str, int] = {}
        for reject in rejects:
            bad_by_file[reject.file] = bad_by_file.get(reject.file, 0) + 1
        files = pd.DataFrame(
            {
                "source": source.name,
                "file": [f.relative for f in batch.files],
                "content_sha256": [f.digest for f in batch.files],
                "size_bytes": [f.size for f in batch.files],
                "status": ["quarantined" if f.error else "loaded" for f in batch.files],
                "rows_loaded": [inserted.get(f.relative, 0) for f in batch.files],
                "rows_quarantined": [bad_by_file.get(f.relative, 0) for f in batch.files],
                "error": [f.error or ("; ".join(f.warnings) or None) for f in batch.files],
                "loaded_at": stamp,
            }
        )
        _insert_frame(con, "raw._files", files, conflict="on conflict do nothing")
        cursors = dict(batch.cursors)
        if source.event_column and checked is not None and not checked.rows.empty:
            latest = checked.rows[source.event_column].dropna()
            if not latest.empty:
                cursors["max_event_at"] = str(latest.max())
            if "max_event_at" in prior and inserted:
                result.rows_late += _count_late(
                    con, source, list(inserted), stamp, prior["max_event_at"]
                )
        _advance_cursors(con, source.name, cursors, stamp)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    loaded = sum(inserted.values())
    good = len(checked.rows) if checked else 0
    result.files_read += sum(1 for f in batch.files if not f.error)
    result.files_quarantined += sum(1 for f in batch.files if f.error)
    result.rows_loaded += loaded
    result.rows_duplicate += good - loaded
    result.rows_quarantined += sum(1 for r in rejects if r.record > 0 or r.field != "file")
    shown = [r for r in rejects if r.field != "file"]
    for reject in shown[:5]:
        result.messages.append(
            f"{reject.file}: record {reject.record}: {reject.field}: {reject.reason}"
        )
    if len(shown) > 5:
        result.messages.append(f"... and {len(shown) - 5} more quarantined rows")


def _insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *, conflict: str = ""
) -> None:
    con.register("_frame", frame)
    try:
        con.execute(f"insert into {table} select * from _frame {conflict}")
    finally:
        con.unregister("_frame")


def _insert_rows(
    con: duckdb.DuckDBPyConnection, source: Source, rows: pd.DataFrame, loaded_at: datetime
) -> dict[str, int]:
    """Insert rows not stored yet (by row hash); returns how many were new, per file."""
    if rows.empty:
        return {}
    columns = source.columns
    selected = rows[[*columns, "_file", "_record"]]
    batch = selected.astype(object).where(selected.notna(), None)
    later = {rule.name for rule in source.rules if rule.added_later}
    hash_parts = [f"coalesce({c}::varchar, '\\N')" for c in columns if c not in later]
    hash_parts += [
        f"case when {c} is null then '' else '{c}=' || {c}::varchar end"
        for c in columns
        if c in later
    ]
    hash_expr = "md5(concat_ws(chr(31), " + ", ".join(hash_parts) + "))"
    con.register("_batch", batch)
    try:
        con.execute(
            f"""
            insert into raw.{source.table}
                ({", ".join(columns)}, _source, _file, _record, _loaded_at, _row_hash)
            select {", ".join(f"{c}::varchar" for c in columns)},
                ? as _source, _file, _record::bigint, ? as _loaded_at, _row_hash
            from (
                select *,
                    row_number() over (
                        partition by _row_hash order by _file, _record::bigint
                    ) as _nth
                from (select *, {hash_expr} as _row_hash from _batch)
            )
            where _nth = 1
            on conflict do nothing
            """,
            [source.name, loaded_at],
        )
    finally:
        con.unregister("_batch")
    files = sorted(set(batch["_file"]))
    counts = con.execute(
        f"select _file, count(*) from raw.{source.table}"
        " where _loaded_at = ? and list_contains(?, _file) group by _file",
        [loaded_at, files],
    ).fetchall()
    return {str(name): int(n) for name, n in counts}


def _count_late(
    con: duckdb.DuckDBPyConnection, source: Source, files: list[str], stamp: datetime, before: str
) -> int:
    """Rows this load stored whose event is older than the source's cursor before the load."""
    rows = con.execute(
        f"select count(*) from raw.{source.table} where _loaded_at = ?"
        f" and list_contains(?, _file) and {source.event_column} < ?",
        [stamp, files, before],
    ).fetchall()
    return int(rows[0][0])


def _advance_cursors(
    con: duckdb.DuckDBPyConnection, source: str, cursors: Mapping[str, str], stamp: datetime
) -> None:
    """Cursors only move forward: a late or re-delivered file never winds one back."""
    for name, value in cursors.items():
        con.execute(
            "insert into raw._cursors values (?, ?, ?, ?) on conflict (source, cursor) do update"
            " set value = greatest(raw._cursors.value, excluded.value), updated_at = excluded.updated_at",
            [source, name, value, stamp],
        )


def _insert_rejects(
    con: duckdb.DuckDBPyConnection, source: str, rejects: list[Reject], at: datetime
) -> None:
    if not rejects:
        return
    frame = pd.DataFrame(
        {
            "source": source,
            "file": [r.file for r in rejects],
            "record": [r.record for r in rejects],
            "field": [r.field for r in rejects],
            "reason": [r.reason for r in rejects],
            "content": [r.content for r in rejects],
            "quarantined_at": at,
        }
    )
    _insert_frame(con, "raw._quarantine", frame)
