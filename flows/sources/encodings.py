"""Text encodings exports come in, beside UTF-8: Windows-1252, and UTF-8 with a few stray bytes.

Excel's "CSV" on Windows writes Windows-1252 (smart quotes, `€`, en dashes in 0x80-0x9F, where
Latin-1 has control characters); Latin-1 text is Windows-1252 text too, except for five bytes
Windows-1252 leaves undefined, read here as Latin-1 reads them. So no byte of such a file is lost.

A file that is mostly good UTF-8 (it has characters beyond ASCII that decode) with a few bytes
that do not is UTF-8 with damage, not another encoding: its good rows load and the rows holding
the stray bytes are quarantined, each naming the byte's offset. A file with no UTF-8 character
beyond ASCII that decodes, and bytes that do not, is Windows-1252. The files are read in chunks:
a large export is never in memory whole.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_BYTES = 16 << 20
# Offsets kept for the rejects; past this many the file is damaged beyond "a few" anyway.
MAX_FAULTS = 10_000


def _as_latin1(error: UnicodeError) -> tuple[str, int]:
    """A byte Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), read as Latin-1."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("loopkeeper_latin1", _as_latin1)


@dataclass
class Utf8Scan:
    """What decoding a file as UTF-8 found."""

    # (byte offset, 1-based line) of each byte that is not UTF-8, the first MAX_FAULTS.
    faults: list[tuple[int, int]] = field(default_factory=list)
    fault_count: int = 0
    # Characters beyond ASCII that decoded: evidence the file is UTF-8 at all.
    decoded_beyond_ascii: int = 0

    @property
    def is_damaged_utf8(self) -> bool:
        return self.decoded_beyond_ascii > 0 and self.fault_count <= self.decoded_beyond_ascii

    def offset_on_or_after(self, line: int) -> int | None:
        """The first stray byte on ``line`` or later (a row's fault, by the line it starts on)."""
        return next((offset for offset, at in self.faults if at >= line), None)


# With surrogateescape, a byte that is not UTF-8 decodes to U+DC80..U+DCFF.
_STRAY = re.compile("[\udc80-\udcff]")
# A byte-order mark says nothing: Excel writes one before Windows-1252 text too.
_DECODED_BEYOND_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff\ufeff]")


def scan_utf8(path: Path) -> Utf8Scan:
    """Decode the file as UTF-8, noting where each byte that is not UTF-8 is."""
    scan = Utf8Scan()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    offset, line = 0, 1
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            text = decoder.decode(chunk, final=not chunk)
            position = 0  # in `text`
            scan.decoded_beyond_ascii += len(_DECODED_BEYOND_ASCII.findall(text))
            for fault in _STRAY.finditer(text):
                between = text[position : fault.start()]
                offset += len(between.encode("utf-8", "surrogateescape"))
                line += between.count("\n")
                position = fault.start()
                scan.fault_count += 1
                if len(scan.faults) < MAX_FAULTS:
                    scan.faults.append((offset, line))
            rest = text[position:]
            offset += len(rest.encode("utf-8", "surrogateescape"))
            line += rest.count("\n")
            if not chunk:
                return scan


def transcode_windows_1252(path: Path, out: Path) -> None:
    """Write ``path`` (Windows-1252) as UTF-8 to ``out``, chunk by chunk (one byte, one char).

    A UTF-8 byte-order mark in front is a marker, not text: it is dropped, not read as `ï»¿`.
    """
    with path.open("rb") as source, out.open("w", encoding="utf-8", newline="") as target:
        if source.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            source.seek(0)
        while chunk := source.read(CHUNK_BYTES):
            target.write(chunk.decode("cp1252", errors="loopkeeper_latin1"))
