"""CSV cells made safe to open in a spreadsheet: text that reads as a formula is kept as text.

Excel, LibreOffice and Google Sheets run a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula, so a customer's "=HYPERLINK(...)" in a file the
project writes would run on the analyst's machine. Such cells get a leading apostrophe, which
spreadsheets read as "this is text" and do not show; numbers ("-3.5") are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should show it: formula-like text prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text columns hold no cell a spreadsheet would run."""
    safe = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            safe[column] = safe[column].map(safe_cell)
    safe.columns = [safe_cell(column) for column in frame.columns]  # headers come from the input
    return safe
