"""An inbox folder's new files, read: which files are new (by content hash) and their rows.

A file is new when its sha256 is not among the files a source has loaded. A big export of a size
never loaded is hashed on a second thread while DuckDB reads it (the read is the slow part and
is needed anyway); any other file is hashed first and skipped unread if its content was loaded
(same content, same size: a re-delivered export never pays a read). A reader of many files
(``flows.sources.grouped``) gets the new files a group at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from flows.sources.base import FileUnreadable, ReadResult, Source, Staged, quote
from flows.sources.grouped import GROUP_BYTES, GROUP_FILES, ReadsMany

# Files at least this big and of a size not loaded before are hashed while they are read.
OVERLAP_BYTES = 8 << 20


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


# (file, sha256, size, its rows or why not, whether staged rows name their file in `_file`)
Read = tuple[Path, str, int, ReadResult | Exception, bool]


def new_files(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    source: Source,
    seen: set[str],
    sizes: set[int],
    *,
    on_file: Callable[[Path], None] | None,
    on_skip: Callable[[], None],
) -> Iterator[list[Read]]:
    """The files whose content was not loaded before, read: (path, sha256, size, rows or why
    not), one at a time, or a group at a time for a reader of many files."""
    grouped: list[tuple[Path, str, int]] = []
    many = source.read if isinstance(source.read, ReadsMany) else None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as hasher:
        for path in inbox_files(inbox, source):
            if on_file:
                on_file(path)
            size = path.stat().st_size
            if many is not None or size < OVERLAP_BYTES or size in sizes:
                digest = file_sha256(path)
                if digest in seen:
                    on_skip()
                    continue
                seen.add(digest)
                if many is not None:
                    grouped.append((path, digest, size))
                    if len(grouped) >= GROUP_FILES or sum(g[2] for g in grouped) >= GROUP_BYTES:
                        yield read_group(many, source, inbox, grouped, con)
                        grouped = []
                    continue
                read: ReadResult | Exception = read_file(source, path, con)
            else:
                pending = hasher.submit(file_sha256, path)
                read = read_file(source, path, con)
                digest = pending.result()
                if digest in seen:
                    discard(con, read)
                    on_skip()
                    continue
                seen.add(digest)
            sizes.add(size)
            yield [(path, digest, size, read, False)]
    if many is not None and grouped:
        yield read_group(many, source, inbox, grouped, con)


def read_group(
    many: ReadsMany,
    source: Source,
    inbox: Path,
    group: list[tuple[Path, str, int]],
    con: duckdb.DuckDBPyConnection,
) -> list[Read]:
    """A group read in one go; a file the group read leaves out is read alone."""
    files = [(path, path.relative_to(inbox).as_posix()) for path, _, _ in group]
    try:
        reads: list[ReadResult | None] = many.many(files, source, con)
    except (FileUnreadable, duckdb.Error, ValueError, OSError):
        reads = [None] * len(group)
    return [
        (path, digest, size, read_file(source, path, con), False)
        if read is None
        else (path, digest, size, read, True)
        for (path, digest, size), read in zip(group, reads, strict=True)
    ]


def read_file(source: Source, path: Path, con: duckdb.DuckDBPyConnection) -> ReadResult | Exception:
    """The file's rows, or why it cannot be read (the whole file is then quarantined)."""
    try:
        return source.read(path, source, con)
    except (FileUnreadable, duckdb.Error, ValueError, OSError) as exc:
        return exc


def discard(con: duckdb.DuckDBPyConnection, read: ReadResult | Exception) -> None:
    """Drop what a read staged for a file that turned out to be loaded already."""
    if isinstance(read, ReadResult) and isinstance(read.rows, Staged):
        con.execute(f"drop view if exists {quote(read.rows.table)}")
        if read.rows.backing:
            con.execute(f"drop table if exists {quote(read.rows.backing)}")
