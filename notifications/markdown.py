"""Values made inert in Markdown: what a customer or a CRM wrote is shown, never rendered as markup.

One rule for every Markdown file the project writes (escalation documents, the reports' .md twins):
the template's own markup is trusted, every value written into it passes ``markdown_text``.
Escapes are added only where a character could act, so the raw file still reads as prose
("SSO & login", "[name]", "Thanks!") and renders the same.
"""

from __future__ import annotations

import re

# "&amp;" or "&#60;" in a value would render as the character it names.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Emphasis, code, strikethrough, table cells and escapes act anywhere in a line.
_ALWAYS = ("`", "*", "|", "~")
# "_" only opens emphasis at a word's edge; "snake_case" stays as written.
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# "[text](url)", "[text][ref]" and "[ref]: url" are links; a "]" followed by anything else is not.
_LINK_CLOSE = re.compile(r"\](?=[(\[:])")
# What would start a block when the value opens a line: list items, rules, headings, setext lines.
_BLOCK_START = re.compile(r"^(?:[-+](?=\s|$|-)|=|#|\d{1,9}(?=[.)](?:\s|$)))")


def markdown_text(value: object) -> str:
    """One line of data, inert in Markdown: HTML and the Markdown punctuation that would act escaped."""
    text = " ".join(str(value).split())
    text = text.replace("\\", "\\\\")
    text = _ENTITY.sub("\\&", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    for mark in _ALWAYS:
        text = text.replace(mark, "\\" + mark)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    text = _LINK_CLOSE.sub(r"\\]", text)
    text = text.replace("![", "!\\[")
    match = _BLOCK_START.match(text)
    if match:
        end = match.end()
        # An ordered-list number is disarmed by escaping its "." or ")"; a mark by escaping itself.
        text = text[:end] + "\\" + text[end:] if match.group(0).isdigit() else "\\" + text
    return text
