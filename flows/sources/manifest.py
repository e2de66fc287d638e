"""What each inbox file looked like when it was last hashed, so an unchanged file is not read again.

A night with nothing new used to hash every file the inbox ever received (45,651 files, 12 s at a
million items). The manifest keeps, per source and file path, the size, modification and change
times (nanoseconds) and inode the file had when it was hashed, and that hash. A file whose four
are unchanged has the same content, so its recorded hash stands in for reading it; any change
(rewritten in place, replaced by a rename, restored from a backup, touched) means hashing it again.

The listing still looks at every file (one ``lstat`` each, what the inbox boundary and the settle
check need anyway): skipping unchanged folders by their own modification time would miss an
export rewritten in place under the same name, which changes the file and not its folder.

The manifest is only a cache of hashes: whether a file is new is still decided by its hash being
among the files loaded (``raw._files``), so a manifest written ahead of a load that then crashed
makes the next night read the file, never skip it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import duckdb

# A file modified this close before it was hashed may change again within the same tick of the
# file system's clock, leaving its times as recorded (git's "racily clean" entries): such an
# entry is hashed again next night, after which it is trusted.
RACY_NS = 2_000_000_000

Stamp = tuple[int, int, int, int]


def stamp(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


@dataclass
class Manifest:
    """One source's files as last hashed; ``save`` writes what this run learnt."""

    source: str
    known: dict[str, tuple[Stamp, str, int]]
    listed_at_ns: int = field(default_factory=time.time_ns)
    present: set[str] = field(default_factory=set)
    learnt: dict[str, tuple[Stamp, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, source: str) -> Manifest:
        rows = con.execute(
            "select file, size_bytes, mtime_ns, ctime_ns, inode, content_sha256, hashed_at_ns"
            " from raw._inbox_manifest where source = ?",
            [source],
        ).fetchall()
        known = {r[0]: ((r[1], r[2], r[3], r[4]), r[5], r[6]) for r in rows}
        return cls(source, known)

    def digest(self, relative: str, info: os.stat_result) -> str | None:
        """The file's recorded hash if it is unchanged since then, else None (hash it)."""
        self.present.add(relative)
        entry = self.known.get(relative)
        if entry is None or entry[0] != stamp(info):
            return None
        if info.st_mtime_ns + RACY_NS > entry[2]:
            return None
        return entry[1]

    def record(self, relative: str, info: os.stat_result, digest: str) -> None:
        """The hash of the file as it was listed."""
        self.learnt[relative] = (stamp(info), digest)

    def save(self, con: duckdb.DuckDBPyConnection) -> None:
        """Forget files gone from the inbox; keep what was hashed this run (one transaction)."""
        gone = [file for file in self.known if file not in self.present]
        if not gone and not self.learnt:
            return
        files = list(self.learnt)
        columns = [[self.learnt[f][0][i] for f in files] for i in range(4)]
        con.begin()
        try:
            con.execute(
                "delete from raw._inbox_manifest where source = ?"
                " and file in (select unnest(?::varchar[]))",
                [self.source, gone + files],
            )
            con.execute(
                "insert into raw._inbox_manifest select ?, unnest(?::varchar[]),"
                " unnest(?::bigint[]), unnest(?::bigint[]), unnest(?::bigint[]),"
                " unnest(?::bigint[]), unnest(?::varchar[]), ?",
                [
                    self.source,
                    files,
                    *columns,
                    [self.learnt[f][1] for f in files],
                    self.listed_at_ns,
                ],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
