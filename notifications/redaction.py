"""Masking contact details in feedback text before an email quotes it back."""

from __future__ import annotations

from nlp.redact import redact


def redact_contact_details(text: str) -> str:
    """The tagger's own redaction (emails, phones, token URLs, signature names).

    One implementation for the whole project: an email quoting an item that was never tagged
    must hide exactly what the warehouse hides for a tagged one.
    """
    return redact(text)


def shorten(text: str, limit: int = 300) -> str:
    """Collapse whitespace and cut at a word boundary so the result fits in ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"
