"""Load inbox files into ``raw.*``: each file once (by content hash), each row once (by row hash).

One transaction per file, so a crash never leaves half a file loaded and a re-run picks it up
again. A file that cannot be read is quarantined whole (record 0) and the others still load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from flows.sources.base import FileUnreadable, Reject, Source, validate
from flows.warehouse.connection import scalar


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
    messages: list[str] = field(default_factory=list)


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
) -> SourceLoad:
    """Load every new file of one source folder; returns counts and human-readable messages."""
    result = SourceLoad(source.name)
    seen = {
        row[0]
        for row in con.execute(
            "select content_sha256 from raw._files where source = ?", [source.name]
        ).fetchall()
    }
    # Anything stamped more than a day past the wall clock cannot be real yet.
    now = pd.Timestamp(datetime.now(UTC) + timedelta(days=1))
    for path in inbox_files(inbox, source):
        if on_file:
            on_file(path)
        relative = path.relative_to(inbox).as_posix()
        digest = file_sha256(path)
        if digest in seen:
            result.files_skipped += 1
            continue
        seen.add(digest)
        try:
            read = source.read(path, source)
        except (FileUnreadable, duckdb.Error, ValueError, OSError) as exc:
            reason = str(exc) if isinstance(exc, FileUnreadable) else f"{path.name}: {exc}"
            _quarantine_file(con, source, relative, digest, path, reason, loaded_at)
            result.files_quarantined += 1
            result.messages.append(f"{relative}: quarantined whole file: {reason}")
            continue
        checked = validate(read.rows, source.rules, now=now)
        rejects = read.rejects + checked.rejects
        con.execute("begin transaction")
        try:
            inserted, duplicates = _insert_rows(con, source, checked.rows, relative, loaded_at)
            _insert_rejects(con, source.name, relative, rejects, loaded_at)
            _record_file(
                con,
                source.name,
                relative,
                digest,
                path.stat().st_size,
                "loaded",
                inserted,
                len(rejects),
                "; ".join(read.warnings) or None,
                loaded_at,
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        result.files_read += 1
        result.rows_loaded += inserted
        result.rows_duplicate += duplicates
        result.rows_quarantined += len(rejects)
        result.messages.extend(read.warnings)
        for reject in rejects[:3]:
            result.messages.append(
                f"{relative}: record {reject.record}: {reject.field}: {reject.reason}"
            )
        if len(rejects) > 3:
            result.messages.append(f"{relative}: ... and {len(rejects) - 3} more quarantined rows")
    return result


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    rows: pd.DataFrame,
    file: str,
    loaded_at: datetime,
) -> tuple[int, int]:
    if rows.empty:
        return 0, 0
    columns = source.columns
    batch = (
        rows[[*columns, "_record"]].astype(object).where(rows[[*columns, "_record"]].notna(), None)
    )
    con.register("_batch", batch)
    try:
        hash_expr = (
            "md5(concat_ws(chr(31), "
            + ", ".join(f"coalesce({c}::varchar, '\\N')" for c in columns)
            + "))"
        )
        before = _count(con, source.table)
        con.execute(
            f"""
            insert into raw.{source.table}
            select {", ".join(f"{c}::varchar" for c in columns)},
                ? as _source, ? as _file, _record::bigint, ? as _loaded_at, _row_hash
            from (
                select *, {hash_expr} as _row_hash,
                    row_number() over (partition by {hash_expr} order by _record::bigint) as _nth
                from _batch
            )
            where _nth = 1
            on conflict do nothing
            """,
            [source.name, file, loaded_at.replace(tzinfo=None)],
        )
        inserted = _count(con, source.table) - before
    finally:
        con.unregister("_batch")
    return inserted, len(rows) - inserted


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(scalar(con, f"select count(*) from raw.{table}") or 0)


def _insert_rejects(
    con: duckdb.DuckDBPyConnection, source: str, file: str, rejects: list[Reject], at: datetime
) -> None:
    if not rejects:
        return
    frame = pd.DataFrame(
        {
            "source": source,
            "file": file,
            "record": [r.record for r in rejects],
            "field": [r.field for r in rejects],
            "reason": [r.reason for r in rejects],
            "content": [r.content for r in rejects],
            "quarantined_at": at.replace(tzinfo=None),
        }
    )
    con.register("_rejects", frame)
    try:
        con.execute("insert into raw._quarantine select * from _rejects")
    finally:
        con.unregister("_rejects")


def _record_file(
    con: duckdb.DuckDBPyConnection,
    source: str,
    file: str,
    digest: str,
    size: int,
    status: str,
    loaded: int,
    quarantined: int,
    error: str | None,
    at: datetime,
) -> None:
    con.execute(
        "insert into raw._files values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
        [source, file, digest, size, status, loaded, quarantined, error, at.replace(tzinfo=None)],
    )


def _quarantine_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    file: str,
    digest: str,
    path: Path,
    reason: str,
    at: datetime,
) -> None:
    head = path.read_bytes()[:20_000].decode("utf-8", errors="replace")
    con.execute("begin transaction")
    _insert_rejects(con, source.name, file, [Reject(0, "file", reason, head)], at)
    _record_file(
        con, source.name, file, digest, path.stat().st_size, "quarantined", 0, 1, reason, at
    )
    con.execute("commit")
