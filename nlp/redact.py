"""PII redaction: emails, phone numbers, URLs that carry tokens or queries, signature names.

What escalation documents, reports and analysts see is the redacted text, so the rules lean
towards redacting. Names are only recognised where people sign: on the line after a sign-off
("Thanks,\\nMaria Lopez", "Thanks in advance!\\nAndre"), after a dash ("— Jan Kowalski, Ops
lead"), closing the text ("..., cheers, Sven"), or alone on the last line of a text whose
paragraphs it closes ("...this week.\\n\\nMarco"); a name in the middle of a sentence is left
alone.
"""

import re

# An address is what `[\w.+-]+@[\w-]+(?:\.[\w-]+)+` matches; redact_emails finds the same matches
# from each "@" out, because that pattern, searched, retried from every letter of a long word
# before an "@" (a 200,000-letter word took 146 s).
DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
# Digit groups joined by spaces, dots or dashes, optionally with a +country code or (area code);
# the digit count check below keeps dates, amounts and versions out.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?![\w])"
)
# A cheap first look: nine or more digits close together, as any phone number has.
PHONE_LIKE = re.compile(r"\d[\d\s().-]{7,}\d")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# A path segment of 20+ characters mixing letters and digits reads as a secret or a signed link
# (looks_secret). Runs are found first and then looked into: a lookahead for the digit from every
# start scanned a 2,000,000-letter path once per letter, and never finished.
SEGMENT = re.compile(r"[A-Za-z0-9_-]{20,}")

SIGNOFF = (
    r"(?:thanks(?: again| a lot| so much| in advance)?|thank you(?: in advance)?|many thanks|"
    r"thx|ty|regards|kind regards|"
    r"best regards|warm regards|best wishes|best|cheers|sincerely|yours|all the best|br|cordially)"
)
NAME = r"[A-Za-z][\w'’.-]*(?:[ \t]+[A-Za-z][\w'’.-]*){0,2}"
CAPITALISED_NAME = r"[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2}"
# The name alone on its line, or followed by ", role" / "| company".
AFTER_SIGNOFF = re.compile(
    rf"(?im)^([ \t]*{SIGNOFF}[ \t]*[,.!:]?[ \t]*\n[ \t]*)({NAME})(?=[ \t]*(?:[,|(]|$))"
)
AFTER_DASH = re.compile(
    rf"(?m)((?:^|[ \t])(?:--|—|–|~)[ \t]*)({CAPITALISED_NAME})(?=[ \t]*(?:[,|(]|$))"
)
CLOSING = re.compile(rf"(?i:\b{SIGNOFF})[ \t]*,[ \t]*({CAPITALISED_NAME})[ \t.!]*$")
# One or two words alone on the last line, after an empty line: how a ticket is signed when
# no sign-off comes before the name. A sign-off alone there ("Thanks!") is no name.
LAST_LINE_NAME = re.compile(
    r"\n[ \t]*\n[ \t]*([A-Za-z][\w'’-]*(?:[ \t]+[A-Za-z][\w'’-]*)?)[ \t.!]*$"
)
_SIGNOFF_ALONE = re.compile(rf"(?i){SIGNOFF}")
_SIGNOFF_FIRST = re.compile(rf"(?i){SIGNOFF}[ \t]+")


def redact(text: str) -> str:
    # Most feedback holds no PII; the cheap checks skip the regexes that cannot match.
    lowered = text.lower()
    if "http" in lowered or "www." in lowered:
        text = URL.sub(_url, text)
    if "@" in text:
        text = redact_emails(text)
    if PHONE_LIKE.search(text):
        text = PHONE.sub(_phone, text)
    if "\n" in text:
        text = AFTER_SIGNOFF.sub(r"\1[name]", text)
        last = LAST_LINE_NAME.search(text, max(0, len(text) - 80))
        if last and not _SIGNOFF_ALONE.fullmatch(last.group(1)):
            # "cheers theo": the sign-off stays, the name goes
            signoff = _SIGNOFF_FIRST.match(last.group(1))
            start = last.start(1) + (signoff.end() if signoff else 0)
            text = text[:start] + "[name]" + text[last.end(1) :]
    if "-" in text or "—" in text or "–" in text or "~" in text:
        text = AFTER_DASH.sub(r"\1[name]", text)
    tail_start = max(0, len(text) - 60)
    if "," in text[tail_start:]:
        match = CLOSING.search(text, tail_start)
        if match:
            text = text[: match.start(1)] + "[name]" + text[match.end(1) :]
    return text


def redact_emails(text: str) -> str:
    """Each address replaced by [email], leftmost first: its local part is the run of word
    characters, '.', '+' and '-' before an "@" (not reaching back into the address before it),
    its domain the longest DOMAIN match after. Linear: runs and domains of different "@"s do
    not overlap."""
    parts: list[str] = []
    done = 0  # end of the last address replaced
    at = text.find("@")
    while at != -1:
        start = at
        while start > done and _local_char(text[start - 1]):
            start -= 1
        domain = DOMAIN.match(text, at + 1) if start < at else None
        if domain is not None:
            parts += (text[done:start], "[email]")
            done = domain.end()
        at = text.find("@", max(at + 1, done))
    return "".join(parts) + text[done:] if parts else text


def _local_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_.+-"


def _url(match: re.Match[str]) -> str:
    url = match.group(0)
    trailing = ""
    while url and url[-1] in ".,;:!)":
        url, trailing = url[:-1], url[-1] + trailing
    if "?" in url or "#" in url or looks_secret(url):
        return "[url]" + trailing
    return url + trailing


def looks_secret(url: str) -> bool:
    """A run of 20+ letters, digits, '_' or '-' with at least one digit and one letter."""
    return any(
        any(ch.isdigit() for ch in run) and any(ch.isalpha() for ch in run)
        for run in SEGMENT.findall(url)
    )


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[phone]" if 9 <= digits <= 15 else match.group(0)
