"""How wide a CSV export's lines are, checked before DuckDB reads it.

DuckDB's CSV reader takes time quadratic in the number of fields of a malformed row: one row of
5,000 extra fields costs 1.9 s, 20,000 cost 16 s, 40,000 a minute, and a file can hold many such
rows. No export the inbox reads has anywhere near ``MAX_FIELDS`` columns, so a file with a line
that wide is refused whole, naming the line, before DuckDB sees it: one file's fault stays a
line in the summary, never a night that does not end.

The scan reads the file once more, in large chunks: lines shorter than ``MAX_FIELDS`` bytes cannot
hold that many fields and are passed over by their length alone (numpy finds the line ends), so
only long lines (a long comment, or the attack) have their fields counted, outside quotes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy

from flows.sources.base import FileUnreadable, printable

# More fields on one line than any export has columns: DuckDB reads this many in about 0.3 s.
MAX_FIELDS = 2_000
_CHUNK = 4 << 20
# Of a line longer than DuckDB reads (4 MB), this much is enough to judge it.
_HELD = 8 << 20
_QUOTED = re.compile(rb'"(?:[^"]|"")*"')


def check_line_widths(path: Path) -> None:
    """Raise ``FileUnreadable`` naming the first line with more than ``MAX_FIELDS`` fields."""
    number = 0  # lines ended before the current one
    pending = b""  # the start of the line the last chunk ended in
    judged = False  # that line outgrew _HELD and was judged on its start

    def extend(piece: bytes) -> None:
        nonlocal pending, judged
        if judged:
            return
        pending += piece
        if len(pending) > _HELD:
            _check(path, number + 1, pending)
            pending, judged = b"", True

    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            ends = numpy.flatnonzero(numpy.frombuffer(chunk, numpy.uint8) == 0x0A)
            if len(ends) == 0:
                extend(chunk)
                continue
            extend(chunk[: int(ends[0])])
            if not judged and len(pending) >= MAX_FIELDS:
                _check(path, number + 1, pending)
            number += 1
            # Lines wholly inside the chunk: only those long enough are looked at.
            starts, stops = ends[:-1] + 1, ends[1:]
            for index in numpy.flatnonzero(stops - starts >= MAX_FIELDS):
                _check(path, number + int(index) + 1, chunk[starts[index] : stops[index]])
            number += len(ends) - 1
            pending, judged = chunk[int(ends[-1]) + 1 :], False
    if not judged and len(pending) >= MAX_FIELDS:
        _check(path, number + 1, pending)


def _check(path: Path, line: int, text: bytes) -> None:
    if text.count(b",") < MAX_FIELDS:
        return
    fields = _QUOTED.sub(b"", text).count(b",") + 1
    if fields > MAX_FIELDS:
        what = "the header" if line == 1 else f"line {line}"
        raise FileUnreadable(
            f"{printable(path.name)}: {what} has {fields:,} fields, more than any export has"
            f" columns ({MAX_FIELDS:,}); the file is not read (an export cut or joined wrongly?)"
        )
