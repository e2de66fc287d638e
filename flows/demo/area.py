"""The shape of a product area's phrase bank; the banks themselves live in ``areas_*.py``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Idea:
    """Something customers ask for that the roadmap can carry; keywords match the asks' words."""

    title: str
    keywords: tuple[str, ...]
    asks: tuple[str, ...]


@dataclass(frozen=True)
class Area:
    """How customers talk about one part of the product.

    Phrases may use the slots ``{thing}`` (one of ``things``), ``{name}`` (one of ``names``),
    ``{n}`` (a small number) and ``{team}`` (a team at the customer).
    """

    key: str
    names: tuple[str, ...]
    things: tuple[str, ...]
    problems: tuple[str, ...]
    slow: tuple[str, ...]
    confusing: tuple[str, ...]
    tasks: tuple[str, ...]
    praise: tuple[str, ...]
    errors: tuple[str, ...]
    shorthand: tuple[str, ...]
    pages: tuple[str, ...]
    ideas: tuple[Idea, ...]
