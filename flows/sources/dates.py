"""Dates and times as exports write them, parsed to UTC by a short list of explicit formats.

Guessing (``dateutil``, pandas' ``format="mixed"``) reads ``04/11/2026`` day-first or
month-first depending on the rest of the column; an explicit list never guesses. Slash dates
are month-first, as US survey tools and CRMs export them; a value no format reads is rejected
so the row is quarantined, never loaded at a guessed date.
"""

from __future__ import annotations

import pandas as pd

DATE_FORMATS_HELP = "ISO 8601, M/D/YYYY [h:mm [AM|PM]] or epoch seconds"

_ISO = (
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_US = r"^\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?$"
_US_FORMATS = (
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M%p",
)
# Jira's CSV export writes `04/Nov/26 9:30 AM`: the month is a name, so nothing is ambiguous.
_JIRA = r"^\d{1,2}/[A-Z]{3}/\d{2}(?: \d{1,2}:\d{2} [AP]M)?$"
_JIRA_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%y")


def parse_timestamps(values: pd.Series) -> pd.Series:
    """UTC timestamps for the values any known format reads; NaT for the rest.

    A value without an offset is UTC. Epoch values are seconds (10 digits) or milliseconds (13).
    """
    text = values.astype("string").str.strip().str.upper()
    # `2026-11-04 09:30:00 +0100` and `... UTC`: the offset joins the time, as ISO writes it.
    text = text.str.replace(r"\s+(?:UTC|GMT)$", "Z", regex=True)
    text = text.str.replace(r"(\d)\s+([+-]\d{2}:?\d{2})$", r"\1\2", regex=True)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")

    iso = text.str.match(_ISO).fillna(False).astype(bool)
    if iso.any():
        parsed[iso] = pd.to_datetime(text[iso], utc=True, errors="coerce", format="ISO8601")

    epoch = text.str.fullmatch(r"\d{9,10}|\d{13}").fillna(False).astype(bool)
    if epoch.any():
        digits = pd.to_numeric(text[epoch])
        unit_ms = text[epoch].str.len() == 13
        parsed[epoch] = pd.to_datetime(digits.where(~unit_ms, digits // 1000), unit="s", utc=True)

    for pattern, formats in ((_US, _US_FORMATS), (_JIRA, _JIRA_FORMATS)):
        todo = text.str.match(pattern).fillna(False).astype(bool) & parsed.isna()
        for fmt in formats:
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(text[todo], utc=True, errors="coerce", format=fmt)
            todo = todo & parsed.isna()
    return parsed
