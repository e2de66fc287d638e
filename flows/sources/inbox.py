"""An inbox folder's new files, read: which files are new (by content hash) and their rows.

A file is new when its sha256 is not among the files a source has loaded. A file unchanged since
it was last hashed takes its hash from the manifest (``flows.sources.manifest``) unopened. A big export of a size
never loaded is hashed on a second thread while DuckDB reads it (the read is the slow part and
is needed anyway); any other file is hashed first and skipped unread if its content was loaded
(same content, same size: a re-delivered export never pays a read). A reader of many files
(``flows.sources.grouped``) gets the new files a group at a time.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple

import duckdb

from flows.sources.base import (
    FileRefused,
    FileUnreadable,
    ReadResult,
    Source,
    Staged,
    printable,
    quote,
)
from flows.sources.grouped import GROUP_BYTES, GROUP_FILES, ReadsMany
from flows.sources.manifest import Manifest
from flows.sources.pinning import ChangedSinceListed, open_listed, read_path, scratch_folder

# Files at least this big and of a size not loaded before are hashed while they are read.
OVERLAP_BYTES = 8 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Listed(NamedTuple):
    """A file of the inbox as listed: its folder and name, what ``lstat`` said of it, and its
    path relative to the inbox (``/``-separated, the manifest's and raw's name for it)."""

    folder: Path
    name: str
    info: os.stat_result
    relative: str

    @property
    def path(self) -> Path:
        return self.folder / self.name


def inbox_files(
    inbox: Path, source: Source, settle_seconds: float = 0.0
) -> tuple[list[Listed], list[tuple[Path, str]], list[Path]]:
    """The files of a source's folder to read, in path order, the ones refused with the reason,
    and the ones still arriving (modified in the last ``settle_seconds``), left for the next
    run.

    The inbox is a boundary: only regular files inside it are read. A symbolic link (wherever it
    points), a folder that resolves outside the inbox, a FIFO or a device is refused unopened,
    so no byte of it reaches raw, the quarantine or the summary. Dot-files and ``*.partial``
    files are skipped: a file being written under such a name and renamed when complete
    (write-then-rename) is read only once it is whole; so are Office lock files and editors'
    backups. A file of a format the source does not read (``nps/responses.xlsx``) is refused
    with the reason, every night it stays.
    """
    folder = inbox / source.name
    if not folder.is_dir():
        return [], [], []
    root = inbox.resolve()
    if folder.is_symlink() or not folder.resolve().is_relative_to(root):
        why = f"{source.name}/: the folder is a link or lies outside the inbox"
        return [], [(folder, why)], []
    # A file written to in the last `settle_seconds` may still be growing: a truncated last row
    # would load, and the complete one a night later would be a new version of it.
    settled_before = time.time() - settle_seconds
    files: list[tuple[tuple[str, ...], Listed]] = []
    refused: list[tuple[Path, str]] = []
    waiting: list[Path] = []
    # A million-item inbox holds ~45,000 files: each is looked at through its name (one lstat),
    # and a Path is made only of a file read or refused: pathlib took most of a quiet night's
    # 1.2 s listing.
    for directory, subfolders, names in os.walk(folder):
        here = Path(directory)
        within = Path(os.path.relpath(directory, inbox)).as_posix()
        parts = here.parts
        for sub in list(subfolders):
            if (here / sub).is_symlink():
                subfolders.remove(sub)
                refused.append((here / sub, "a link to a folder; the inbox reads only its own"))
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        for name in names:
            if name.startswith(".") or _litter(name):
                continue
            if _suffix(name).lower() not in source.suffixes:
                # An Excel workbook or a tab-separated export dropped here is not silently left:
                # whoever dropped it would think it loaded.
                refused.append((here / name, _other_format(here / name, source)))
                continue
            try:
                info = os.lstat(os.path.join(directory, name))
            except OSError as exc:
                refused.append((here / name, f"cannot be looked at: {exc.strerror or exc}"))
                continue
            if stat.S_ISLNK(info.st_mode):
                refused.append((here / name, LINK_REASON))
            elif not stat.S_ISREG(info.st_mode):
                refused.append((here / name, "not a regular file (a FIFO, socket or device)"))
            elif settle_seconds and info.st_mtime > settled_before:
                waiting.append(here / name)
            else:
                # sorted by its parts: the order of the paths themselves
                files.append(((*parts, name), Listed(here, name, info, f"{within}/{name}")))
    files.sort(key=lambda entry: entry[0])
    return [listed for _, listed in files], sorted(refused), sorted(waiting)


def _suffix(name: str) -> str:
    """``Path(name).suffix``: from the last dot, unless the name starts or ends with it."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


