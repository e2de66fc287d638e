"""Readers that read a group of files in one go: many small exports, one DuckDB scan.

The loader hands such a reader the new files of a folder a group at a time (hashed, not loaded
before) and writes each group's files in the same batch, so rows a group shares in DuckDB are
dropped together. A file the group read leaves as None is read alone, through the reader's
one-file call and the loader's usual quarantine of a file that cannot be read. Staged rows the
files share are validated in one scan, where a view per file would cost a pipeline (and a
thread) per file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import duckdb

from flows.sources.base import ReadResult, Source

# A group's files are in memory together while they are parsed: a few dozen MB at most.
GROUP_FILES = 128
GROUP_BYTES = 64 << 20


@runtime_checkable
class ReadsMany(Protocol):
    def __call__(self, path: Path, source: Source, con: duckdb.DuckDBPyConnection) -> ReadResult:
        """One file, as any reader reads it."""
        ...

    def many(
        self, files: list[tuple[Path, str]], source: Source, con: duckdb.DuckDBPyConnection
    ) -> list[ReadResult | None]:
        """Each (file, the name its rows are filed under) in order: the file's rows, or None to
        read that file alone. Rows staged here may be shared by the group's files (the same
        ``Staged.table``, with a ``_file`` column holding the name); ``count`` is the file's own."""
        ...
