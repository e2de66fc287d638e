"""What a theme is called: its bucket (product area and kind of feedback) and readable label.

Which items share a theme is decided by their embeddings (nlp/theme_book.py); this module
names the theme an item starts, from the taxonomy's area and keyword or, with no area, the
item's first noun phrase.
"""

import re
from collections.abc import Sequence
from typing import Final

from nlp.lexicon import POLARITY
from nlp.subjects import HEAD, SKIP, role

# Words that say nothing about the subject of a piece of feedback.
# fmt: off
FILLER: Final = frozenset({
    "please", "pls", "thanks", "thank", "need", "needs", "want", "wants", "like", "would",
    "love", "great", "really", "very", "just", "also", "still", "app", "product", "tool",
    "team", "thing", "things", "way", "lot", "bit", "hi", "hello", "hey", "regards", "cheers",
    "best", "customer", "mentioned", "said", "feature", "request", "wish", "add", "could",
    "can't", "cant", "cannot", "make", "get", "use", "using", "one", "time", "day", "week",
    "month", "year", "everyone", "someone", "anyone", "nothing", "something", "everything",
    "later", "going", "come", "comes", "came", "end", "ton", "tons", "cents", "know", "think",
    "tried", "try", "trying", "keep", "keeps", "kept", "today", "yesterday", "ago", "since",
    "anymore", "ever", "sure", "able", "happens", "happened", "started", "seems", "look",
    "looks", "looking", "let", "lets", "tell", "told", "ask", "asked", "asking", "says",
    "saying", "got", "getting", "goes", "went", "put", "set", "stuff", "lots",
    "days", "weeks", "months", "hours", "minutes", "times", "yet", "now", "issue",
    "issues", "problem", "problems", "question", "questions", "help", "bug", "bugs",
})
# fmt: on
SLUG: Final = re.compile(r"[^a-z0-9]+")


READABLE: Final = {
    "bug": "problems",
    "feature_request": "requests",
    "usability": "ease of use",
    "performance": "speed",
    "pricing": "pricing",
    "documentation": "docs",
    "praise": "praise",
    "question": "questions",
    "churn_risk": "churn risk",
    "competitor": "competitors",
}


# Signals about the account, not subjects: a theme is about what the item reports or asks.
SIGNALS: Final = frozenset({"competitor", "churn_risk"})


def theme_kind(intents: Sequence[str]) -> str:
    """The intent a theme is kept apart by: the top one that names a subject."""
    return next((i for i in intents if i not in SIGNALS), intents[0] if intents else "")


def theme_name(
    area: str,
    area_label: str,
    keyword: str,
    intent: str,
    words: Sequence[str],
    stop: frozenset[str],
    generic: str = "",
) -> tuple[str, str, str]:
    """(bucket, key word, label) of the theme an item would start.

    The bucket is product area, top intent and the taxonomy keyword: a theme never spans
    areas or subjects the taxonomy tells apart, and a bug report never shares a theme with a
    request, so "we heard you" for a shipped request does not reach the people who reported a
    fault in the same area. Inside a bucket, embeddings decide (nlp/theme_book.py); with no
    area, the bucket is only the kind of feedback and embeddings do all the grouping. The label
    names the area and keyword or, with none, the item's first noun phrase (two words at most,
    whole, never a stem).
    """
    kind = intent or "general"
    readable = READABLE.get(intent, "general feedback")
    if area:
        # "Exports: export problems" would say the same thing twice; the area alone names it.
        specific = keyword not in (area, area_label.lower(), generic)
        subject = f"{keyword} {readable}" if specific else readable
        return f"{area}.{kind}.{_slug(keyword)}", "", f"{area_label}: {subject}"
    salient = [] if intent == "praise" else salient_words(words, stop, 2)
    if not salient:
        return f"other.{kind}", "", f"Other: {readable}"
    return (
        f"other.{kind}",
        _slug("-".join(salient)),
        f"{readable.capitalize()}: {' '.join(salient)}",
    )


def theme_template(bucket: str, area_label: str) -> tuple[str, frozenset[str]]:
    """A theme's label with a `{terms}` slot, and the words its terms must not repeat.

    "Exports: {terms} problems" for a theme of an area, "Requests: {terms}" without one.
    """
    area, _, rest = bucket.partition(".")
    kind = rest.split(".", 1)[0]
    readable = READABLE.get(kind, "general feedback")
    if area == "other":
        return f"{readable.capitalize()}: {{terms}}", frozenset(readable.split())
    said = {area, *area_label.lower().replace("&", " ").split(), *readable.split()}
    return f"{area_label}: {{terms}} {readable}", frozenset(said)


def salient_words(words: Sequence[str], stop: frozenset[str], limit: int) -> list[str]:
    """The first phrase of adjacent content words that names a subject, in text order, up to
    `limit` words ending in its subject word: "mobile inbox", never two words of different
    phrases ("calendars late" from "the calendars is late"). Words are `pieces_of` a text: a
    hyphenated compound ("one-tap") is one, punctuation ends a phrase; verbs, adverbs and
    judgements name nothing (nlp/subjects.py)."""
    run: list[str] = []
    for word in words:
        if (
            len(word) < 3
            or word in stop
            or word in FILLER
            or word in POLARITY
            or not (word.isalpha() or _is_compound(word))
            or role(word) == SKIP
        ):
            if any(role(w) == HEAD for w in run):
                break
            run.clear()
            continue
        run.append(word)
    while run and role(run[-1]) != HEAD:
        run.pop()
    return run[-limit:]


def _is_compound(word: str) -> bool:
    return "-" in word and "'" not in word and any(p.isalpha() for p in word.split("-"))


def _slug(text: str) -> str:
    return SLUG.sub("-", text.lower()).strip("-")
