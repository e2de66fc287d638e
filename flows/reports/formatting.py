"""How numbers read in a report: the same formatting in HTML, Markdown and recommendations."""

from __future__ import annotations


def money(value: float | None) -> str:
    """ARR in dollars, whole: `$1,234,567`."""
    return "–" if value is None else f"${value:,.0f}"


def count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def pct(share: float | None) -> str:
    """A 0-1 share as a percentage with one decimal: `42.5%`."""
    return "–" if share is None else f"{100 * share:.1f}%"


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def signed(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:+,.{digits}f}"
