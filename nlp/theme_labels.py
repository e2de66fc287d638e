"""Theme labels from the words that set a theme apart: class-based TF-IDF, as BERTopic does.

Each theme keeps counts of its items' content words and adjacent content-word pairs ("dark
mode"). A term's weight in a theme is its count there times log(1 + A / f), where f is the
term's count over all themes and A the average number of terms per theme: words every theme
uses ("report", "issue") weigh little, words only this theme uses weigh most. A label is the
theme's template (area and kind of feedback, set when the theme started) filled with its top
terms, so it names what the items say, not what the first item happened to say.

Counts are plain data (`take_added()` / `add_rows()`), so the warehouse can keep them between
nights and a theme's label keeps learning from every item that joins it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Final

from nlp.lexicon import POLARITY

# A theme with many distinct terms keeps its commonest ones; the rest cannot reach its label.
KEEP_TERMS: Final = 200
TRIM_AT: Final = 400
LABEL_TERMS: Final = 2
# A second term joins the label only at this share of the first term's weight.
SECOND_TERM_SHARE: Final = 0.6
# Words the lexicon rates at least this positive are praise ("great", "love"), never a subject.
PRAISE_POLARITY: Final = 0.5
# A term names a theme only when at least this many of its items use it: one item's wording
# ("keeps", "shows") is not yet what the theme is about, and the theme keeps its first label.
MIN_ITEMS: Final = 2


def content_terms(words: Sequence[str], stop: frozenset[str], filler: frozenset[str]) -> list[str]:
    """An item's labelling terms: content words, each once, and pairs of adjacent ones.

    Content words are three letters or more, not stop or filler words, and not praise.
    """
    kept: list[str | None] = [
        word
        if len(word) >= 3
        and word.isalpha()
        and word not in stop
        and word not in filler
        # praise words say how the writer feels, not about what; a fault's words ("wrong",
        # "missing", "crash") do say what
        and POLARITY.get(word, 0.0) < PRAISE_POLARITY
        else None
        for word in words
    ]
    terms = dict.fromkeys(word for word in kept if word)
    for first, second in pairwise(kept):
        if first and second and first != second:
            terms[f"{first} {second}"] = None
    return list(terms)


class ThemeTerms:
    """Term counts per theme, and each theme's top terms by class-based TF-IDF."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {}
        self.totals: Counter[str] = Counter()
        self.total = 0
        self._added: dict[str, Counter[str]] = {}

    def add(self, theme_key: str, terms: Sequence[str]) -> None:
        self.add_many([theme_key], [terms])

    def add_many(self, theme_keys: Sequence[str], terms: Sequence[Sequence[str]]) -> None:
        """Each item's terms to its theme's counts: a batch's items, counted per theme at once."""
        by_theme: dict[str, list[str]] = {}
        for key, item_terms in zip(theme_keys, terms, strict=True):
            if key:  # "" is no theme (an item with no words)
                by_theme.setdefault(key, []).extend(item_terms)
        for key, words in by_theme.items():
            counts = self.counts.setdefault(key, Counter())
            counts.update(words)
            self.totals.update(words)
            self.total += len(words)
            self._added.setdefault(key, Counter()).update(words)
            if len(counts) > TRIM_AT:
                self.counts[key] = Counter(dict(counts.most_common(KEEP_TERMS)))

    def add_rows(self, rows: Iterable[tuple[str, str, int]]) -> None:
        """Counts kept from earlier runs: (theme_key, term, count)."""
        for key, term, count in rows:
            self.counts.setdefault(key, Counter())[term] += count
            self.totals[term] += count
            self.total += count

    def take_added(self) -> list[tuple[str, str, int]]:
        """Counts added since the last call: what a warehouse has to add to its own."""
        added, self._added = self._added, {}
        return [
            (key, term, count)
            for key, counts in sorted(added.items())
            for term, count in sorted(counts.items())
        ]

    def top_terms(
        self, theme_key: str, limit: int = LABEL_TERMS, exclude: frozenset[str] = frozenset()
    ) -> list[str]:
        """The theme's most distinctive terms, up to `limit` words; none repeats a chosen word
        or one of `exclude` (what the label says already)."""
        counts = self.counts.get(theme_key)
        if not counts:
            return []
        average = self.total / max(1, len(self.counts))
        totals = self.totals
        # Only terms enough items share can name the theme, so only they are weighed.
        weighed = [
            (count * math.log(1 + average / totals[term]), term)
            for term, count in counts.items()
            if count >= MIN_ITEMS
        ]
        # ties go to the pair ("dark mode" over "dark"), then alphabetically
        weighed.sort(key=lambda item: (-item[0], -item[1].count(" "), item[1]))
        chosen: list[str] = []
        top = 0.0
        for weight, term in weighed:
            words = term.split()
            if any(word in exclude for word in words):
                continue
            # a second term only when it weighs nearly as much as the first: a weak one is
            # noise from a few items ("ios later"), not part of the subject
            if chosen and weight < SECOND_TERM_SHARE * top:
                break
            said = len(" ".join(chosen).split())
            grown = _continue_phrase(chosen, words)
            if grown is not None:
                # "bigger rate" then "rate limit": one phrase, "bigger rate limit", which may
                # run one word past the limit rather than stop mid-phrase
                if said < limit + 1:
                    chosen = grown
                continue
            if said >= limit or any(word in picked.split() for picked in chosen for word in words):
                continue
            chosen.append(term)
            top = top or weight
        return chosen


def _continue_phrase(chosen: list[str], words: list[str]) -> list[str] | None:
    """The chosen terms with a pair that continues one of them ("bigger rate" + "rate limit"),
    or None when it continues none."""
    if len(words) != 2:
        return None
    for index, picked in enumerate(chosen):
        said = picked.split()
        if said[-1] == words[0] and words[1] not in said:
            return [*chosen[:index], f"{picked} {words[1]}", *chosen[index + 1 :]]
        if said[0] == words[1] and words[0] not in said:
            return [*chosen[:index], f"{words[0]} {picked}", *chosen[index + 1 :]]
    return None


# How a label says the kind of feedback around its terms: "API: requests for bigger rate
# limit", not "API: bigger rate limit requests"; "Mobile app: slow battery drain"... reads as
# a product manager writes a line, the kind first where English puts it first.
PHRASES: Final = {
    "problems": "{terms} problems",
    "requests": "requests for {terms}",
    "questions": "questions about {terms}",
    "docs": "docs on {terms}",
    "ease of use": "{terms} hard to use",
    "speed": "speed of {terms}",
    "general feedback": "feedback on {terms}",
}


def fill(template: str, terms: Sequence[str], fallback: str) -> str:
    """A label from its template ("Exports: {terms} problems") and terms; the fallback if none.

    The kind of feedback after the slot is said as a phrase (PHRASES): "Exports: requests for
    xlsx option", "Exports: xlsx fail problems".
    """
    if not terms or "{terms}" not in template:
        return fallback
    head, _, kind = template.partition("{terms}")
    phrase = PHRASES.get(kind.strip())
    if phrase is not None:
        template = head + phrase
    return " ".join(template.replace("{terms}", " ".join(terms)).split())
