"""Reading the very file the inbox listing saw, whatever happens to its name meanwhile.

The listing refuses links, but a name can change between the listing and the read: a file
swapped for a symbolic link to ``/etc/passwd`` a moment later would otherwise be read through
the link. So a listed file is opened once, walking down from its source folder without following
any link (``O_NOFOLLOW`` on every step), and the open file's identity (device and inode) is
checked against what the listing saw. Everything after that (the hash, the reader, DuckDB) reads
that open file through ``/proc/self/fd``, under a name of the same file name in a private folder,
so swapping or renaming the inbox entry or a folder above it changes nothing that is read.

A file with other names (a hard link: ``st_nlink > 1``) is refused too: a hard link to a file
outside the inbox is the same trick as a symbolic one, and no exporter writes hard links.
Where ``/proc/self/fd`` does not exist (not Linux), readers open the inbox path after the check,
which narrows the window to the read itself.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.sources.base import FileRefused

_PROC_FD = Path("/proc/self/fd")
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO swapped in after the listing must not hang the open (it is then refused).
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

LINKED_REASON = "became a symbolic link after it was listed; refused unread"
NOT_A_FOLDER_REASON = "is no longer a folder (a link or a file now); refused unread"
REPLACED_REASON = "was replaced by something that is not a regular file after it was listed"
HARD_LINK_REASON = (
    "has other names on the file system (a hard link), refused unread: the inbox reads only"
    " files of its own (copy the export in)"
)


class ChangedSinceListed(Exception):
    """A new regular file took the listed name (an exporter's rename): read it next run."""


def open_listed(folder: Path, path: Path, listed: os.stat_result) -> int:
    """A descriptor on the file the listing saw at ``path`` (below source ``folder``).

    Raises ``FileRefused`` for a link or anything not a regular file met on the way,
    ``ChangedSinceListed`` when another regular file now has the name, and ``OSError`` when it
    cannot be opened (permissions, gone).
    """
    parts = path.relative_to(folder).parts
    directory = os.open(folder, _DIRECTORY)
    try:
        for part in parts[:-1]:
            below = _open_step(part, _DIRECTORY, directory)
            os.close(directory)
            directory = below
        fd = _open_step(parts[-1], _FILE, directory)
    finally:
        os.close(directory)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"{path.name}: {REPLACED_REASON}")
        if (info.st_dev, info.st_ino) != (listed.st_dev, listed.st_ino):
            raise ChangedSinceListed(path)
        if info.st_nlink > 1:
            raise FileRefused(f"{path.name}: {HARD_LINK_REASON}")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_step(name: str, flags: int, directory: int) -> int:
    try:
        return os.open(name, flags, dir_fd=directory)
    except OSError as exc:
        # O_NOFOLLOW on a link gives ELOOP, or ENOTDIR with O_DIRECTORY (as a file does).
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        linked = exc.errno == errno.ELOOP or _is_link(name, directory)
        raise FileRefused(f"{name}: {LINKED_REASON if linked else NOT_A_FOLDER_REASON}") from None


def _is_link(name: str, directory: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=directory).st_mode)
    except OSError:
        return False


@contextmanager
def read_path(fd: int, path: Path, scratch: Path, slot: int = 0) -> Iterator[Path]:
    """A path named like ``path`` that reads the open file ``fd`` (``path`` itself without
    ``/proc/self/fd``). ``scratch`` is a private folder the caller made for these names;
    ``slot`` tells apart files open at the same time (their names may be the same)."""
    if not _PROC_FD.is_dir():
        yield path
        return
    # A folder per slot, made once and reused: making and removing one per file costs more
    # than reading a small file.
    own = scratch / str(slot)
    own.mkdir(exist_ok=True)
    link = own / path.name
    link.symlink_to(_PROC_FD / str(fd))
    try:
        yield link
    finally:
        link.unlink(missing_ok=True)


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A private folder for ``read_path``'s names, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="loopkeeper-read-") as folder:
        yield Path(folder)
