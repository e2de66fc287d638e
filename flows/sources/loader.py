"""Load inbox files into ``raw.*``: each file once (by content hash), each row once (by row hash).

Files are read one by one but written in batches (many files per transaction, a few hundred
thousand rows at most), so a folder of thousands of small files costs a few commits, not
thousands. A batch is one transaction: a crash never leaves part of a file loaded, and a re-run
picks the files up again. A file that cannot be read is quarantined whole (record 0) and the
others still load.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from flows.sources import checks
from flows.sources.base import (
    FileRefused,
    FileUnreadable,
    ReadResult,
    Reject,
    Source,
    Staged,
    literal,
    printable,
    quote,
)
from flows.sources.inbox import new_files
from flows.sources.manifest import Manifest

BATCH_ROWS = 250_000
BATCH_FILES = 1_000


@dataclass
class SourceLoad:
    """What loading one source folder did."""

    source: str
    files_read: int = 0
    files_skipped: int = 0
    files_quarantined: int = 0
    # Files modified in the last `inbox_settle_seconds`: maybe still being written, left for
    # the next run.
    files_waiting: int = 0
    rows_loaded: int = 0
    # Rows identical to one already stored (a re-delivered or overlapping export): skipped.
    rows_duplicate: int = 0
    # Loaded rows of an item stored before with other values (a comment added, a ticket
    # updated): a new version, kept beside the old one; staging takes the latest.
    rows_versions: int = 0
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
    staged: list[tuple[str, Staged]] = field(default_factory=list)
    frames: list[pd.DataFrame] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)
    # Staged tables holding several files' rows, each row naming its file (`_file`).
    filed: set[str] = field(default_factory=set)

    @property
    def rows(self) -> int:
        staged = sum(len(table) for _, table in self.staged)
        return staged + sum(len(f) for f in self.frames) + len(self.records)


def load_time(con: duckdb.DuckDBPyConnection, now: datetime) -> datetime:
    """The stamp of a run's load (``_loaded_at``): ``now`` to the second, or the second after the
    warehouse's latest load when ``now`` is not after it (a re-run within the same second, a clock
    set back). So every load comes after the loads before it, which the incremental staging
    models rely on: a build reads the rows loaded after what the last build read
    (dbt_project/macros/incremental_staging.sql)."""
    latest = con.execute("select max(loaded_at) from raw._files").fetchall()[0][0]
    stamp = now.replace(microsecond=0)
    return stamp if latest is None or stamp > latest else latest + timedelta(seconds=1)


def with_mapping(source: Source, columns: Mapping[str, str]) -> Source:
    """The source reading a team's own headers; a target that is not a raw column is an error."""
    unknown = sorted(set(columns.values()) - set(source.columns))
    if unknown:
        raise ValueError(
            f"columns.{source.name}: {', '.join(unknown)} not a column of raw.{source.table}"
            f" (columns: {', '.join(source.columns)})"
        )
    return replace(source, mapping=tuple(columns.items())) if columns else source


