"""A first, deterministic theme: product area plus its most specific keyword.

Near-duplicates ("export to Excel", "need xlsx export", "can't export spreadsheets") carry
different intents, so the intent only joins the key where no product area says what the item is
about. Praise is kept apart so compliments do not pile onto a complaint theme.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from nlp.lexicon import POLARITY

# Words that say nothing about the subject of a piece of feedback.
# fmt: off
FILLER: Final = frozenset({
    "please", "pls", "thanks", "thank", "need", "needs", "want", "wants", "like", "would",
    "love", "great", "really", "very", "just", "also", "still", "app", "product", "tool",
    "team", "thing", "things", "way", "lot", "bit", "hi", "hello", "hey", "regards", "cheers",
    "best", "customer", "mentioned", "said", "feature", "request", "wish", "add", "could",
    "can't", "cant", "cannot", "make", "get", "use", "using", "one", "time", "day", "week",
    "month", "year", "everyone", "someone", "anyone", "nothing", "something", "everything",
})
# fmt: on
SLUG: Final = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Theme:
    key: str
    label: str


def theme_for(
    area: str,
    area_label: str,
    keyword: str,
    intent: str,
    words: Sequence[str],
    stop: frozenset[str],
    generic: str = "",
) -> Theme:
    """Theme of one item; generic is the area's generic word, which the label need not repeat."""
    suffix_key = ".praise" if intent == "praise" else ""
    suffix_label = " (praise)" if intent == "praise" else ""
    if area:
        # "Exports: export" would say the same thing twice; the area alone names the theme.
        subject = "" if keyword in (area, area_label.lower(), generic) else f": {keyword}"
        return Theme(f"{area}.{_slug(keyword)}{suffix_key}", f"{area_label}{subject}{suffix_label}")
    lemma = salient_lemma(words, stop)
    kind = intent or "general"
    readable = kind.replace("_", " ")
    if not lemma:
        return Theme(f"other.{kind}", f"Other: {readable}")
    return Theme(f"other.{kind}.{_slug(lemma)}", f"Other: {readable} ({lemma})")


def salient_lemma(words: Sequence[str], stop: frozenset[str]) -> str:
    """The first content word, lemmatised: a cheap stand-in for salience.

    Opinion words ("fantastic", "slow") say how the writer feels, not what about.
    """
    for word in words:
        if (
            len(word) < 3
            or not word.isalpha()
            or word in stop
            or word in FILLER
            or word in POLARITY
        ):
            continue
        return lemma(word)
    return ""


def lemma(word: str) -> str:
    """Strip the commonest English inflections; irregular forms stay as they are."""
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: len(word) - len(suffix)] + replacement
            if suffix in ("ing", "ed") and len(stem) > 3 and stem[-1] == stem[-2]:
                stem = stem[:-1]  # "logged" -> "log", "mapping" -> "map"
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return stem
    return word


def _slug(text: str) -> str:
    return SLUG.sub("-", text.lower()).strip("-")
