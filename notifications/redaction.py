"""Masking contact details in feedback text before an email quotes it back."""

from __future__ import annotations

import re

from nlp.redact import SIGNOFF, redact

# What the redaction puts where it took something out: "[email]", "[phone]", "[url]", "[name]".
PLACEHOLDER = re.compile(r"\[[a-z]+\]")
# A name redacted where its author signed: with the sign-off or dash that introduced it, to the
# end of that line ("Regards, [name]", "— [name], Ops lead").
_SIGNED_NAME = re.compile(
    rf"(?:(?i:\b{SIGNOFF})(?:[ \t]+in[ \t]+advance)?[ \t]*[,.!:]?\s*|(?:--|—|–|~)[ \t]*)"
    r"\[name\][^\n]*"
)
# Sentences end at ".", "!" or "?" before whitespace, or at a line break. A break is tried only
# where a whitespace run starts, which is where one matched anyway: tried from every space, a
# run of 100,000 spaces took 13 s.
_SENTENCES = re.compile(r"(?<=[.!?])\s+|(?<!\s)\s*\n\s*")
# A sign-off closing the text, with the name after it when the redaction left one.
_TRAILING_SIGNOFF = re.compile(
    rf"(?:^|(?<=[.!?,;]))\s*(?i:{SIGNOFF})(?:\s+in\s+advance)?\s*[,.!:]*"
    r"(?:\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})?\s*[.!]*\s*$"
)


def redact_contact_details(text: str) -> str:
    """The tagger's own redaction (emails, phones, token URLs, signature names).

    One implementation for the whole project: an email quoting an item that was never tagged
    must hide exactly what the warehouse hides for a tagged one.
    """
    return redact(text)


def quote_for_author(text: str, redacted: str | None = None) -> str:
    """The words to quote back to the person who wrote them: theirs, with no placeholder in them.

    A "[name]" in their own signature reads as if we had censored them, so the sign-off goes
    instead; a sentence holding a phone number, an address or a link with a token is left out
    (the message is stored and may be forwarded, so contact details stay out of it too).
    """
    masked = redact_contact_details(text) if redacted is None else redacted
    masked = _SIGNED_NAME.sub("", masked)
    kept = [
        sentence
        for sentence in _SENTENCES.split(masked)
        if sentence.strip() and not any(p not in text for p in PLACEHOLDER.findall(sentence))
    ]
    quote = " ".join(sentence.strip() for sentence in kept)
    return _TRAILING_SIGNOFF.sub("", quote).rstrip(" ,;:-—–")


# A greeting on a line of its own ("Hi team,", "Dear support team,", "Good morning,").
_GREETING_LINE = re.compile(
    r"(?im)^[ \t]*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening))\b"
    r"[^\n.!?]{0,40}[,!:]?[ \t]*(?:\n|$)"
)
# A name the redaction left alone on the last line.
_LAST_LINE_NAME = re.compile(r"\n[ \t]*\[name\][ \t.!]*$")


def quote_for_colleague(redacted: str) -> str:
    """The customer's words as a colleague reads them (CSM alerts, product documents): redacted,
    without the greeting and the sign-off around them, which say nothing about the problem and
    hold the placeholders ("Cheers, [name]")."""
    text = _GREETING_LINE.sub("", redacted)
    text = _SIGNED_NAME.sub("", text)
    text = _LAST_LINE_NAME.sub("", text.rstrip())
    text = _TRAILING_SIGNOFF.sub("", text)
    return text.strip().rstrip(" ,;:-—–")


def shorten(text: str, limit: int = 300) -> str:
    """Collapse whitespace and cut at a word boundary so the result fits in ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"