def load_source(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    source: Source,
    *,
    loaded_at: datetime,
    on_file: Callable[[Path], None] | None = None,
    columns: Mapping[str, str] | None = None,
    settle_seconds: float = 0.0,
) -> SourceLoad:
    """Load every new file of one source folder; returns counts and human-readable messages.

    ``columns`` maps the team's export headers to raw column names (``[loopkeeper.columns.<source>]``).
    A file modified in the last ``settle_seconds`` is left for the next run (``inbox_settle_seconds``).
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
    now = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    # Sizes of loaded files: a file of another size cannot be a re-delivery (flows.sources.inbox).
    sizes = {
        int(row[0])
        for row in con.execute(
            "select distinct size_bytes from raw._files where source = ?", [source.name]
        ).fetchall()
    }
    batch = _Batch()
    manifest = Manifest.load(con, source.name)

    def skipped() -> None:
        result.files_skipped += 1

    def waiting(path: Path) -> None:
        result.files_waiting += 1
        result.messages.append(
            f"{printable(path.relative_to(inbox).as_posix())}: still being written"
            f" (modified in the last {settle_seconds:g} s), left for the next run"
        )

    # A group of files read together shares rows in DuckDB: it goes into one batch whole.
    groups = new_files(
        con,
        inbox,
        source,
        seen,
        sizes,
        on_file=on_file,
        on_skip=skipped,
        on_wait=waiting,
        settle_seconds=settle_seconds,
        manifest=manifest,
    )
    for group in groups:
        for path, digest, size, read, filed in group:
            entry = _File(path.relative_to(inbox).as_posix(), digest, size)
            batch.files.append(entry)
            _add(batch, entry, path, read, result)
            if filed and isinstance(read, ReadResult) and isinstance(read.rows, Staged):
                batch.filed.add(read.rows.table)
        if batch.rows >= BATCH_ROWS or len(batch.files) >= BATCH_FILES:
            _flush(con, source, batch, loaded_at, now, result, prior)
            batch = _Batch()
    _flush(con, source, batch, loaded_at, now, result, prior)
    manifest.save(con)
    result.cursors = dict(
        con.execute(
            "select cursor, value from raw._cursors where source = ?", [source.name]
        ).fetchall()
    )
    return result


def _add(
    batch: _Batch, entry: _File, path: Path, read: ReadResult | Exception, result: SourceLoad
) -> None:
    """One read file into the batch: its rows, rejects, warnings and cursors."""
    if isinstance(read, Exception):
        entry.error = printable(str(read))
        batch.rejects.append(Reject(0, "file", entry.error, excerpt(path, read), entry.relative))
        verb = "refused" if isinstance(read, FileRefused) else "quarantined whole file"
        result.messages.append(f"{printable(entry.relative)}: {verb}: {entry.error}")
        return
    if isinstance(read.rows, Staged):
        batch.staged.append((entry.relative, read.rows))
    elif isinstance(read.rows, pd.DataFrame):
        batch.frames.append(read.rows.assign(_file=entry.relative))
    else:
        batch.records.extend(row | {"_file": entry.relative} for row in read.rows)
    entry.rows = len(read.rows)
    entry.warnings = [printable(w) for w in read.warnings]
    for name, value in read.cursors.items():
        batch.cursors[name] = max(value, batch.cursors.get(name, value))
    batch.rejects.extend(
        Reject(r.record, r.field, r.reason, r.content, entry.relative) for r in read.rejects
    )
    result.messages.extend(entry.warnings)


def excerpt(path: Path, why: Exception) -> str:
    """The head of a file that failed whole, as it was read; nothing of a refused one. The
    inbox path is never opened again here: its name may lead elsewhere by now."""
    if isinstance(why, FileRefused):
        return ""
    return why.head if isinstance(why, FileUnreadable) else ""


def _flush(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    batch: _Batch,
    loaded_at: datetime,
    now: datetime,
    result: SourceLoad,
    prior: Mapping[str, str],
) -> None:
    """Validate and write one batch of files in one transaction."""
    if not batch.files:
        return
    stamp = loaded_at.replace(tzinfo=None)
    inserted: dict[str, int] = {}
    good, latest, late, versions = 0, None, 0, 0
    # Validation and the insert need no order: each row carries its file and record number,
    # and the raw tables have no order of their own. (Reading a CSV keeps it: a staged row's
    # `rowid` is its place in the file.) Without it DuckDB writes row groups in parallel.
    ordered = con.execute("select current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("set preserve_insertion_order = false")
    try:
        has_rows = _gather(con, source, batch)
        if has_rows:
            checked = checks.check_batch(
                con, INCOMING, CHECKED, source.rules, now=now, key=source.key
            )
        con.execute("begin transaction")
        try:
            if has_rows:
                good = checked.good
                inserted, latest, late, versions = _insert_rows(
                    con,
                    source,
                    stamp,
                    prior.get("max_event_at"),
                    [f.relative for f in batch.files],
                    may_repeat=checked.may_repeat,
                )
            unhashed = {f.relative for f in batch.files if not f.digest}
            _insert_rejects(con, source.name, batch.rejects, stamp, unhashed)
            bad_by_file = _insert_checked_rejects(con, source, stamp) if has_rows else {}
            for reject in batch.rejects:
                bad_by_file[reject.file] = bad_by_file.get(reject.file, 0) + 1
            _insert_files(con, source, batch, inserted, bad_by_file, stamp)
            cursors = dict(batch.cursors)
            if latest is not None:
                cursors["max_event_at"] = latest
            _advance_cursors(con, source.name, cursors, stamp)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        shown = [
            f"{printable(r.file)}: record {r.record}: {r.field}: {r.reason}"
            for r in batch.rejects
            if r.field != "file"
        ]
        if has_rows:
            shown += [
                f"{printable(file)}: record {record}: {name}: {reason}"
                for file, record, name, reason in con.execute(
                    f"select _file, _record, _field, _reason from {CHECKED}"
                    " where _reason is not null order by _file, _record"
                ).fetchall()
            ]
    finally:
        con.execute(f"set preserve_insertion_order = {bool(ordered)}")
        con.execute(f"drop view if exists {INCOMING}")
        for name in (FRAMES, CHECKED):
            con.execute(f"drop table if exists {quote(name)}")
        for _, staged in batch.staged:
            con.execute(f"drop view if exists {quote(staged.table)}")
            if staged.backing:
                con.execute(f"drop table if exists {quote(staged.backing)}")
    loaded = sum(inserted.values())
    result.files_read += sum(1 for f in batch.files if not f.error)
    result.files_quarantined += sum(1 for f in batch.files if f.error)
    result.rows_loaded += loaded
    result.rows_duplicate += good - loaded
    result.rows_late += late
    result.rows_versions += versions if has_rows else 0
    result.rows_quarantined += len(shown)
    result.messages.extend(shown[:5])
    if len(shown) > 5:
        result.messages.append(f"... and {len(shown) - 5} more quarantined rows")


# Temp view and tables of one batch on the loader's connection.
INCOMING, FRAMES, CHECKED = "_lk_incoming", "_lk_frames", "_lk_checked"


def _gather(con: duckdb.DuckDBPyConnection, source: Source, batch: _Batch) -> bool:
    """Every row of the batch in one temp view: raw columns as text, ``_record``, ``_file``.

    A view, not a copy: the checks read each staged CSV where it was read, and the wide text
    is copied once, into the checked rows. Rows parsed in Python are copied into a table first,
    since DuckDB only sees a registered DataFrame while it is registered.
    """
    columns = source.columns
    text = ", ".join(f"{quote(c)}::varchar as {quote(c)}" for c in columns)
    parts = [
        f"select {text}, _record::bigint as _record, {literal(file)} as _file"
        f" from {quote(table.table)}"
        for file, table in batch.staged
        if table.table not in batch.filed
    ]
    # One scan for a group of files read together, not one (and one thread) per file.
    parts += [
        f"select {text}, _record::bigint as _record, _file::varchar as _file from {quote(table)}"
        for table in sorted(batch.filed)
    ]
    frames = [f for f in batch.frames if not f.empty]
    if batch.records:
        frames.append(
            pd.DataFrame.from_records(batch.records, columns=[*columns, "_record", "_file"])
        )
    if frames:
        frame = pd.concat(frames, ignore_index=True)[[*columns, "_record", "_file"]]
        con.register("_lk_frame", frame.astype(object).where(frame.notna(), None))
        try:
            con.execute(
                f"create or replace temp table {FRAMES} as select {text},"
                " _record::bigint as _record, _file::varchar as _file from _lk_frame"
            )
        finally:
            con.unregister("_lk_frame")
        parts.append(f"select * from {FRAMES}")
    if not parts:
        return False
    con.execute(f"create or replace temp view {INCOMING} as " + " union all ".join(parts))
    return True


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    loaded_at: datetime,
    before: str | None,
    files: list[str],
    *,
    may_repeat: bool,
) -> tuple[dict[str, int], str | None, int, int]:
    """Insert the good rows not stored yet (by row hash).

    Returns rows new per file, the latest event among the good rows, how many new rows are
    older than ``before`` (the source's cursor before this load: late rows) and how many are
    new versions of an item stored before (by ``Source.identity``).
    """
    columns = source.columns
    listed = ", ".join(map(quote, columns))
    event = quote(source.event_column) if source.event_column else "null"
    latest = con.execute(
        f"select max({event})::varchar from {CHECKED} where _reason is null"
    ).fetchall()[0][0]
    # Rows of one batch that repeat each other (overlapping exports in one night) are rare:
    # only then does the insert pay for picking the first of each.
    row_hash = checks.row_hash_sql(source.rules)
    dupes = (
        may_repeat
        and con.execute(
            f"select count(*) - count(distinct {row_hash}) from {CHECKED} where _reason is null"
        ).fetchall()[0][0]
    )
    first_only = (
        "qualify row_number() over (partition by _row_hash order by _file, _record) = 1"
        if dupes
        else ""
    )
    con.execute(
        f"""
        insert into raw.{source.table} ({listed}, _source, _file, _record, _loaded_at, _row_hash)
        select {listed}, ?, _file, _record, ?, _row_hash
        from (
            select {listed}, _file, _record, {row_hash} as _row_hash
            from {CHECKED} where _reason is null
        ) as incoming
        where not exists (
            select 1 from raw.{source.table} as stored where stored._row_hash = incoming._row_hash
        )
        {first_only}
        """,
        [source.name, loaded_at],
    )
    # This load's rows are the newest row groups: the `_loaded_at` filter skips the others.
    counts = con.execute(
        f"select _file, count(*), count(*) filter (where {event} < ?) from raw.{source.table}"
        " where _loaded_at = ? and list_contains(?, _file) group by _file",
        [before, loaded_at, files],
    ).fetchall()
    late = sum(int(n) for _, _, n in counts) if before is not None and source.event_column else 0
    counts = [(name, n) for name, n, _ in counts]
    return (
        {str(name): int(n) for name, n in counts},
        latest,
        late,
        _versions(con, source, loaded_at, files),
    )


def _versions(
    con: duckdb.DuckDBPyConnection, source: Source, loaded_at: datetime, files: list[str]
) -> int:
    """Rows this batch inserted whose item has an earlier row (another load, file or record)."""
    if not source.identity:
        return 0
    same = " and ".join(f"old.{quote(c)} = new.{quote(c)}" for c in source.identity)
    return int(
        con.execute(
            f"select count(*) from raw.{source.table} as new"
            " where new._loaded_at = ? and list_contains(?, new._file) and exists ("
            f" select 1 from raw.{source.table} as old where {same}"
            " and (old._loaded_at, old._file, old._record)"
            " < (new._loaded_at, new._file, new._record))",
            [loaded_at, files],
        ).fetchall()[0][0]
    )


def _insert_checked_rejects(
    con: duckdb.DuckDBPyConnection, source: Source, at: datetime
) -> dict[str, int]:
    """Quarantine the rows validation turned down, with the content as exported."""
    con.execute(
        "insert into raw._quarantine select ?, _file, _record, _field, _reason, _content, ?"
        f" from {CHECKED} where _reason is not null order by _file, _record",
        [source.name, at],
    )
    counts = con.execute(
        f"select _file, count(*) from {CHECKED} where _reason is not null group by _file"
    ).fetchall()
    return {str(name): int(n) for name, n in counts}


def _insert_files(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    batch: _Batch,
    inserted: Mapping[str, int],
    bad_by_file: Mapping[str, int],
    stamp: datetime,
) -> None:
    # A file refused or unopenable has no content hash: nothing to remember it by, so it is
    # looked at again next night (and reported again until someone moves or fixes it).
    hashed = [f for f in batch.files if f.digest]
    if not hashed:
        return
    batch = replace(batch, files=hashed)
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


def _insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *, conflict: str = ""
) -> None:
    con.register("_frame", frame)
    try:
        con.execute(f"insert into {table} select * from _frame {conflict}")
    finally:
        con.unregister("_frame")


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
    con: duckdb.DuckDBPyConnection,
    source: str,
    rejects: list[Reject],
    at: datetime,
    unhashed: set[str],
) -> None:
    """Quarantine what the readers turned down. A file with no content hash (``unhashed``:
    refused or unopenable) is reported every night it is there, but quarantined once per reason."""
    if not rejects:
        return
    frame = pd.DataFrame(
        {
            "source": source,
            "file": [r.file for r in rejects],
            "record": [r.record for r in rejects],
            "field": [r.field for r in rejects],
            "reason": [printable(r.reason) for r in rejects],
            # A bounded excerpt, whatever the reader kept: a malformed CSV line can be 4 MB.
            "content": [r.content[: checks.CONTENT_CHARS] for r in rejects],
            "quarantined_at": at,
        }
    )
    con.register("_frame", frame)
    try:
        con.execute(
            "insert into raw._quarantine select * from _frame as new where not ("
            " list_contains(?, new.file) and exists (select 1 from raw._quarantine as old"
            " where old.source = new.source and old.file = new.file and old.record = 0"
            " and old.reason = new.reason))",
            [sorted(unhashed)],
        )
    finally:
        con.unregister("_frame")