# Names no exporter writes and nobody means as data: files being written under a temporary name
# (``*.partial``, read once renamed), Office's lock files (``~$book.xlsx``), editors' backups
# (``notes.md~``) and the folder files Windows leaves.
LITTER_NAMES = frozenset({"thumbs.db", "desktop.ini"})


def _litter(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered.endswith((".partial", "~")) or lowered.startswith("~$") or lowered in LITTER_NAMES
    )


def _other_format(path: Path, source: Source) -> str:
    kind = f"a {path.suffix} file" if path.suffix else "a file without an extension"
    takes = " or ".join(source.suffixes)
    return f"{kind} is not read here: {source.name}/ takes {takes} files (save or export it as {source.suffixes[0]})"


LINK_REASON = (
    "a symbolic link, refused unread: the inbox reads only files inside it (copy the export in)"
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
    on_wait: Callable[[Path], None] | None = None,
    settle_seconds: float = 0.0,
    manifest: Manifest | None = None,
) -> Iterator[list[Read]]:
    """The files whose content was not loaded before, read: (path, sha256, size, rows or why
    not), one at a time, or a group at a time for a reader of many files.

    A file the ``manifest`` holds unchanged since it was hashed, with a hash already loaded, is
    skipped without being opened; every hash computed is recorded in it. Any other file is
    opened once, as listed (``flows.sources.pinning``), and hashed and read through that open
    file only.
    """
    grouped: list[tuple[Path, Path, str, int]] = []
    held = ExitStack()  # the open files of the group being gathered
    many = source.read if isinstance(source.read, ReadsMany) else None
    folder = inbox / source.name
    files, refused, waiting = inbox_files(inbox, source, settle_seconds)
    for path in waiting:
        if on_wait:
            on_wait(path)
    for path, why in refused:
        yield [(path, "", 0, FileRefused(f"{path.name}: {why}"), False)]
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as hasher,
        scratch_folder() as scratch,
        held,
    ):
        for listed in files:
            info, relative = listed.info, listed.relative
            if on_file:
                on_file(listed.path)
            if manifest is not None and manifest.digest(relative, info) in seen:
                on_skip()
                continue
            path = listed.path
            size = info.st_size
            # A small file of a format parsed in Python is read into memory once, from the file
            # opened: its hash and its rows come from the same bytes, with no name to read it
            # through (at a million items, 44,000 notes: each read once instead of twice).
            in_memory = source.read_data is not None and many is None and size < OVERLAP_BYTES
            # One file's fault is that file's: a file that cannot be opened or hashed (no read
            # permission, gone since it was listed) is reported and the others still load.
            opened = ExitStack()
            try:
                fd = open_listed(folder, path, info)
                opened.callback(os.close, fd)
                if not in_memory:
                    reading = opened.enter_context(read_path(fd, path, scratch, len(grouped)))
            except ChangedSinceListed:
                opened.close()
                if on_wait:
                    on_wait(path)
                continue
            except FileRefused as exc:
                opened.close()
                yield [(path, "", 0, exc, False)]
                continue
            except Exception as exc:
                opened.close()
                yield [(path, "", 0, FileUnreadable(unreadable_reason(path, exc)), False)]
                continue
            read: ReadResult | Exception
            if in_memory:
                try:
                    with opened:
                        data = read_open_file(fd)
                except Exception as exc:
                    yield [(path, "", 0, FileUnreadable(unreadable_reason(path, exc)), False)]
                    continue
                digest = hashlib.sha256(data).hexdigest()
                if manifest is not None:
                    manifest.record(relative, info, digest)
                if digest in seen:
                    on_skip()
                    continue
                seen.add(digest)
                read = read_data(source, data, path)
            elif many is not None or size < OVERLAP_BYTES or size in sizes:
                try:
                    digest = file_sha256(reading)
                except Exception as exc:
                    opened.close()
                    yield [(path, "", 0, FileUnreadable(unreadable_reason(path, exc)), False)]
                    continue
                if manifest is not None:
                    manifest.record(relative, info, digest)
                if digest in seen:
                    opened.close()
                    on_skip()
                    continue
                seen.add(digest)
                if many is not None:
                    held.enter_context(opened)
                    grouped.append((path, reading, digest, size))
                    if len(grouped) >= GROUP_FILES or sum(g[3] for g in grouped) >= GROUP_BYTES:
                        yield read_group(many, source, inbox, grouped, con)
                        grouped = []
                        held.close()
                    continue
                with opened:
                    read = read_file(source, reading, con)
            else:
                with opened:
                    pending = hasher.submit(file_sha256, reading)
                    read = read_file(source, reading, con)
                    try:
                        digest = pending.result()
                    except Exception as exc:
                        discard(con, read)
                        yield [(path, "", 0, FileUnreadable(unreadable_reason(path, exc)), False)]
                        continue
                if manifest is not None:
                    manifest.record(relative, info, digest)
                if digest in seen:
                    discard(con, read)
                    on_skip()
                    continue
                seen.add(digest)
            sizes.add(size)
            yield [(path, digest, size, read, False)]
        if many is not None and grouped:
            yield read_group(many, source, inbox, grouped, con)


