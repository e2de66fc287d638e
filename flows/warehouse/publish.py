"""Publishing: runs write a private working copy; analysts read the published warehouse file.

DuckDB allows one read-write process or many read-only ones per file, never both.
So a run never opens the published file: every stage writes the working copy, and only when the
whole night has succeeded is that copy checkpointed, copied beside the published file, flushed to
disk and renamed over it. rename(2) is atomic: a new connection opens last night or tonight, never
a half-built warehouse, and a reader already connected keeps reading the file it opened (its inode
lives until it disconnects). A run that fails publishes nothing, so analysts keep the last good night.

A night rewrites a small part of the file (a quiet night of the million-item bench, ~10% of its
blocks), yet copying it whole and flushing all of it to disk took 4.7-9.2 s of such nights. So
the file a publish replaces is kept beside it (``.<name>.spare``, see ``spare_path``), and a
later publish rewrites in it only the blocks that differ from the working copy, then renames it
over the published file as before. Only a spare no reader has open any more is rewritten: DuckDB
holds a lock on every file it has open, which the publish's own lock would conflict with (an
open file description lock: it also sees the readers of this very process). Otherwise, and
where the system has no such locks, the working copy is copied whole. The disk then holds the
warehouse three times (the working copy, the published file and the spare) instead of twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import struct
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from flows.settings.config import Settings

WORK_DIR_NAME = ".work"


class PublishError(RuntimeError):
    """The working copy could not be published; the published warehouse is unchanged."""


class RunInProgress(RuntimeError):
    """Another nightly or backfill holds the working copy."""


@dataclass(frozen=True)
class Published:
    path: Path
    bytes: int
    seconds: float
    # The file the last publish replaced was still open in a reader, so the working copy was
    # copied whole: a connection left open across nights costs every publish that copy.
    spare_held: bool = False


def work_path(warehouse: Path, work_dir: Path | None = None) -> Path:
    """The working copy runs write: same file name as the published warehouse, in ``work_dir``.

    The same name keeps the database name dbt-duckdb derives from the file's stem the same in
    both files, so nothing compiled against one can name a catalog the other lacks.
    """
    return (work_dir or warehouse.parent / WORK_DIR_NAME) / warehouse.name


def wal_path(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def spare_path(warehouse: Path) -> Path:
    """The file the last publish replaced, which the next one rewrites where it differs."""
    return warehouse.with_name(f".{warehouse.name}.spare")


def _lock_path(work: Path) -> Path:
    return work.with_name(work.name + ".lock")


def warehouse_lock_path(warehouse: Path) -> Path:
    """The lock every run on this published warehouse takes, whatever its ``work_dir``."""
    return warehouse.with_name(f".lock.{warehouse.name}")


def mail_lock_path(mail_dir: Path) -> Path:
    """The lock of a mail folder, beside it: a folder that cannot be written is a delivery
    failure of the night, not a reason to refuse the run."""
    return mail_dir.with_name(f".{mail_dir.name}.lock")


@contextmanager
def run_lock(
    work: Path, warehouse: Path | None = None, mail_dir: Path | None = None
) -> Iterator[None]:
    """Hold the published warehouse, the mail folder and the working copy for one run.

    A second run fails at once instead of interleaving, whatever its ``work_dir``: two runs on
    one warehouse would send the same messages and publish over each other. The published
    warehouse is locked first, so a refused run creates nothing.
    """
    with ExitStack() as held:
        if warehouse is not None:
            held.enter_context(_locked(warehouse_lock_path(warehouse), required=True))
        if mail_dir is not None:
            held.enter_context(_locked(mail_lock_path(mail_dir), required=False))
        held.enter_context(_locked(_lock_path(work), required=True))
        yield


# Locks this process took for a run it then starts (``held_for_run``): the run's own
# ``run_lock`` on the same paths passes through them instead of refusing itself.
_HANDED_ON: set[Path] = set()


@contextmanager
def held_for_run(settings: Settings) -> Iterator[None]:
    """Take the night's locks and keep them until the run this process starts has ended.

    The command line takes them before Prefect starts (a refusal is then one line, not a flow
    run's traceback) and holds them across the flow, so no second run can slip in between its
    check and the flow taking the same locks: the flow's ``night_lock`` here passes through.
    """
    paths = _night_paths(settings)
    with run_lock(*paths):
        locks = {
            _lock_key(path)
            for path in (
                _lock_path(paths[0]),
                warehouse_lock_path(paths[1]),
                *([mail_lock_path(paths[2])] if paths[2] is not None else []),
            )
        }
        _HANDED_ON.update(locks)
        try:
            yield
        finally:
            _HANDED_ON.difference_update(locks)


def _lock_key(path: Path) -> Path:
    return Path(os.path.abspath(path))


@contextmanager
def _locked(path: Path, *, required: bool) -> Iterator[None]:
    """flock ``path``; an optional lock whose file cannot be made is skipped; a lock this
    process holds for the run it started (``held_for_run``) is already held."""
    if _lock_key(path) in _HANDED_ON:
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
    except OSError:
        if required:
            raise
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(
                "another nightly or backfill is writing this warehouse or mail folder"
                f" (it holds {path}); wait for it to end"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def night_lock(settings: Settings) -> AbstractContextManager[None]:
    """The lock one run holds: on the published warehouse, the mail folder the file sender
    writes and the working copy, so two runs never overlap whatever their ``work_dir``."""
    return run_lock(*_night_paths(settings))


def warehouse_lock(settings: Settings) -> AbstractContextManager[None]:
    """The lock of a command that changes the runs' warehouse but writes no mail (`loopkeeper
    outbox`, `loopkeeper quarantine`): the published warehouse and the working copy, so it
    never overlaps a run on them, whatever that run's ``work_dir``. The mail folder is left
    free: another warehouse's night may be writing it, and the command has nothing to wait for
    there."""
    paths = _night_paths(settings)
    return run_lock(paths[0], paths[1])


def _night_paths(settings: Settings) -> tuple[Path, Path, Path | None]:
    """The working copy, the published warehouse and the mail folder (if files are the mail)."""
    mail_dir = settings.mail_dir if settings.mail_sender == "file" else None
    return work_path(settings.warehouse, settings.work_dir), settings.warehouse, mail_dir


def run_in_progress(work: Path, warehouse: Path | None = None) -> bool:
    """Whether a run holds the working copy or the published warehouse (for `loopkeeper status`)."""
    locks = [_lock_path(work)] + ([warehouse_lock_path(warehouse)] if warehouse else [])
    return any(_is_locked(lock) for lock in locks)


def _is_locked(lock: Path) -> bool:
    if not lock.exists():
        return False
    # Read-only is enough for flock, so an analyst without write access to the folder can ask.
    with lock.open("r") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def seed_work_copy(warehouse: Path, work: Path) -> bool:
    """Start the working copy from the published warehouse when there is none yet.

    That is the first run after upgrading from a warehouse written in place, or after the working
    copy was deleted. Returns whether it seeded. A WAL left beside an in-place warehouse holds
    committed data, so it travels with the file and DuckDB replays it on first open.
    """
    if work.exists() or not warehouse.exists():
        return False
    work.parent.mkdir(parents=True, exist_ok=True)
    # A WAL left by a seed that died half-way must not be replayed onto a different file.
    wal_path(work).unlink(missing_ok=True)
    for source, target in ((wal_path(warehouse), wal_path(work)), (warehouse, work)):
        if source.exists():
            partial = target.with_name(target.name + ".seeding")
            shutil.copyfile(source, partial)
            os.replace(partial, target)
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(work: Path, warehouse: Path) -> Published:
    """Switch analysts to the working copy's state: checkpoint, copy, fsync, rename over."""
    started = time.perf_counter()
    if not work.exists():
        raise PublishError(f"{work}: no working copy to publish")
    # Every committed change goes into the main file, so the file alone is the whole warehouse.
    with duckdb.connect(str(work)) as con:
        con.execute("checkpoint")
    wal = wal_path(work)
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(
            f"{wal}: still holds changes after a checkpoint (is another process writing {work}?)"
        )
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # What a publish killed half-way left (under the run's lock, no other publish is running)
    left = re.compile(rf"\.{re.escape(warehouse.name)}\.[0-9]+\.(new|replaced)")
    for path in warehouse.parent.iterdir():
        if left.fullmatch(path.name):
            path.unlink(missing_ok=True)
    # Same folder as the target: rename is only atomic within one file system.
    staged = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.new")
    replaced = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.replaced")
    try:
        spare = _rewrite_spare(work, spare_path(warehouse), staged)
        if spare != "rewritten":
            shutil.copyfile(work, staged)
        if warehouse.exists():
            shutil.copymode(warehouse, staged)  # keep whatever access an admin gave analysts
        _fsync(staged)
        _check_opens(staged)
        # A WAL beside an in-place warehouse belongs to the old file; a new reader would replay it
        # onto the new one. Removed first, a reader in between sees the old file's checkpoint.
        wal_path(warehouse).unlink(missing_ok=True)
        _keep_as(warehouse, replaced)
        os.replace(staged, warehouse)
        if replaced.exists():
            os.replace(replaced, spare_path(warehouse))
        _fsync(warehouse.parent)
    except BaseException:
        staged.unlink(missing_ok=True)
        replaced.unlink(missing_ok=True)
        raise
    return Published(
        warehouse,
        warehouse.stat().st_size,
        time.perf_counter() - started,
        spare_held=spare == "held",
    )


# The unit a publish compares and rewrites in the spare: DuckDB writes in 256 KiB blocks, and a
# larger unit costs fewer system calls for the same bytes compared.
SPARE_UNIT = 1 << 20


def _rewrite_spare(work: Path, spare: Path, staged: Path) -> str:
    """Make the spare, renamed ``staged``, byte for byte the working copy, writing only the
    units that differ: "rewritten"; otherwise the spare is left as it was: "held" while a
    reader still has it open, "none" when there is none (or the system has no open file
    description locks)."""
    if not hasattr(fcntl, "F_OFD_SETLK"):
        return "none"
    try:
        # not through a link someone put in its place: only a file of the folder's own is written
        fd = os.open(spare, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return "none"
    try:
        try:  # a write lock on the whole file, refused while any reader holds its lock
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))
        except OSError:
            return "held"
        os.replace(spare, staged)
        with work.open("rb", buffering=0) as source:
            size = os.fstat(source.fileno()).st_size
            for offset in range(0, size, SPARE_UNIT):
                wanted = os.pread(source.fileno(), SPARE_UNIT, offset)
                if os.pread(fd, len(wanted), offset) != wanted:
                    _write_at(fd, wanted, offset)
        os.ftruncate(fd, size)
    finally:
        os.close(fd)  # and the lock with it: the check that the copy opens takes its own
    return "rewritten"


def _write_at(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view, offset)
        view, offset = view[done:], offset + done


def _keep_as(warehouse: Path, replaced: Path) -> None:
    """A second name for the published file, which becomes the spare once it is replaced; a file
    system without hard links keeps no spare."""
    replaced.unlink(missing_ok=True)
    if warehouse.exists():
        with contextlib.suppress(OSError):
            os.link(warehouse, replaced)


def _check_opens(database: Path) -> None:
    """Open the copy read-only and read its catalog: a damaged copy fails here, not for analysts."""
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            con.execute("select count(*) from duckdb_tables()").fetchall()
    except duckdb.Error as exc:
        raise PublishError(f"{database}: the copy to publish does not open: {exc}") from exc
