"""PII redaction with regexes: emails, phone numbers, and URLs that carry tokens or queries."""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Digit groups joined by spaces, dots or dashes, optionally with a +country code or (area code);
# the digit count check below keeps dates, amounts and versions out.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?![\w])"
)
DIGIT = re.compile(r"\d")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# A path segment of 20+ characters mixing letters and digits reads as a secret or a signed link.
TOKENISH = re.compile(r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    # Most feedback holds no PII; the cheap checks skip the regexes that cannot match.
    lowered = text.lower()
    if "http" in lowered or "www." in lowered:
        text = URL.sub(_url, text)
    if "@" in text:
        text = EMAIL.sub("[email]", text)
    if DIGIT.search(text):
        text = PHONE.sub(_phone, text)
    return text


def _url(match: re.Match[str]) -> str:
    url = match.group(0)
    trailing = ""
    while url and url[-1] in ".,;:!)":
        url, trailing = url[:-1], url[-1] + trailing
    if "?" in url or "#" in url or TOKENISH.search(url):
        return "[url]" + trailing
    return url + trailing


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[phone]" if 9 <= digits <= 15 else match.group(0)
