"""The Jinja2 environment every email template renders in, and the filters they share."""

from __future__ import annotations

import functools
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"


def wrap(text: str, width: int = 72) -> str:
    """Fill a paragraph for the text part without splitting addresses or domains at hyphens."""
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def money(amount: float | None) -> str:
    """ARR as people read it in an email: ``$120,000``; unknown amounts say so."""
    return "ARR unknown" if amount is None else f"${amount:,.0f}"


def plural(count: int, word: str, many: str = "") -> str:
    """A count with its noun as people write it: "1 account", "21 accounts" (never "account(s)")."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def long_date(value: date | datetime | None) -> str:
    """``3 November 2026``; an unknown date says so."""
    return "not known" if value is None else f"{value.day} {value:%B %Y}"


def one_line(value: str) -> str:
    """A label derived from customer text (a theme) as one line: whitespace runs become a space.

    Only for labels the tagger made from feedback; names and addresses that carry CR or LF are
    rejected by the message check instead, because there they mean bad data.
    """
    return " ".join(value.split())


@functools.cache
def template_environment() -> Environment:
    """Jinja2 environment for the email templates: HTML escaped, text verbatim, no silent gaps."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(
            enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["wrap"] = wrap
    environment.filters["money"] = money
    environment.filters["long_date"] = long_date
    environment.filters["plural"] = plural
    return environment


def render_pair(stem: str, context: dict[str, Any]) -> tuple[str, str]:
    """The text and HTML parts of one message kind (``<stem>.txt.j2`` and ``<stem>.html.j2``)."""
    environment = template_environment()
    text = environment.get_template(f"{stem}.txt.j2").render(context)
    html = environment.get_template(f"{stem}.html.j2").render(context)
    return text, html
