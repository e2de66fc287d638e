"""Masking contact details in feedback text before an email quotes it back."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the usual phone separators; a phone number has at least 9 digits, which
# leaves dates (8 digits), ticket numbers and version strings alone.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{7,}\d(?!\w)")
_MIN_PHONE_DIGITS = 9
_MAX_PHONE_DIGITS = 15


def _mask_phone(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match[0])
    if _MIN_PHONE_DIGITS <= digits <= _MAX_PHONE_DIGITS:
        return "[phone]"
    return match[0]


def redact_contact_details(text: str) -> str:
    """Replace email addresses with ``[email]`` and phone numbers with ``[phone]``."""
    return _PHONE_CANDIDATE.sub(_mask_phone, _EMAIL.sub("[email]", text))


def shorten(text: str, limit: int = 300) -> str:
    """Collapse whitespace and cut at a word boundary so the result fits in ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"