def unreadable_reason(path: Path, exc: BaseException) -> str:
    """Why one file could not be read, in a line that names the file and never its content."""
    name = printable(path.name)
    if isinstance(exc, FileUnreadable):
        return printable(str(exc))
    if isinstance(exc, PermissionError):
        return f"{name}: cannot be read: permission denied (check the file's owner and mode)"
    if isinstance(exc, OSError):
        return f"{name}: cannot be read: {exc.strerror or type(exc).__name__}"
    if isinstance(exc, RecursionError):
        return f"{name}: cannot be read: nested too deeply to parse"
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return printable(f"{name}: cannot be read: {type(exc).__name__}: {first}".rstrip(": "))


def read_open_file(fd: int) -> bytes:
    """Every byte of the open file ``fd``, from its start."""
    chunks: list[bytes] = []
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def read_group(
    many: ReadsMany,
    source: Source,
    inbox: Path,
    group: list[tuple[Path, Path, str, int]],
    con: duckdb.DuckDBPyConnection,
) -> list[Read]:
    """A group read in one go; a file the group read leaves out is read alone. Each entry is
    (inbox path, the path its open file is read through, sha256, size)."""
    files = [(reading, path.relative_to(inbox).as_posix()) for path, reading, _, _ in group]
    try:
        reads: list[ReadResult | None] = many.many(files, source, con)
    except Exception:
        reads = [None] * len(group)
    return [
        (path, digest, size, read_file(source, reading, con), False)
        if read is None
        else (path, digest, size, read, True)
        for (path, reading, digest, size), read in zip(group, reads, strict=True)
    ]


def read_file(source: Source, path: Path, con: duckdb.DuckDBPyConnection) -> ReadResult | Exception:
    """The file's rows, or why it cannot be read (the whole file is then quarantined).

    Any error is the file's own (a reader's bug included): it is reported with its reason and
    the night goes on with the other files.
    """
    try:
        return source.read(path, source, con)
    except Exception as exc:
        return unreadable(path, exc, file_head(path))


def read_data(source: Source, data: bytes, path: Path) -> ReadResult | Exception:
    """The rows of a file read into memory (``Source.read_data``), or why it cannot be read,
    as ``read_file`` gives them."""
    assert source.read_data is not None
    try:
        return source.read_data(data, path, source)
    except Exception as exc:
        return unreadable(path, exc, head_text(data))


def unreadable(path: Path, exc: Exception, head: str) -> FileUnreadable:
    """A file that failed whole: why, and its head for the quarantine."""
    failed = FileUnreadable(unreadable_reason(path, exc))
    failed.head = head
    return failed


# What the quarantine keeps of a file that could not be read at all: its head, for a person to
# see what it is; never a whole file (it may be anything at all that was dropped in the inbox).
EXCERPT_BYTES = 2_000


def file_head(path: Path) -> str:
    """The first ``EXCERPT_BYTES`` of a file being read (through its open file), as text."""
    try:
        with path.open("rb") as handle:
            head = handle.read(EXCERPT_BYTES)
    except OSError:
        return ""
    return head_text(head)


def head_text(data: bytes) -> str:
    """The first ``EXCERPT_BYTES`` of a file's bytes, as text."""
    return data[:EXCERPT_BYTES].decode("utf-8", errors="replace")


def discard(con: duckdb.DuckDBPyConnection, read: ReadResult | Exception) -> None:
    """Drop what a read staged for a file that turned out to be loaded already."""
    if isinstance(read, ReadResult) and isinstance(read.rows, Staged):
        con.execute(f"drop view if exists {quote(read.rows.table)}")
        if read.rows.backing:
            con.execute(f"drop table if exists {quote(read.rows.backing)}")
